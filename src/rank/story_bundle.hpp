// A story with its articles and their outlets: what ranking and editions read.
#pragma once

#include <vector>

#include "core/types.hpp"

namespace newsdesk::rank {

struct CoveredArticle {
  core::Article article;
  core::Source source;
};

struct StoryBundle {
  core::Story story;
  std::vector<CoveredArticle> articles;  // in publication order
};

}  // namespace newsdesk::rank
