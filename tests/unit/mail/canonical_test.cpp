// Properties of the hot-path text transforms, over generated inputs
// (rapidcheck): the DKIM relaxed body equals a plain reading of RFC 6376
// 3.4.4, and a body spliced from pieces encoded alone decodes to the whole.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "mail/dkim.hpp"
#include "mail/mime.hpp"

using namespace newsdesk;

namespace {

// RFC 6376 3.4.4, line by line, as written.
std::string reference_relaxed_body(const std::string& body) {
  std::string out;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t crlf = body.find("\r\n", pos);
    std::string line = body.substr(pos, crlf == std::string::npos ? std::string::npos : crlf - pos);
    std::string l;
    bool space = false;
    for (char c : line) {
      if (c == ' ' || c == '\t') {
        space = true;
        continue;
      }
      if (space) l += ' ';
      space = false;
      l += c;
    }
    out += l + "\r\n";
    if (crlf == std::string::npos) break;
    pos = crlf + 2;
  }
  while (out.size() >= 4 && out.compare(out.size() - 4, 4, "\r\n\r\n") == 0) out.resize(out.size() - 2);
  if (out == "\r\n") out.clear();
  return out;
}

std::string decode_quoted_printable(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out += in[i];
    } else if (in.compare(i, 3, "=\r\n") == 0) {
      i += 2;  // a soft line break
    } else {
      out += static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16));
      i += 2;
    }
  }
  return out;
}

std::string text_of(const std::vector<char>& picks, const std::string& alphabet) {
  std::string s;
  for (char p : picks) s += alphabet[static_cast<unsigned char>(p) % alphabet.size()];
  return s;
}

}  // namespace

RC_GTEST_PROP(Canonical, RelaxedBodyMatchesTheRfcReading, (const std::vector<char>& picks)) {
  // Mostly plain letters, with the bytes that matter: spaces, tabs, CR, LF.
  const std::string body = text_of(picks, "abcdefgh  \t\r\n\r\n.x=");
  RC_ASSERT(mail::relaxed_body(body) == reference_relaxed_body(body));
}

RC_GTEST_PROP(Canonical, PiecesEncodedAloneDecodeToTheWhole, (const std::vector<std::vector<char>>& pieces)) {
  std::string whole, spliced;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const std::string piece = text_of(pieces[i], "abcdef .=\n\xC3\xA9\t");
    whole += piece;
    spliced += (i > 0 ? "=\r\n" : "") + mail::quoted_printable(piece);
  }
  // Every line of the spliced body is within the limit, and no line starts with a dot.
  size_t start = 0;
  while (start < spliced.size()) {
    size_t end = spliced.find("\r\n", start);
    if (end == std::string::npos) end = spliced.size();
    RC_ASSERT(end - start <= 76u);
    RC_ASSERT(spliced.compare(start, 1, ".") != 0);
    start = end + 2;
  }
  std::string expected;
  for (char c : whole) {
    if (c == '\n') expected += "\r\n";  // quoted-printable writes line ends as CRLF
    else expected += c;
  }
  RC_ASSERT(decode_quoted_printable(spliced) == expected);
}
