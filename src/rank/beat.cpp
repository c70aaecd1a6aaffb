#include "rank/beat.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>
#include <re2/re2.h>

namespace newsdesk::rank {
namespace {

struct Phrase {
  std::vector<std::string> stems;
  double weight;
};

// The weight that marks an excluding phrase: one no term can have.
constexpr double kExcludes = -1e9;

}  // namespace

core::Result<Beat> beat_named(const std::string& name, const std::vector<core::BeatConfig>& configured) {
  std::optional<Beat> beat;
  if (name == "military") beat = military_beat();
  for (const auto& c : configured) {
    if (c.name != name) continue;
    if (!beat) {
      beat = Beat{};
      beat->name = name;
    }
    if (!c.description.empty()) beat->description = c.description;
    for (const auto& [phrase, weight] : c.terms) beat->terms.push_back({phrase, weight});
    beat->exclude.insert(beat->exclude.end(), c.exclude.begin(), c.exclude.end());
    for (const auto& [pattern, weight] : c.rules) {
      RE2 re(pattern, RE2::Quiet);
      if (!re.ok()) {
        return core::fail(core::ErrorCode::kConfig,
                          fmt::format("beats.{}.rules: \"{}\" is not a valid RE2 pattern: {}", name, pattern, re.error()));
      }
      beat->rules.push_back({pattern, weight});
    }
    beat->sources.insert(beat->sources.end(), c.sources.begin(), c.sources.end());
    beat->languages.insert(beat->languages.end(), c.languages.begin(), c.languages.end());
  }
  if (!beat) {
    std::string known = "\"military\"";
    for (const auto& c : configured) known += ", \"" + c.name + "\"";
    return core::fail(core::ErrorCode::kConfig, fmt::format("no beat named \"{}\" (known: {})", name, known));
  }
  return *beat;
}

struct BeatMatcher::Impl {
  Beat beat;
  text::Stemmer stemmer;
  std::unordered_map<std::string, std::vector<Phrase>> by_first_stem;
  std::vector<std::unique_ptr<RE2>> rules;

  void add_phrase(const std::string& phrase, double weight) {
    Phrase p{{}, weight};
    for (const auto& w : text::words(phrase)) p.stems.push_back(stemmer.stem(w));
    if (p.stems.empty()) return;
    by_first_stem[p.stems.front()].push_back(std::move(p));
  }

  explicit Impl(const Beat& b) : beat(b), stemmer(b.language) {
    for (const auto& term : b.terms) add_phrase(term.phrase, term.weight);
    for (const auto& phrase : b.exclude) add_phrase(phrase, kExcludes);
    for (const auto& rule : b.rules) {
      auto re = std::make_unique<RE2>(rule.pattern, RE2::Quiet);
      if (re->ok()) rules.push_back(std::move(re));  // beat_named refused bad ones already
    }
    // Longest phrases first, so "air defense" wins over "air".
    for (auto& [stem, list] : by_first_stem) {
      std::stable_sort(list.begin(), list.end(), [](const Phrase& x, const Phrase& y) { return x.stems.size() > y.stems.size(); });
    }
  }

  // Sum of matched weights (phrases and rules); each counts at most `cap`
  // times. `excluded` is set when an excluding phrase appears.
  double hits(const std::string& s, int cap, size_t& word_count, bool& excluded) {
    std::vector<std::string> stems;
    for (const auto& w : text::words(s)) stems.push_back(stemmer.stem(w));
    word_count = stems.size();
    std::unordered_map<const Phrase*, int> seen;
    double total = 0;
    for (size_t i = 0; i < stems.size(); ++i) {
      auto it = by_first_stem.find(stems[i]);
      if (it == by_first_stem.end()) continue;
      for (const Phrase& p : it->second) {
        if (i + p.stems.size() > stems.size()) continue;
        if (!std::equal(p.stems.begin(), p.stems.end(), stems.begin() + static_cast<long>(i))) continue;
        if (p.weight == kExcludes) {
          excluded = true;
        } else if (++seen[&p] <= cap) {
          total += p.weight;
        }
        i += p.stems.size() - 1;
        break;
      }
    }
    for (size_t r = 0; r < rules.size(); ++r) {
      re2::StringPiece input(s);
      int matches = 0;
      while (matches < cap && RE2::FindAndConsume(&input, *rules[r])) ++matches;
      total += matches * beat.rules[r].weight;
    }
    return total;
  }
};

BeatMatcher::BeatMatcher(const Beat& beat) : impl_(std::make_unique<Impl>(beat)) {}
BeatMatcher::~BeatMatcher() = default;

const Beat& BeatMatcher::beat() const { return impl_->beat; }

bool BeatMatcher::preferred(const core::Source& source) const {
  for (const auto& s : impl_->beat.sources) {
    if (s == source.name || s == source.feed_url) return true;
  }
  return false;
}

double BeatMatcher::relevance(const std::string& title, const std::string& body, const std::string& language) {
  const auto& languages = impl_->beat.languages;
  if (!language.empty() && !languages.empty() && std::find(languages.begin(), languages.end(), language) == languages.end()) {
    return 0;
  }
  size_t title_words = 0, body_words = 0;
  bool excluded = false;
  double t = impl_->hits(title, 1, title_words, excluded);
  double b = impl_->hits(body, 3, body_words, excluded);
  if (excluded) return 0;
  // Body evidence per ~150 words, so long articles do not win by length alone.
  double density = b / std::max(1.0, static_cast<double>(body_words) / 150.0);
  double x = 2.0 * t + density;
  if (x <= 0) return 0;
  return 1.0 - std::exp(-x / 6.0);
}

}  // namespace newsdesk::rank
