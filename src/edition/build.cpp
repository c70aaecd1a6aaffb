#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "edition/edition.hpp"
#include "text/tokens.hpp"

namespace newsdesk::edition {
namespace {

// The lead article: the newsroom's own outlet if it covers the story, then
// an article the page gave whole over a paywalled teaser, then originals over
// copies, then authority, then the earliest. `allowed` says which articles
// the diversity caps still let lead.
template <class Allowed>
const rank::CoveredArticle* choose_lead(const rank::StoryBundle& story, Allowed&& allowed) {
  const rank::CoveredArticle* lead = nullptr;
  auto better = [](const rank::CoveredArticle& a, const rank::CoveredArticle& b) {
    if (a.source.own != b.source.own) return a.source.own;
    bool a_teaser = a.article.access == core::Access::kTeaser, b_teaser = b.article.access == core::Access::kTeaser;
    if (a_teaser != b_teaser) return !a_teaser;
    if (a.article.copy_of.has_value() != b.article.copy_of.has_value()) return !a.article.copy_of.has_value();
    if (a.source.weight != b.source.weight) return a.source.weight > b.source.weight;
    auto ta = a.article.published.value_or(core::TimePoint::max());
    auto tb = b.article.published.value_or(core::TimePoint::max());
    if (ta != tb) return ta < tb;
    return a.article.id < b.article.id;
  };
  for (const auto& ca : story.articles) {
    if (!allowed(ca)) continue;
    if (lead == nullptr || better(ca, *lead)) lead = &ca;
  }
  return lead;
}

}  // namespace

std::string summarise(const std::string& text, size_t max_chars) {
  std::string first_paragraph = text.substr(0, text.find('\n'));
  auto sentences = text::sentences(first_paragraph);
  if (sentences.empty()) return {};
  std::string out = sentences[0];
  if (sentences.size() > 1 && out.size() + 1 + sentences[1].size() <= max_chars) out += " " + sentences[1];
  return out;
}

std::string subject_line(const std::string& name, const std::vector<core::EditionItem>& items) {
  if (items.empty()) return core::collapse_whitespace(name + ": no stories today");  // never a dangling "Name:"
  std::string out = name + ":";
  for (size_t i = 0; i < std::min<size_t>(3, items.size()); ++i) {
    out += (i == 0 ? " " : "; ") + items[i].headline;
  }
  return core::collapse_whitespace(out);
}

namespace {
constexpr size_t kMaxCoverage = 30;
}  // namespace

std::string hold_reason(const core::Edition& edition, const core::EditionConfig& config) {
  const size_t stories = edition.items.size();
  if (stories >= static_cast<size_t>(std::max(config.min_stories, 0))) return "";
  return fmt::format("the edition of {} has {} {}, fewer than [edition] min_stories = {}: not sent "
                     "(send --force sends it; min_stories = 0 always sends)",
                     edition.date, stories, stories == 1 ? "story" : "stories", config.min_stories);
}

core::Edition build_edition(const std::vector<rank::StoryBundle>& stories, const std::vector<rank::StoryScore>& ranked,
                            const core::EditionConfig& config, core::TimePoint now, const std::string& date,
                            const std::vector<core::EditionEdit>& edits) {
  std::map<core::Id, const rank::StoryBundle*> by_id;
  for (const auto& s : stories) by_id[s.story.id] = &s;
  std::map<core::Id, const rank::StoryScore*> score_of;
  for (const auto& r : ranked) score_of[r.story_id] = &r;
  // The editor's word, the latest edit of a kind winning: what is dropped,
  // pinned (and where), moved, retitled.
  std::set<core::Id> dropped;
  std::map<core::Id, int> pinned, moved;
  std::map<core::Id, std::string> retitled;
  for (const auto& ed : edits) {
    switch (ed.action) {
      case core::EditionEdit::Action::kDrop:
        dropped.insert(ed.story_id);
        pinned.erase(ed.story_id);
        break;
      case core::EditionEdit::Action::kPin:
        pinned[ed.story_id] = ed.position;
        dropped.erase(ed.story_id);
        break;
      case core::EditionEdit::Action::kMove: moved[ed.story_id] = ed.position; break;
      case core::EditionEdit::Action::kRetitle: retitled[ed.story_id] = ed.title; break;
    }
  }
  core::Edition e;
  e.name = config.name;
  e.date = date;
  e.built_at = now;
  e.edits = edits;
  // Diversity: how many stories each outlet and each country already leads.
  std::map<core::Id, int> per_outlet;
  std::map<std::string, int> per_country;
  auto allowed = [&](const rank::CoveredArticle& ca) {
    if (per_outlet[ca.source.id] >= config.max_per_outlet) return false;
    if (config.max_per_country > 0 && !ca.source.country.empty() &&
        per_country[ca.source.country] >= config.max_per_country) {
      return false;
    }
    return true;
  };
  auto anyone = [](const rank::CoveredArticle&) { return true; };
  auto make_item = [&](const rank::StoryBundle& story, const rank::StoryScore* score, bool forced) -> bool {
    const rank::CoveredArticle* lead = choose_lead(story, allowed);
    if (lead == nullptr && forced) lead = choose_lead(story, anyone);  // the editor's pick goes in regardless
    if (lead == nullptr) return false;  // every outlet covering it already leads its share
    ++per_outlet[lead->source.id];
    if (!lead->source.country.empty()) ++per_country[lead->source.country];
    core::EditionItem item;
    item.story_id = story.story.id;
    item.headline = lead->article.title.empty() ? story.story.headline : lead->article.title;
    // The source's excerpt policy: a short summary by default, the headline
    // alone when it asks; never more (no third party's full text). A teaser
    // (a paywall or consent wall left only the opening) gives headline and
    // link alone: its opening is not the article, nor is the outlet's
    // description of it a summary of text we do not have.
    if (lead->source.excerpt != "headline" && lead->article.access != core::Access::kTeaser) {
      item.summary = summarise(lead->article.text);
      if (item.summary.empty()) item.summary = summarise(lead->article.description);
    }
    item.url = lead->article.url;
    item.outlet = lead->source.name;
    item.score = score != nullptr ? score->score : 0;
    item.outlets = score != nullptr ? score->independent_outlets : 0;
    bool developing = score != nullptr && score->developing;
    item.section = lead->source.own ? "From our newsroom" : developing ? "Developing" : "Top stories";
    // Coverage around the web: one article per other outlet, at most
    // kMaxCoverage (a story running for weeks gathers hundreds of articles;
    // the edition and its stored copy name the outlets, the story page lists
    // every article).
    std::set<core::Id> outlets_named{lead->source.id};
    for (const auto& ca : story.articles) {
      if (item.coverage.size() >= kMaxCoverage) break;
      if (&ca == lead || !outlets_named.insert(ca.source.id).second) continue;
      item.coverage.push_back({ca.source.name, ca.article.title, ca.article.url, ca.article.published,
                               ca.article.copy_of.has_value()});
    }
    e.items.push_back(std::move(item));
    return true;
  };
  // Pinned stories first claim their places (and their outlets' shares).
  for (const auto& [story_id, position] : pinned) {
    auto it = by_id.find(story_id);
    if (it == by_id.end() || it->second->articles.empty()) continue;  // no longer live: nothing to pin
    auto sc = score_of.find(story_id);
    make_item(*it->second, sc == score_of.end() ? nullptr : sc->second, /*forced=*/true);
  }
  const size_t pinned_count = e.items.size();
  for (const auto& score : ranked) {
    if (static_cast<int>(e.items.size()) >= std::max<int>(config.stories, static_cast<int>(pinned_count))) break;
    if (!score.on_beat || score.already_sent || dropped.count(score.story_id) || pinned.count(score.story_id)) continue;
    auto it = by_id.find(score.story_id);
    if (it == by_id.end() || it->second->articles.empty()) continue;
    make_item(*it->second, &score, /*forced=*/false);
  }
  // Rank order, then the editor's places: pinned and moved stories go where
  // they were put (1-based), the others keep their order around them.
  auto rank_of = [&](core::Id id) {
    auto sc = score_of.find(id);
    return sc == score_of.end() ? 0.0 : sc->second->score;
  };
  std::stable_sort(e.items.begin(), e.items.end(), [&](const core::EditionItem& x, const core::EditionItem& y) {
    return rank_of(x.story_id) > rank_of(y.story_id);
  });
  std::vector<std::pair<int, core::Id>> placed;  // (place, story)
  for (const auto& [id, position] : pinned) {
    if (position > 0) placed.emplace_back(position, id);
  }
  for (const auto& [id, position] : moved) {
    if (position > 0 && !dropped.count(id)) placed.emplace_back(position, id);
  }
  std::sort(placed.begin(), placed.end());
  for (const auto& place : placed) {
    const int position = place.first;
    const core::Id id = place.second;  // a plain variable: clang 14 cannot capture structured bindings
    auto from = std::find_if(e.items.begin(), e.items.end(), [&](const core::EditionItem& i) { return i.story_id == id; });
    if (from == e.items.end()) continue;
    core::EditionItem item = std::move(*from);
    e.items.erase(from);
    size_t at = std::min(static_cast<size_t>(position - 1), e.items.size());
    e.items.insert(e.items.begin() + static_cast<long>(at), std::move(item));
  }
  for (auto& item : e.items) {
    auto title = retitled.find(item.story_id);
    if (title != retitled.end()) item.headline = title->second;
  }
  // Sections, in the edition's final order: the newsroom's own stories, the
  // developing ones, then the first top_stories of the rest as "Top stories"
  // and the others as "Around the web".
  int top = 0;
  for (auto& item : e.items) {
    if (item.section != "Top stories") continue;
    item.section = top++ < config.top_stories ? "Top stories" : "Around the web";
  }
  e.subject = subject_line(e.name, e.items);
  return e;
}

}  // namespace newsdesk::edition
