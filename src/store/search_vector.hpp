// The words the PostgreSQL store searches by, cut and folded by newsdesk
// itself: an article's search vector (a tsvector literal) and a reader's
// query come from the one function, so that what a reader types finds what
// was stored. PostgreSQL's own parser (to_tsvector with unaccent) made the
// vectors before: it cost the server about two thirds of an article's
// insert (bench/README.md). Internal to store/. Pure; safe to call
// concurrently.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace newsdesk::store {

// The words of `text`: runs of letters and digits (any script), case-folded,
// diacritics removed ("Café" -> "cafe", "Straße" -> "strasse", "Øre" ->
// "ore"), split at everything else ("F-35" -> "f", "35"), as SQLite's FTS5
// (unicode61, diacritics removed) cuts them. Invalid UTF-8 splits; words
// over kMaxSearchWordBytes are left out (PostgreSQL refuses them).
std::vector<std::string> search_words(std::string_view text);

inline constexpr size_t kMaxSearchWordBytes = 2046;

// An article's search vector as PostgreSQL's tsvector input reads it
// ("'cafe':1A,7 'open':2A"): every word of the title with weight A, then
// those of the text (its first `text_limit` bytes, cut at a whole character)
// with weight D (written as no weight), at their positions counted from 1
// across both, as setweight(title, 'A') || setweight(text, 'D') numbered
// them. Positions beyond 16,383 are 16,383 and a word keeps its first 256,
// PostgreSQL's limits. Lexemes in byte order.
std::string search_vector(std::string_view title, std::string_view text, size_t text_limit = 100000);

// A reader's words as a tsquery's input: every word required ('a' & 'b'),
// the last one a prefix when `last_is_prefix` (`'b':*`). Empty when no word
// is left.
std::string search_query(const std::vector<std::string>& typed_words, bool last_is_prefix);

}  // namespace newsdesk::store
