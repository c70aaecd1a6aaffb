#include "feed/plain_title.hpp"

#include <cctype>

#include "core/strings.hpp"

namespace newsdesk::feed {

std::string plain_title(std::string_view raw) {
  // The usual title has no markup (a plain loop: find_first_of calls memchr per byte).
  bool markup = false;
  for (char c : raw) markup |= c == '<' || c == '&';
  if (!markup) return core::collapse_whitespace(raw);
  std::string s(raw);
  for (int round = 0; round < 2 && (s.find('<') != std::string::npos || s.find('&') != std::string::npos); ++round) {
    std::string stripped;
    stripped.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '<' && i + 1 < s.size()) {
        unsigned char next = static_cast<unsigned char>(s[i + 1]);
        size_t close = s.find('>', i);
        if (close != std::string::npos && (std::isalpha(next) || next == '/' || next == '!')) {
          stripped += ' ';
          i = close;
          continue;
        }
      }
      stripped += s[i];
    }
    s = core::decode_html_entities(stripped);
  }
  return core::collapse_whitespace(s);
}

namespace {

bool email_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

// Where an e-mail address (local@domain.tld, maybe after "mailto:") stands
// in `s`: [begin, end), or begin == npos.
std::pair<size_t, size_t> find_address(std::string_view s) {
  for (size_t at = s.find('@'); at != std::string_view::npos; at = s.find('@', at + 1)) {
    size_t begin = at, end = at + 1;
    while (begin > 0 && email_char(s[begin - 1])) --begin;
    while (end < s.size() && email_char(s[end])) ++end;
    while (end > at + 1 && s[end - 1] == '.') --end;  // a sentence's full stop
    const std::string_view domain = s.substr(at + 1, end - at - 1);
    if (begin == at || domain.find('.') == std::string_view::npos || domain.front() == '.') continue;
    if (begin >= 7 && s.substr(begin - 7, 7) == "mailto:") begin -= 7;
    return {begin, end};
  }
  return {std::string_view::npos, 0};
}

}  // namespace

std::string author_name(std::string_view written) {
  const std::string whole = core::collapse_whitespace(written);
  const auto [begin, end] = find_address(whole);
  if (begin == std::string_view::npos) return whole;
  std::string rest = whole.substr(0, begin) + whole.substr(end);
  // What held the address, now empty ("()" or "<>"), goes; brackets around
  // what is left ("(Name)") too.
  for (const char* empty : {"()", "<>", "[]"}) {
    for (size_t at = rest.find(empty); at != std::string::npos; at = rest.find(empty)) rest.erase(at, 2);
  }
  std::string name = core::collapse_whitespace(rest);
  while (name.size() >= 2 && ((name.front() == '(' && name.back() == ')') || (name.front() == '<' && name.back() == '>'))) {
    name = core::collapse_whitespace(std::string_view(name).substr(1, name.size() - 2));
  }
  if (name.empty()) {
    std::string address = whole.substr(begin, end - begin);
    return address.rfind("mailto:", 0) == 0 ? address.substr(7) : address;
  }
  return name;
}

}  // namespace newsdesk::feed
