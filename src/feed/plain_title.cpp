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

}  // namespace newsdesk::feed
