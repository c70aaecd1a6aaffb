#include "mail/mime.hpp"

#include <array>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "core/time.hpp"

namespace newsdesk::mail {
namespace {

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool is_ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80 || (c < 0x20 && c != '\t')) return false;
  }
  return true;
}

std::string base64(std::string_view in) {
  static constexpr char kTable[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  while (i + 2 < in.size()) {
    uint32_t v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kTable[(v >> 18) & 63];
    out += kTable[(v >> 12) & 63];
    out += kTable[(v >> 6) & 63];
    out += kTable[v & 63];
    i += 3;
  }
  if (i + 1 == in.size()) {
    uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    out += kTable[(v >> 18) & 63];
    out += kTable[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += kTable[(v >> 18) & 63];
    out += kTable[(v >> 12) & 63];
    out += kTable[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

}  // namespace

std::string encode_header(std::string_view text) {
  if (is_ascii(text)) return std::string(text);
  // Encoded words are at most 75 chars: split the UTF-8 at code point
  // boundaries into chunks of <= 45 bytes (60 base64 chars).
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = std::min(text.size(), i + 45);
    while (end < text.size() && end > i && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string quoted_printable(std::string_view text) {
  // Written a byte at a time into a reserved buffer: this runs over every
  // copy of every edition, so it is kept free of allocations per character.
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + text.size() / 16 + 16);
  size_t column = 0;
  auto soft_break_for = [&](size_t width) {
    if (column + width > 75) {
      out.append("=\r\n", 3);
      column = 0;
    }
  };
  auto encode_trailing_space = [&] {
    // Trailing white space before a line break (or at the end) must be encoded.
    if (!out.empty() && (out.back() == ' ' || out.back() == '\t')) {
      char last = out.back();
      out.pop_back();
      --column;
      soft_break_for(3);  // the escape is longer than the byte: it may not fit on the line
      out.append(last == ' ' ? "=20" : "=09", 3);
      column += 3;
    }
  };
  // Bytes that always go as they are (not '.', which is escaped at the start
  // of a line, nor white space, which is escaped at the end of one).
  static const auto kPlain = [] {
    std::array<bool, 256> plain{};
    for (int c = 33; c <= 126; ++c) plain[static_cast<size_t>(c)] = c != '=' && c != '.';
    return plain;
  }();
  for (size_t i = 0; i < text.size(); ++i) {
    // A run of plain bytes is copied at once, up to the line's limit.
    size_t run = 0;
    while (i + run < text.size() && column + run < 75 && kPlain[static_cast<unsigned char>(text[i + run])]) ++run;
    if (run > 0) {
      out.append(text.data() + i, run);
      column += run;
      i += run - 1;
      continue;
    }
    const char ch = text[i];
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\r') continue;
    if (c == '\n') {
      encode_trailing_space();
      out.append("\r\n", 2);
      column = 0;
      continue;
    }
    bool literal = (c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t';
    if (literal) soft_break_for(1);
    // A '.' that starts a line (after a soft break too) is escaped, so that
    // SMTP dot-stuffing never matters.
    if (c == '.' && column == 0) literal = false;
    if (literal) {
      out.push_back(ch);
      ++column;
    } else {
      soft_break_for(3);
      const char escaped[3] = {'=', kHex[c >> 4], kHex[c & 15]};
      out.append(escaped, 3);
      column += 3;
    }
  }
  encode_trailing_space();
  return out;
}

core::Result<std::string> compose(const Message& m, std::string_view boundary_seed) {
  for (auto [name, value] : {std::pair<const char*, const std::string*>{"From", &m.from}, {"To", &m.to},
                             {"Subject", &m.subject}, {"Message-ID", &m.message_id}, {"List-Id", &m.list_id},
                             {"List-Unsubscribe", &m.unsubscribe_url}, {"List-Unsubscribe mailto", &m.unsubscribe_mailto},
                             {"Feedback-ID", &m.feedback_id}}) {
    if (has_line_break(*value)) {
      return core::fail(core::ErrorCode::kInvalidInput, fmt::format("the {} header holds a line break", name));
    }
  }
  if (m.from.empty() || m.to.empty()) return core::fail(core::ErrorCode::kInvalidInput, "an email needs From and To");
  std::string boundary = fmt::format("=_newsdesk_{}", boundary_seed);
  std::string out;
  out.reserve(2048 + (m.bodies_encoded ? m.text.size() + m.html.size() : (m.text.size() + m.html.size()) * 11 / 10));
  auto header = [&](std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  };
  header("Date", core::format_rfc822(m.date));
  header("From", m.from);
  header("To", m.to);
  header("Subject", encode_header(m.subject));
  header("Message-ID", "<" + m.message_id + ">");
  if (!m.list_id.empty()) header("List-Id", m.list_id);
  if (!m.feedback_id.empty()) header("Feedback-ID", m.feedback_id);
  if (!m.unsubscribe_url.empty() || !m.unsubscribe_mailto.empty()) {
    std::string value;
    if (!m.unsubscribe_url.empty()) value += "<" + m.unsubscribe_url + ">";
    if (!m.unsubscribe_mailto.empty()) value += (value.empty() ? "" : ", ") + std::string("<mailto:") + m.unsubscribe_mailto + ">";
    header("List-Unsubscribe", value);
    if (!m.unsubscribe_url.empty()) header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
  }
  header("MIME-Version", "1.0");
  header("Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"");
  out += "\r\n";
  out += "This is a multi-part message in MIME format.\r\n";
  for (auto [type, body] : {std::pair<const char*, const std::string*>{"text/plain", &m.text}, {"text/html", &m.html}}) {
    out += "\r\n--" + boundary + "\r\n";
    out += std::string("Content-Type: ") + type + "; charset=UTF-8\r\n";
    out += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += m.bodies_encoded ? *body : quoted_printable(*body);
    out += "\r\n";
  }
  out += "\r\n--" + boundary + "--\r\n";
  return out;
}

std::string verp_address(std::string_view local, std::string_view domain, core::Id subscriber, core::Id delivery) {
  return fmt::format("{}+s{}-d{}@{}", local, subscriber, delivery, domain);
}

std::optional<VerpTag> parse_verp(std::string_view address, std::string_view local, std::string_view domain) {
  // local+s<subscriber>-d<delivery>@domain, case-insensitive in the domain.
  size_t at = address.rfind('@');
  if (at == std::string_view::npos || core::to_lower_ascii(address.substr(at + 1)) != core::to_lower_ascii(domain)) {
    return std::nullopt;
  }
  std::string_view user = address.substr(0, at);
  std::string prefix = std::string(local) + "+s";
  if (user.substr(0, prefix.size()) != prefix) return std::nullopt;
  user.remove_prefix(prefix.size());
  size_t dash = user.find("-d");
  if (dash == std::string_view::npos || dash == 0) return std::nullopt;
  auto number = [](std::string_view digits) -> std::optional<core::Id> {
    if (digits.empty() || digits.size() > 18) return std::nullopt;
    core::Id n = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    return n;
  };
  auto s = number(user.substr(0, dash));
  auto d = number(user.substr(dash + 2));
  if (!s || !d) return std::nullopt;
  return VerpTag{*s, *d};
}

}  // namespace newsdesk::mail
