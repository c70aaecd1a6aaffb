#include "rank/score.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace newsdesk::rank {

StoryScore score_story(const StoryBundle& bundle, BeatMatcher& beat, const core::RankConfig& config,
                       core::TimePoint now) {
  StoryScore s;
  s.story_id = bundle.story.id;
  // Independent outlets: distinct sources among articles that are not copies;
  // each counts with its authority weight once.
  std::map<core::Id, double> outlet_weight;
  double relevance_sum = 0;
  int counted = 0;
  int recent = 0;
  core::TimePoint last = bundle.story.last_updated;
  for (const auto& ca : bundle.articles) {
    const auto& a = ca.article;
    if (!a.copy_of) outlet_weight.emplace(ca.source.id, ca.source.weight);
    relevance_sum += beat.relevance(a.title, a.text);
    ++counted;
    core::TimePoint when = a.published.value_or(bundle.story.last_updated);
    last = std::max(last, when);
    if (now - when <= std::chrono::hours(12)) ++recent;
  }
  double weight_sum = 0;
  for (const auto& [id, w] : outlet_weight) weight_sum += w;
  s.independent_outlets = static_cast<int>(outlet_weight.size());
  s.relevance = counted > 0 ? relevance_sum / counted : 0;
  s.on_beat = s.relevance >= config.min_relevance;

  double coverage = std::log2(1.0 + weight_sum);
  double age_hours = std::max(0.0, std::chrono::duration<double, std::ratio<3600>>(now - last).count());
  double recency = std::pow(0.5, age_hours / config.half_life_hours);
  double velocity = 1.0 + 0.25 * (counted > 0 ? static_cast<double>(recent) / counted : 0.0);
  double relevance_factor = 0.25 + 0.75 * s.relevance;
  s.score = 100.0 * coverage * relevance_factor * recency * velocity;
  s.terms = {
      {"outlets", coverage, fmt::format("log2(1 + {:.2f}) over {} independent outlet(s)", weight_sum, s.independent_outlets)},
      {"relevance", relevance_factor, fmt::format("0.25 + 0.75 x beat relevance {:.2f}", s.relevance)},
      {"recency", recency, fmt::format("0.5^({:.1f} h / {:.0f} h)", age_hours, config.half_life_hours)},
      {"velocity", velocity, fmt::format("1 + 0.25 x {} of {} articles in the last 12 h", recent, counted)},
  };
  return s;
}

std::vector<StoryScore> rank_stories(const std::vector<StoryBundle>& stories, BeatMatcher& beat,
                                     const core::RankConfig& config, core::TimePoint now) {
  std::vector<StoryScore> out;
  out.reserve(stories.size());
  for (const auto& s : stories) out.push_back(score_story(s, beat, config, now));
  std::sort(out.begin(), out.end(), [](const StoryScore& a, const StoryScore& b) {
    return a.score > b.score || (a.score == b.score && a.story_id < b.story_id);
  });
  return out;
}

}  // namespace newsdesk::rank
