#include "rank/score.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

namespace newsdesk::rank {

StoryScore score_story(const StoryBundle& bundle, BeatMatcher& beat, const core::RankConfig& config,
                       core::TimePoint now, const SentRecord* sent, bool explain) {
  StoryScore s;
  s.story_id = bundle.story.id;
  // Independent voices: each source once, with its authority weight. Copies
  // of an original that the story holds add nothing; copies of one that it
  // does not hold (a wire story we do not read) are one voice together, at the
  // weight of the weightiest outlet that ran it.
  std::map<core::Id, double> source_weight;        // source -> weight, for originals
  std::map<core::Id, double> wire_weight;          // original article -> weight of its copies
  std::map<core::Id, int> articles_by_source;
  std::set<core::Id> held;
  for (const auto& ca : bundle.articles) held.insert(ca.article.id);
  double relevance_sum = 0;
  int counted = 0, recent = 0, preferred = 0;
  std::set<core::Id> preferred_sources;
  core::TimePoint last = bundle.story.last_updated;
  for (const auto& ca : bundle.articles) {
    const auto& a = ca.article;
    if (!a.copy_of) {
      source_weight.emplace(ca.source.id, ca.source.weight);
      ++articles_by_source[ca.source.id];
    } else if (held.count(*a.copy_of) == 0) {
      double& w = wire_weight[*a.copy_of];
      w = std::max(w, ca.source.weight);
    }
    if (beat.preferred(ca.source) && preferred_sources.insert(ca.source.id).second) ++preferred;
    relevance_sum += ca.relevance ? *ca.relevance : beat.relevance(a.title, a.text, a.language);
    ++counted;
    core::TimePoint when = a.published.value_or(bundle.story.last_updated);
    last = std::max(last, when);
    if (now - when <= std::chrono::hours(12)) ++recent;
  }
  double weight_sum = 0;
  for (const auto& [id, w] : source_weight) weight_sum += w;
  for (const auto& [id, w] : wire_weight) weight_sum += w;
  int follow_ups = 0;  // an outlet coming back to the story is a sign it matters
  for (const auto& [id, n] : articles_by_source) follow_ups += n - 1;
  s.independent_outlets = static_cast<int>(source_weight.size() + wire_weight.size());
  s.relevance = counted > 0 ? relevance_sum / counted : 0;
  s.on_beat = s.relevance >= config.min_relevance;

  double coverage = std::log2(1.0 + weight_sum + 0.5 * follow_ups);
  double age_hours = std::max(0.0, std::chrono::duration<double, std::ratio<3600>>(now - last).count());
  // Today's news is all fresh for a daily edition: no decay for fresh_hours,
  // then halving every half_life_hours.
  double stale_hours = std::max(0.0, age_hours - config.fresh_hours);
  double recency = std::pow(0.5, stale_hours / config.half_life_hours);
  double velocity = 1.0 + 0.15 * (counted > 0 ? static_cast<double>(recent) / counted : 0.0);
  double relevance_factor = 0.25 + 0.75 * s.relevance;
  double preference = 1.0 + 0.1 * std::min(preferred, 3);
  s.score = 100.0 * coverage * relevance_factor * recency * velocity * preference;
  // Notes are for people: formatted only when asked (ranking 20,000 stories needs none).
  auto note = [explain](std::string_view format, const auto&... args) {
    return explain ? fmt::vformat(format, fmt::make_format_args(args...)) : std::string();
  };
  std::string wire_note = wire_weight.empty() ? "" : note(", {} wire story(ies) counted once", wire_weight.size());
  s.terms = {
      {"outlets", coverage,
       note("log2(1 + {:.2f} weight + 0.5 x {} follow-up(s)) over {} independent outlet(s){}", weight_sum,
                   follow_ups, s.independent_outlets, wire_note)},
      {"relevance", relevance_factor, note("0.25 + 0.75 x beat relevance {:.2f}", s.relevance)},
      {"recency", recency,
       note("0.5^(max(0, {:.1f} h - {:.0f} h fresh) / {:.0f} h)", age_hours, config.fresh_hours, config.half_life_hours)},
      {"velocity", velocity, note("1 + 0.15 x {} of {} articles in the last 12 h", recent, counted)},
      {"preferred", preference, note("1 + 0.1 x {} preferred source(s) of the beat", std::min(preferred, 3))},
  };
  if (sent == nullptr) {
    s.terms.push_back({"novelty", 1.0, explain ? "in no earlier edition" : ""});
    return s;
  }
  int new_outlets = s.independent_outlets - sent->outlets;
  int new_articles = 0;
  for (const auto& ca : bundle.articles) {
    if (ca.article.published && *ca.article.published > sent->at) ++new_articles;
  }
  std::string since = note("{:+d} outlet(s), {} new article(s) since the edition of {}", new_outlets,
                                  new_articles, sent->date);
  if (new_outlets >= 2 || new_articles >= 3) {
    s.developing = true;
    s.score *= 0.9;
    s.terms.push_back({"novelty", 0.9, explain ? "developing: " + since : ""});
  } else {
    s.already_sent = true;
    s.score = 0;
    s.terms.push_back({"novelty", 0.0, explain ? "already sent, no material change: " + since : ""});
  }
  return s;
}

std::vector<StoryScore> rank_stories(const std::vector<StoryBundle>& stories, BeatMatcher& beat,
                                     const core::RankConfig& config, core::TimePoint now,
                                     const std::map<core::Id, SentRecord>& sent, size_t explain_top) {
  auto sent_of = [&](core::Id id) {
    auto it = sent.find(id);
    return it == sent.end() ? nullptr : &it->second;
  };
  std::map<core::Id, const StoryBundle*> by_id;
  std::vector<StoryScore> out;
  out.reserve(stories.size());
  bool explain_all = explain_top >= stories.size();
  for (const auto& s : stories) {
    by_id[s.story.id] = &s;
    out.push_back(score_story(s, beat, config, now, sent_of(s.story.id), explain_all));
  }
  std::sort(out.begin(), out.end(), [](const StoryScore& a, const StoryScore& b) {
    return a.score > b.score || (a.score == b.score && a.story_id < b.story_id);
  });
  // The same scores again, now with their notes, for the stories people will read about.
  for (size_t i = 0; !explain_all && i < std::min(explain_top, out.size()); ++i) {
    out[i] = score_story(*by_id.at(out[i].story_id), beat, config, now, sent_of(out[i].story_id), true);
  }
  return out;
}

}  // namespace newsdesk::rank
