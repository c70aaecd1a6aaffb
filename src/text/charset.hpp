// Which character encoding a page's bytes are in. Pure; safe to call concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace newsdesk::text {

// The encoding to decode `html` with, in this order of trust: a byte-order
// mark; the HTTP header's charset; the page's own <meta> declaration; the
// bytes themselves. A declaration that the bytes contradict loses: a page
// declared as Latin-1 or Windows-1252 whose bytes are valid, non-ASCII UTF-8
// is read as UTF-8, and one declared UTF-8 whose bytes are not is detected
// (uchardet) — what browsers and users see. Returns a name iconv knows.
std::string detect_charset(std::string_view html, std::string_view http_charset);

// The charset named by <meta charset> or <meta http-equiv content-type> in
// the first 4 KiB, "" when none.
std::string declared_charset(std::string_view html);

// True when `bytes` is valid UTF-8 (and, with `require_multibyte`, has at
// least one non-ASCII sequence).
bool is_valid_utf8(std::string_view bytes, bool require_multibyte);

// `bytes` in `encoding` (a name iconv knows) as UTF-8; nullopt when the
// encoding is unknown or the bytes are not valid in it. The five bytes
// Windows-1252 leaves undefined are read as their C1 code points, as browsers do.
std::optional<std::string> to_utf8(std::string_view bytes, const std::string& encoding);

}  // namespace newsdesk::text
