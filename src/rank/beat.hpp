// Beats: topic profiles that say how relevant a text is to a newsroom's
// subject. The built-in "military" beat ships with a term list of its own.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "text/tokens.hpp"

namespace newsdesk::rank {

struct BeatTerm {
  std::string phrase;  // one or more words, matched on stems ("air defense")
  double weight = 1.0; // negative weights push a text off the beat
};

struct Beat {
  std::string name;
  std::string description;
  std::string language = "en";
  std::vector<BeatTerm> terms;
};

// Military & defense: services and units, weapons systems, defense policy and
// budgets, alliances, conflicts and theatres.
Beat military_beat();

// Scores texts against one beat. Construction stems the beat's phrases once.
// Not thread-safe (owns a stemmer); make one per thread.
class BeatMatcher {
 public:
  explicit BeatMatcher(const Beat& beat);
  ~BeatMatcher();
  BeatMatcher(const BeatMatcher&) = delete;
  BeatMatcher& operator=(const BeatMatcher&) = delete;

  // Relevance in [0, 1]: the headline counts double, the body is normalised
  // by its length, repeated terms saturate.
  double relevance(const std::string& title, const std::string& body);

  const Beat& beat() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsdesk::rank
