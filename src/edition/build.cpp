#include <algorithm>
#include <map>

#include "core/strings.hpp"
#include "edition/edition.hpp"
#include "text/tokens.hpp"

namespace newsdesk::edition {
namespace {

// The lead article: the newsroom's own outlet if it covers the story, then
// originals over copies, then authority, then the earliest. `allowed` says
// which articles the diversity caps still let lead.
template <class Allowed>
const rank::CoveredArticle* choose_lead(const rank::StoryBundle& story, Allowed&& allowed) {
  const rank::CoveredArticle* lead = nullptr;
  auto better = [](const rank::CoveredArticle& a, const rank::CoveredArticle& b) {
    if (a.source.own != b.source.own) return a.source.own;
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
  std::string out = name + ":";
  for (size_t i = 0; i < std::min<size_t>(3, items.size()); ++i) {
    out += (i == 0 ? " " : "; ") + items[i].headline;
  }
  return core::collapse_whitespace(out);
}

core::Edition build_edition(const std::vector<rank::StoryBundle>& stories, const std::vector<rank::StoryScore>& ranked,
                            const core::EditionConfig& config, core::TimePoint now, const std::string& date) {
  std::map<core::Id, const rank::StoryBundle*> by_id;
  for (const auto& s : stories) by_id[s.story.id] = &s;
  core::Edition e;
  e.name = config.name;
  e.date = date;
  e.built_at = now;
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
  for (const auto& score : ranked) {
    if (static_cast<int>(e.items.size()) >= config.stories) break;
    if (!score.on_beat || score.already_sent) continue;
    auto it = by_id.find(score.story_id);
    if (it == by_id.end() || it->second->articles.empty()) continue;
    const rank::StoryBundle& story = *it->second;
    const rank::CoveredArticle* lead = choose_lead(story, allowed);
    if (lead == nullptr) continue;  // every outlet covering it already leads its share
    ++per_outlet[lead->source.id];
    if (!lead->source.country.empty()) ++per_country[lead->source.country];
    core::EditionItem item;
    item.story_id = story.story.id;
    item.headline = lead->article.title.empty() ? story.story.headline : lead->article.title;
    item.summary = summarise(lead->article.text);
    if (item.summary.empty()) item.summary = summarise(lead->article.description);
    item.url = lead->article.url;
    item.outlet = lead->source.name;
    item.score = score.score;
    item.outlets = score.independent_outlets;
    item.section = lead->source.own ? "From our newsroom" : score.developing ? "Developing" : "Top stories";
    for (const auto& ca : story.articles) {
      if (&ca == lead) continue;
      item.coverage.push_back({ca.source.name, ca.article.title, ca.article.url, ca.article.published,
                               ca.article.copy_of.has_value()});
    }
    e.items.push_back(std::move(item));
  }
  e.subject = subject_line(e.name, e.items);
  return e;
}

}  // namespace newsdesk::edition
