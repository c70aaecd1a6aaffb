#include "rank/beat.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace newsdesk::rank {
namespace {

struct Phrase {
  std::vector<std::string> stems;
  double weight;
};

}  // namespace

struct BeatMatcher::Impl {
  Beat beat;
  text::Stemmer stemmer;
  std::unordered_map<std::string, std::vector<Phrase>> by_first_stem;

  explicit Impl(const Beat& b) : beat(b), stemmer(b.language) {
    for (const auto& term : b.terms) {
      Phrase p{{}, term.weight};
      for (const auto& w : text::words(term.phrase)) p.stems.push_back(stemmer.stem(w));
      if (p.stems.empty()) continue;
      by_first_stem[p.stems.front()].push_back(std::move(p));
    }
    // Longest phrases first, so "air defense" wins over "air".
    for (auto& [stem, list] : by_first_stem) {
      std::stable_sort(list.begin(), list.end(), [](const Phrase& x, const Phrase& y) { return x.stems.size() > y.stems.size(); });
    }
  }

  // Sum of matched weights; each phrase counts at most `cap` times.
  double hits(const std::string& s, int cap, size_t& word_count) {
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
        if (++seen[&p] <= cap) total += p.weight;
        i += p.stems.size() - 1;
        break;
      }
    }
    return total;
  }
};

BeatMatcher::BeatMatcher(const Beat& beat) : impl_(std::make_unique<Impl>(beat)) {}
BeatMatcher::~BeatMatcher() = default;

const Beat& BeatMatcher::beat() const { return impl_->beat; }

double BeatMatcher::relevance(const std::string& title, const std::string& body) {
  size_t title_words = 0, body_words = 0;
  double t = impl_->hits(title, 1, title_words);
  double b = impl_->hits(body, 3, body_words);
  // Body evidence per ~150 words, so long articles do not win by length alone.
  double density = b / std::max(1.0, static_cast<double>(body_words) / 150.0);
  double x = 2.0 * t + density;
  if (x <= 0) return 0;
  return 1.0 - std::exp(-x / 6.0);
}

}  // namespace newsdesk::rank
