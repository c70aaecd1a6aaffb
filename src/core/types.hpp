// The value types that travel between modules. Plain data: no behaviour that
// needs I/O, copyable, comparable where it helps tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace newsdesk::core {

using Id = std::int64_t;
using TimePoint = std::chrono::sys_seconds;

// An outlet we read: one feed URL, plus what the ranking needs to know about it.
struct Source {
  Id id = 0;
  std::string name;
  std::string feed_url;
  std::string site_url;
  std::string country;   // ISO 3166 alpha-2, may be empty
  std::string language;  // BCP 47, may be empty
  double weight = 1.0;   // authority, used by ranking
  bool own = false;      // the newsroom's own outlet
  // What an edition may show of its articles: "summary" (headline, a short
  // summary and a link; the default) or "headline" (headline and link only).
  // Never the full text of a third party.
  std::string excerpt = "summary";
};

// Conditional-GET and health state of a source's feed. Passed in to a poll and
// returned from it; no parser keeps it between calls.
struct FeedState {
  std::string etag;
  std::string last_modified;
  std::optional<TimePoint> last_polled;
  std::optional<TimePoint> last_success;
  std::string last_error;
  std::string last_error_class;  // "dns", "tls", "timeout", "http status", "blocked", "not a feed", "parse error", ...
  int consecutive_failures = 0;
  std::optional<TimePoint> failing_since;  // first failure of the current run of failures
  std::optional<TimePoint> next_poll;      // nullopt: due now
  double items_per_day = 0;                // how often it really publishes (estimate)
  int polls = 0;
  bool gone = false;                       // 410 Gone: no longer polled
};

// A file attached to a feed item (RSS enclosure, Atom rel="enclosure",
// JSON Feed attachment, media:content).
struct Enclosure {
  std::string url;                 // absolute
  std::string type;                // MIME type as given, may be empty
  std::optional<long long> length; // bytes, when given and a number
};

// One item of a feed, as the feed says it.
struct FeedEntry {
  std::string guid;  // stable id: guid / atom:id / JSON id, else the link
  std::string url;
  std::string title;    // plain text: markup stripped, entities decoded
  std::string summary;  // as the feed gives it (may be HTML)
  std::string content;  // full content (content:encoded, atom:content, content_html)
  std::vector<std::string> authors;
  std::optional<TimePoint> published;
  std::optional<int> published_offset;  // minutes east of UTC the feed wrote, if any
  std::optional<TimePoint> updated;
  std::optional<int> updated_offset;
  std::vector<std::string> categories;
  std::string image;                    // lead image, absolute
  std::vector<Enclosure> enclosures;
};

enum class PageType { kArticle, kLiveblog, kGallery, kVideo, kIndex, kOther };
const char* to_string(PageType type);
PageType page_type_from_string(const std::string& text);

// Whether the page gave us the article or only its opening: kTeaser is a
// paywalled or consent-walled page whose text is a teaser, never to be shown
// as the article; kUnknown when the page does not say and its shape cannot tell.
enum class Access { kFree, kTeaser, kUnknown };
const char* to_string(Access access);                    // "free", "teaser", "unknown"
Access access_from_string(const std::string& text);      // anything else: kUnknown

// What extraction reads off one page.
struct Article {
  Id id = 0;
  Id source_id = 0;
  std::string url;            // where it was fetched
  std::string canonical_url;  // what identifies it
  std::string title;
  std::vector<std::string> authors;
  std::optional<TimePoint> published;
  std::optional<int> published_offset;  // minutes east of UTC the page gave, if any
  std::optional<TimePoint> modified;
  std::string language;
  std::string site_name;
  std::string description;
  std::string image_url;
  std::string image_caption;  // the lead image's caption, without its credit
  std::string image_credit;   // who made the lead image ("Jane Doe / Agency")
  std::string text;  // paragraphs separated by "\n"
  std::string html;  // sanitised body HTML
  PageType page_type = PageType::kArticle;
  double page_type_confidence = 0.0;
  Access access = Access::kUnknown;
  std::optional<TimePoint> fetched;
  std::optional<Id> story_id;
  std::optional<Id> copy_of;  // the article this one is a near-verbatim copy of
};

// Coverage of one event across outlets.
struct Story {
  Id id = 0;
  std::string headline;
  TimePoint first_seen{};
  TimePoint last_updated{};
  std::vector<Id> article_ids;
};

// One story's place in an edition, with the article chosen to lead it.
struct EditionItem {
  Id story_id = 0;
  std::string headline;
  std::string summary;
  std::string url;  // the lead article
  std::string outlet;
  double score = 0.0;
  int outlets = 0;  // independent outlets
  std::string section;
  struct Coverage {
    std::string outlet;
    std::string title;
    std::string url;
    std::optional<TimePoint> published;
    bool copy = false;
  };
  std::vector<Coverage> coverage;
};

// The editor's last word on one edition: applied over the ranking when the
// edition is built, and recorded (who, what, when).
struct EditionEdit {
  enum class Action { kPin, kDrop, kMove, kRetitle };
  Id id = 0;
  std::string edition;  // the edition's name
  std::string date;     // YYYY-MM-DD
  Action action = Action::kPin;
  Id story_id = 0;
  int position = 0;     // pin and move: 1-based place; 0 = where the ranking puts it (pin)
  std::string title;    // retitle
  std::string editor;
  TimePoint at{};
};
const char* to_string(EditionEdit::Action action);  // "pin", "drop", "move", "retitle"

struct Edition {
  Id id = 0;
  std::string name;  // e.g. "Daily Headlines"
  std::string date;  // YYYY-MM-DD, the edition's local date
  TimePoint built_at{};
  std::string subject;
  std::vector<EditionItem> items;
  std::vector<EditionEdit> edits;  // the editor's changes this edition carries
};

enum class SubscriberState { kPending, kConfirmed, kUnsubscribed, kBounced };
const char* to_string(SubscriberState state);

struct Subscriber {
  Id id = 0;
  std::string email;
  SubscriberState state = SubscriberState::kPending;
  std::string time_zone;  // IANA name, empty = the edition's
  TimePoint created_at{};
  std::optional<TimePoint> confirmed_at;
  std::vector<std::string> editions;  // the editions they chose by name; empty = every edition
  bool paused = false;                // no editions until they resume
};

// Evidence of what a subscriber asked for, when and from where (consent
// records for sign-up, confirmation, preference changes, unsubscribing).
struct Consent {
  Id subscriber_id = 0;
  std::string action;        // signup, confirm, preferences, unsubscribe, import
  TimePoint at{};
  std::string ip;
  std::string form_version;  // which sign-up form (its wording) they saw
  std::string detail;
};

enum class DeliveryState { kQueued, kSending, kSent, kDeferred, kFailed, kBounced };
const char* to_string(DeliveryState state);

struct Delivery {
  Id edition_id = 0;
  Id subscriber_id = 0;
  DeliveryState state = DeliveryState::kQueued;
  int attempts = 0;
  std::string last_error;
  TimePoint updated_at{};
};

}  // namespace newsdesk::core
