// What a reader typed, cut into the words every backend searches for, so
// that SQLite (FTS5) and PostgreSQL (tsquery) read a query the same way.
// Internal to store/. Pure; safe to call concurrently.
#pragma once

#include <string>
#include <vector>

namespace newsdesk::store {

struct SearchTerms {
  std::vector<std::string> words;  // letters and digits (and any UTF-8 letters), at most 16
  bool last_is_prefix = false;     // the last word may be unfinished (3 bytes or more)
};

// The words of `query`; none when nothing searchable is left.
SearchTerms search_terms(const std::string& query);

}  // namespace newsdesk::store
