#include "store/search_terms.hpp"

#include <cctype>

#include "store/store.hpp"

namespace newsdesk::store {

SearchTerms search_terms(const std::string& query) {
  SearchTerms out;
  std::string word;
  auto flush = [&] {
    if (!word.empty() && out.words.size() < 16) out.words.push_back(word);
    word.clear();
  };
  for (char c : query) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) word += c;  // bytes of UTF-8 letters stay in the word
    else flush();
  }
  flush();
  // Typing: the last word may be unfinished.
  out.last_is_prefix = !out.words.empty() && out.words.back().size() >= 3;
  return out;
}

std::string search_words(const std::string& query) {
  const SearchTerms terms = search_terms(query);
  std::string out;
  for (size_t i = 0; i < terms.words.size(); ++i) {
    out += (i ? " " : "") + std::string("\"") + terms.words[i] + "\"";
  }
  if (terms.last_is_prefix) out += "*";
  return out;
}

}  // namespace newsdesk::store
