// Beats: topic profiles that say how relevant a text is to a newsroom's
// subject. The built-in "military" beat ships with a term list of its own.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/types.hpp"
#include "text/tokens.hpp"

namespace newsdesk::rank {

struct BeatTerm {
  std::string phrase;  // one or more words, matched on stems ("air defense")
  double weight = 1.0; // negative weights push a text off the beat
};

struct BeatRule {
  std::string pattern;  // RE2, matched on the text as written ("(?i)\\bF-\\d+\\b")
  double weight = 1.0;  // per match (headline once, body up to three times)
};

struct Beat {
  std::string name;
  std::string description;
  std::string language = "en";         // the stemmer's language
  std::vector<BeatTerm> terms;
  std::vector<std::string> exclude;    // a text naming one of these is off the beat
  std::vector<BeatRule> rules;
  std::vector<std::string> sources;    // preferred sources (names or feed URLs)
  std::vector<std::string> languages;  // articles in other languages are off the beat; empty: any
};

// Military & defense: services and units, weapons systems, defense policy and
// budgets, alliances, conflicts and theatres.
Beat military_beat();

// The beat called `name`: a built-in one (extended by a [beats.NAME] of the
// same name), or one from the configuration. kConfig naming the known beats
// when there is none, or naming the rule whose pattern RE2 refuses.
core::Result<Beat> beat_named(const std::string& name, const std::vector<core::BeatConfig>& configured);

// Scores texts against one beat. Construction stems the beat's phrases once.
// Not thread-safe (owns a stemmer); make one per thread.
class BeatMatcher {
 public:
  explicit BeatMatcher(const Beat& beat);
  ~BeatMatcher();
  BeatMatcher(const BeatMatcher&) = delete;
  BeatMatcher& operator=(const BeatMatcher&) = delete;

  // Relevance in [0, 1]: the headline counts double, the body is normalised
  // by its length, repeated terms saturate. 0 for an excluded text or one in
  // a language the beat does not read (`language` "" = unknown: read).
  double relevance(const std::string& title, const std::string& body, const std::string& language = "");

  // Whether a source (by name or feed URL) is one the beat prefers.
  bool preferred(const core::Source& source) const;

  const Beat& beat() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsdesk::rank
