// Building the day's edition from ranked stories, and rendering it as an
// HTML email, plain text (72 columns, links as numbered footnotes) and JSON.
// Pure; safe to call concurrently.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/types.hpp"
#include "rank/score.hpp"
#include "rank/story_bundle.hpp"

namespace newsdesk::edition {

// Picks up to config.stories on-beat stories in rank order, leaving out those
// an earlier edition carried unless they developed (section "Developing");
// for each, the lead article (the newsroom's own outlet if it covers the
// story, else the highest-weighted outlet, else the earliest original) within
// the diversity caps (edition.max_per_outlet, edition.max_per_country), a
// summary of at most two whole sentences, and the coverage around the web.
// `date` is the edition's local date (YYYY-MM-DD).
// The editor's `edits`, in the order they were made, have the last word:
// a pinned story goes in whatever the ranking and the caps say (at its place
// when one was given), a dropped one stays out, a moved one goes to its place,
// a retitled one carries the new headline. The edition records them.
core::Edition build_edition(const std::vector<rank::StoryBundle>& stories, const std::vector<rank::StoryScore>& ranked,
                            const core::EditionConfig& config, core::TimePoint now, const std::string& date,
                            const std::vector<core::EditionEdit>& edits = {});

// At most two whole sentences of `text`, at most `max_chars` unless the first
// sentence alone is longer (then that one sentence). Never cuts a sentence.
std::string summarise(const std::string& text, size_t max_chars = 320);

// "Daily Headlines: A; B; C" from the top three stories.
std::string subject_line(const std::string& name, const std::vector<core::EditionItem>& items);

// Why `edition` must not go out as built, or "" when it may: fewer stories
// than [edition] min_stories (an empty edition from a day the outlets were
// down is not mailed to every reader). send_edition applies it unless
// forced, and only before the edition's first copy is queued.
std::string hold_reason(const core::Edition& edition, const core::EditionConfig& config);

struct Links {
  std::string unsubscribe_url;  // shown in the footer of every copy
  std::string preferences_url;
  std::string web_url;          // the edition's permanent page
  std::string greeting;         // a first line for the reader ("Good morning, Ada."); "" for none
};

// One reader's copy of an edition: what differs from copy to copy.
struct Recipient {
  std::string name;             // may be empty
  std::string unsubscribe_url;  // one-click, per reader
  std::string preferences_url;
};

// An edition rendered once with holes where each reader's copy differs (the
// greeting and the per-reader links), so that 100,000 copies cost a splice
// each rather than a template rendering each.
class PersonalEdition {
 public:
  // Rendering and cutting a copy's transfer encoding once per edition:
  // `encode` turns text into it, and `joint` is what the encoding reads as
  // nothing, so that pieces encoded alone join into one valid body
  // (quoted-printable and its soft line break "=\r\n").
  struct Encoding {
    std::function<std::string(std::string_view)> encode;
    std::string joint;
  };
  // Renders HTML and text with markers in the holes, then cuts them there;
  // with an encoding, the pieces are kept encoded and copies come out encoded.
  PersonalEdition(const core::Edition& edition, const core::EditionConfig& config, const std::string& web_url,
                  std::optional<Encoding> encoding = std::nullopt);
  std::string html(const Recipient& r) const;
  std::string text(const Recipient& r) const;

 private:
  enum class Hole { kGreeting, kUnsubscribe, kPreferences };
  struct Cut {
    std::vector<std::string> parts;  // parts.size() == holes.size() + 1
    std::vector<Hole> holes;
  };
  static Cut cut(const std::string& rendered);
  std::string fill(const Cut& cut, const Recipient& r, bool html) const;
  Cut html_, text_;
  std::optional<Encoding> encoding_;
};

// The editions (newest first) as feeds of the site at `site_url`: each entry
// links the edition's page and lists its stories.
std::string editions_atom(const std::vector<core::Edition>& editions, const std::string& name, const std::string& site_url);
std::string editions_rss(const std::vector<core::Edition>& editions, const std::string& name, const std::string& site_url);
std::string editions_json_feed(const std::vector<core::Edition>& editions, const std::string& name, const std::string& site_url);

// "Good morning, Ada." / "Good morning." (no name).
std::string greeting_for(const std::string& name);

// Rendered with the built-in templates, or the operator's when the config
// carries them (edition.templates: edition.html.mustache, edition.txt.mustache).
std::string render_html(const core::Edition& edition, const core::EditionConfig& config, const Links& links);
std::string render_text(const core::Edition& edition, const core::EditionConfig& config, const Links& links);
std::string render_json(const core::Edition& edition);

// kConfig naming `where` when `text` is not a valid Mustache template.
core::Result<void> check_template(const std::string& text, const std::string& where);

// Wraps `text` at `width` columns (UTF-8 aware; words longer than a line stand alone).
std::string wrap(const std::string& text, size_t width, const std::string& indent = "");

}  // namespace newsdesk::edition
