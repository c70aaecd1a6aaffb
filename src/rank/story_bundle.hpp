// A story with its articles and their outlets: what ranking and editions read.
#pragma once

#include <optional>
#include <vector>

#include "core/types.hpp"

namespace newsdesk::rank {

struct CoveredArticle {
  core::Article article;  // for ranking alone only the id, source, dates, copy_of and language are needed
  core::Source source;
  std::optional<double> relevance;  // to the beat ranked for, when already known (else computed from the text)
};

struct StoryBundle {
  core::Story story;
  std::vector<CoveredArticle> articles;  // in publication order
};

}  // namespace newsdesk::rank
