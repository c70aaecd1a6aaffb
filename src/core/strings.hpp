// Small text helpers shared by every module. Pure; safe to call concurrently.
#pragma once

#include <cstdint>

#include <string>
#include <string_view>
#include <vector>

namespace newsdesk::core {

std::string_view trim(std::string_view s);
std::string to_lower_ascii(std::string_view s);
bool starts_with_icase(std::string_view s, std::string_view prefix);
std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
// Collapses every run of white space (ASCII, U+00A0, U+0085, U+2028, U+2029)
// to one space and trims.
std::string collapse_whitespace(std::string_view s);
// The same, rewriting `s` itself (no second string).
void collapse_whitespace_in_place(std::string& s);
// Replaces invalid UTF-8 sequences with U+FFFD and drops NUL bytes.
std::string sanitize_utf8(std::string_view s);
// Decodes HTML character references (&amp; &#8211; &#x27; and the common
// named ones); unknown names stay as they are. Metadata is often escaped twice
// ("&amp;#8211;"), so this runs until nothing changes (at most three times).
std::string decode_html_entities(std::string_view s);

// Repairs UTF-8 text that was once read as Windows-1252 and encoded again
// ("isnâ€™t" -> "isn’t", "cafÃ©" -> "café"): runs of such characters that
// map back to valid multi-byte UTF-8 are replaced. Text without such runs
// comes back unchanged.
std::string repair_mojibake(std::string_view s);

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(std::string_view s);
// The same, appended to `out` (no string of its own: for callers that build one).
void html_escape_append(std::string& out, std::string_view s);
// A syntax check of an email address (RFC 5321's shape, without quoted local
// parts or IP literals): local@domain.tld, at most 254 octets.
bool plausible_email(std::string_view address);
// The domain of an address, lower-cased ("Ada@Mail.Example" -> "mail.example",
// "Desk <desk@News.Example>" -> "news.example"); "" without one.
std::string address_domain(std::string_view address);
// Appends a code point as UTF-8 (U+FFFD for one that is not a character).
void append_utf8(std::string& out, uint32_t code_point);
// Lower-case words joined by '-', for URLs: "Navy awards $4.2B" -> "navy-awards-4-2b".
std::string slugify(std::string_view s, size_t max_length = 80);

}  // namespace newsdesk::core
