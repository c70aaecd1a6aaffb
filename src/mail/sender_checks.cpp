#include "mail/sender_checks.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <map>

#include <fmt/format.h>

#include "core/config.hpp"
#include "core/strings.hpp"
#include "core/url.hpp"

namespace newsdesk::mail {
namespace {

using Status = DnsAnswer::Status;

std::string lower(std::string_view s) { return core::to_lower_ascii(s); }

bool found(const DnsAnswer& a) { return a.status == Status::kRecords && !a.records.empty(); }
bool is_void(const DnsAnswer& a) { return a.status != Status::kTrouble && a.records.empty(); }

// The words of `s`, split on runs of spaces and tabs.
std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::string word;
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      if (!word.empty()) out.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// ---- Addresses.

struct Address {
  bool v6 = false;
  std::array<unsigned char, 16> bytes{};
};

std::optional<Address> parse_address(const std::string& text) {
  Address a;
  if (inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) return a;
  if (inet_pton(AF_INET6, text.c_str(), a.bytes.data()) == 1) {
    a.v6 = true;
    // An IPv4-mapped IPv6 address is its IPv4 address (RFC 7208 §5).
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(a.bytes.data(), kMapped, 12) == 0) {
      Address four;
      std::memcpy(four.bytes.data(), a.bytes.data() + 12, 4);
      return four;
    }
    return a;
  }
  return std::nullopt;
}

bool in_network(const Address& ip, const Address& network, int prefix) {
  if (ip.v6 != network.v6) return false;
  const int whole = prefix / 8, rest = prefix % 8;
  if (std::memcmp(ip.bytes.data(), network.bytes.data(), static_cast<size_t>(whole)) != 0) return false;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xFF << (8 - rest));
  return (ip.bytes[static_cast<size_t>(whole)] & mask) == (network.bytes[static_cast<size_t>(whole)] & mask);
}

// A prefix length as RFC 7208 writes it: no leading zero, at most `max`.
std::optional<int> prefix_length(std::string_view digits, int max) {
  if (!all_digits(digits) || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0')) return std::nullopt;
  const int n = std::stoi(std::string(digits));
  if (n > max) return std::nullopt;
  return n;
}

// ---- Macros (RFC 7208 §7).

struct MacroContext {
  std::string sender;  // local@domain
  std::string domain;  // the domain being checked
  std::string ip;      // as text
  Address address;
};

std::string ip_macro(const MacroContext& m) {
  if (!m.address.v6) return m.ip;
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char b : m.address.bytes) {
    if (!out.empty()) out += '.';
    out += kHex[b >> 4];
    out += '.';
    out += kHex[b & 15];
  }
  return out;
}

std::optional<std::string> expand(std::string_view spec, const MacroContext& m) {
  std::string out;
  const size_t at_sign = m.sender.rfind('@');
  const std::string local = at_sign == std::string::npos || at_sign == 0 ? "postmaster" : m.sender.substr(0, at_sign);
  const std::string sender_domain = at_sign == std::string::npos ? m.sender : m.sender.substr(at_sign + 1);
  for (size_t i = 0; i < spec.size(); ++i) {
    const char c = spec[i];
    if (c != '%') {
      if (c < 0x21 || c > 0x7e) return std::nullopt;
      out += c;
      continue;
    }
    if (++i >= spec.size()) return std::nullopt;
    const char n = spec[i];
    if (n == '%') {
      out += '%';
      continue;
    }
    if (n == '_') {
      out += ' ';
      continue;
    }
    if (n == '-') {
      out += "%20";
      continue;
    }
    if (n != '{') return std::nullopt;
    const size_t close = spec.find('}', i);
    if (close == std::string_view::npos || close == i + 1) return std::nullopt;
    const std::string_view body = spec.substr(i + 1, close - i - 1);
    i = close;
    std::string value;
    switch (std::tolower(static_cast<unsigned char>(body[0]))) {
      case 's': value = m.sender; break;
      case 'l': value = local; break;
      case 'o': value = sender_domain; break;
      case 'd': value = m.domain; break;
      case 'i': value = ip_macro(m); break;
      case 'p': value = "unknown"; break;
      case 'v': value = m.address.v6 ? "ip6" : "in-addr"; break;
      case 'h': value = sender_domain; break;  // the HELO name: newsdesk's relays say their own
      default: return std::nullopt;              // c, r, t: only in exp=
    }
    size_t at = 1;
    while (at < body.size() && std::isdigit(static_cast<unsigned char>(body[at]))) ++at;
    size_t keep = 0;
    if (at > 1) {
      if (at - 1 > 3) return std::nullopt;
      keep = static_cast<size_t>(std::stoi(std::string(body.substr(1, at - 1))));
      if (keep == 0) return std::nullopt;
    }
    bool reverse = false;
    if (at < body.size() && std::tolower(static_cast<unsigned char>(body[at])) == 'r') {
      reverse = true;
      ++at;
    }
    std::string delimiters;
    for (; at < body.size(); ++at) {
      if (std::strchr(".-+,/_=", body[at]) == nullptr) return std::nullopt;
      delimiters += body[at];
    }
    if (delimiters.empty()) delimiters = ".";
    std::vector<std::string> parts(1);
    for (char ch : value) {
      if (delimiters.find(ch) != std::string::npos) {
        parts.emplace_back();
      } else {
        parts.back() += ch;
      }
    }
    if (reverse) std::reverse(parts.begin(), parts.end());
    if (keep > 0 && keep < parts.size()) parts.erase(parts.begin(), parts.end() - static_cast<std::ptrdiff_t>(keep));
    out += core::join(parts, ".");
  }
  return out;
}

// A domain-spec expanded into a name to ask for; nullopt when it does not parse or is empty.
std::optional<std::string> expand_domain(std::string_view spec, const MacroContext& m) {
  auto out = expand(spec, m);
  if (!out) return std::nullopt;
  while (!out->empty() && out->back() == '.') out->pop_back();
  // Longer than a name may be: labels go from the left (§7.3).
  while (out->size() > 253) {
    const size_t dot = out->find('.');
    if (dot == std::string::npos) return std::nullopt;
    out->erase(0, dot + 1);
  }
  if (out->empty()) return std::nullopt;
  return out;
}

bool valid_macro_string(std::string_view spec) {
  MacroContext dummy{"postmaster@example.org", "example.org", "192.0.2.1", {}};
  return expand(spec, dummy).has_value();
}

// ---- Tag lists (DKIM and DMARC records).

struct Tag {
  std::string name, value;
};

// "a=1; b = 2;" as tags, names as written, values trimmed; nullopt when a
// piece is not NAME=VALUE. Empty pieces are allowed (a trailing ';').
std::optional<std::vector<Tag>> tag_list(std::string_view text) {
  std::vector<Tag> out;
  for (const auto& piece : core::split(text, ';')) {
    const std::string_view p = core::trim(piece);
    if (p.empty()) continue;
    const size_t eq = p.find('=');
    if (eq == std::string_view::npos || eq == 0) return std::nullopt;
    out.push_back({std::string(core::trim(p.substr(0, eq))), std::string(core::trim(p.substr(eq + 1)))});
  }
  return out;
}

std::vector<std::string> colon_list(std::string_view value) {
  std::vector<std::string> out;
  for (const auto& item : core::split(value, ':')) {
    std::string v = lower(core::trim(item));
    if (!v.empty()) out.push_back(std::move(v));
  }
  return out;
}

std::string without_space(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out += c;
  }
  return out;
}

// ---- SPF evaluation.

enum class Match { kNo, kYes, kTempError, kPermError };

class SpfEvaluator {
 public:
  SpfEvaluator(const DnsLookup& dns, Address ip, std::string ip_text, std::string sender)
      : dns_(dns), ip_(ip), ip_text_(std::move(ip_text)), sender_(std::move(sender)) {}

  SpfCheck run(const std::string& domain) {
    SpfCheck out;
    out.result = check(domain, out.reason);
    out.lookups = lookups_;
    return out;
  }

 private:
  // One more DNS-querying term; false past RFC 7208's limit of 10.
  bool count(std::string& reason) {
    if (++lookups_ <= 10) return true;
    reason = "more than 10 DNS-querying terms (include, a, mx, ptr, exists, redirect): past RFC 7208's limit (§4.6.4)";
    return false;
  }

  // One more lookup that found nothing; false past the limit of 2 (§4.6.4).
  bool count_void(const DnsAnswer& answer, std::string& reason) {
    if (!is_void(answer) || ++voids_ <= 2) return true;
    reason = "more than 2 DNS lookups found nothing (void lookups): past RFC 7208's limit (§4.6.4)";
    return false;
  }

  MacroContext macros(const std::string& domain) const { return {sender_, domain, ip_text_, ip_}; }

  SpfResult check(const std::string& domain, std::string& reason) {
    const DnsAnswer txt = dns_(domain, DnsType::kTxt);
    if (txt.status == Status::kTrouble) {
      reason = fmt::format("the DNS could not say what {} TXT is", domain);
      return SpfResult::kTempError;
    }
    std::vector<std::string> records;
    for (const auto& r : txt.records) {
      if (is_spf_record(r)) records.push_back(r);
    }
    if (records.empty()) {
      reason = fmt::format("{} has no SPF record", domain);
      return SpfResult::kNone;
    }
    if (records.size() > 1) {
      reason = fmt::format("{} has {} SPF records, where one is allowed (§4.5)", domain, records.size());
      return SpfResult::kPermError;
    }
    auto record = parse_spf(records[0]);
    if (!record) {
      reason = fmt::format("{}'s SPF record does not parse: {}", domain, record.error().message);
      return SpfResult::kPermError;
    }
    for (const auto& m : record->mechanisms) {
      std::string inner;
      switch (matches(m, domain, inner)) {
        case Match::kNo: continue;
        case Match::kTempError: reason = inner; return SpfResult::kTempError;
        case Match::kPermError: reason = inner; return SpfResult::kPermError;
        case Match::kYes: break;
      }
      reason = m.name == "include" ? fmt::format("{} in {}'s record ({})", m.text, domain, inner)
                                   : fmt::format("{} in {}'s record", m.text, domain);
      switch (m.qualifier) {
        case '-': return SpfResult::kFail;
        case '~': return SpfResult::kSoftFail;
        case '?': return SpfResult::kNeutral;
        default: return SpfResult::kPass;
      }
    }
    if (!record->redirect.empty()) {
      if (!count(reason)) return SpfResult::kPermError;
      auto target = expand_domain(record->redirect, macros(domain));
      if (!target) {
        reason = fmt::format("{}'s redirect={} names no domain", domain, record->redirect);
        return SpfResult::kPermError;
      }
      const SpfResult r = check(*target, reason);
      if (r == SpfResult::kNone) {
        reason = fmt::format("{}'s redirect={}: {} has no SPF record", domain, record->redirect, *target);
        return SpfResult::kPermError;
      }
      return r;
    }
    reason = fmt::format("no term of {}'s record matches {}", domain, ip_text_);
    return SpfResult::kNeutral;
  }

  // The addresses of `name` of the client's family.
  Match addresses_match(const std::string& name, int cidr4, int cidr6, std::string& reason) {
    const DnsAnswer a = dns_(name, ip_.v6 ? DnsType::kAaaa : DnsType::kA);
    if (a.status == Status::kTrouble) {
      reason = fmt::format("the DNS could not say what {}'s address is", name);
      return Match::kTempError;
    }
    if (!count_void(a, reason)) return Match::kPermError;
    for (const auto& text : a.records) {
      auto address = parse_address(text);
      if (address && in_network(ip_, *address, ip_.v6 ? cidr6 : cidr4)) return Match::kYes;
    }
    return Match::kNo;
  }

  Match matches(const SpfMechanism& m, const std::string& domain, std::string& reason) {
    if (m.name == "all") return Match::kYes;
    if (m.name == "ip4" || m.name == "ip6") {
      auto network = parse_address(m.network);
      return network && in_network(ip_, *network, m.name == "ip4" ? m.cidr4 : m.cidr6) ? Match::kYes : Match::kNo;
    }
    if (!count(reason)) return Match::kPermError;
    std::string target = domain;
    if (!m.domain_spec.empty()) {
      auto expanded = expand_domain(m.domain_spec, macros(domain));
      if (!expanded) {
        reason = fmt::format("{} in {}'s record names no domain", m.text, domain);
        return Match::kPermError;
      }
      target = *expanded;
    }
    if (m.name == "include") {
      const SpfResult r = check(target, reason);
      switch (r) {
        case SpfResult::kPass: return Match::kYes;
        case SpfResult::kFail:
        case SpfResult::kSoftFail:
        case SpfResult::kNeutral: return Match::kNo;
        case SpfResult::kTempError: return Match::kTempError;
        case SpfResult::kNone:
          reason = fmt::format("{} in {}'s record: {} has no SPF record", m.text, domain, target);
          return Match::kPermError;
        case SpfResult::kPermError: return Match::kPermError;
      }
      return Match::kPermError;
    }
    if (m.name == "a") return addresses_match(target, m.cidr4, m.cidr6, reason);
    if (m.name == "mx") {
      const DnsAnswer mx = dns_(target, DnsType::kMx);
      if (mx.status == Status::kTrouble) {
        reason = fmt::format("the DNS could not say what {}'s MX is", target);
        return Match::kTempError;
      }
      if (!count_void(mx, reason)) return Match::kPermError;
      if (mx.records.size() > 10) {
        reason = fmt::format("{} in {}'s record: {} has {} MX hosts, more than the 10 allowed (§4.6.4)", m.text, domain,
                             target, mx.records.size());
        return Match::kPermError;
      }
      for (const auto& host : mx.records) {
        if (host.empty() || host == ".") continue;
        const DnsAnswer a = dns_(host, ip_.v6 ? DnsType::kAaaa : DnsType::kA);
        if (a.status == Status::kTrouble) {
          reason = fmt::format("the DNS could not say what {}'s address is", host);
          return Match::kTempError;
        }
        for (const auto& text : a.records) {
          auto address = parse_address(text);
          if (address && in_network(ip_, *address, ip_.v6 ? m.cidr6 : m.cidr4)) return Match::kYes;
        }
      }
      return Match::kNo;
    }
    if (m.name == "exists") {
      const DnsAnswer a = dns_(target, DnsType::kA);  // always A (§5.7)
      if (a.status == Status::kTrouble) {
        reason = fmt::format("the DNS could not say whether {} exists", target);
        return Match::kTempError;
      }
      if (!count_void(a, reason)) return Match::kPermError;
      return found(a) ? Match::kYes : Match::kNo;
    }
    return Match::kNo;  // ptr: counted, never matched (§5.5: do not use it)
  }

  const DnsLookup& dns_;
  Address ip_;
  std::string ip_text_;
  std::string sender_;
  int lookups_ = 0;
  int voids_ = 0;
};

// ---- Reading a copy.

struct Part {
  std::map<std::string, std::string> headers;  // lower-case names, unfolded values (the last of a name)
  std::string body;
};

// Headers (unfolded) and body of a message or MIME part.
Part split_part(std::string_view message) {
  Part out;
  size_t pos = 0;
  std::string name, value;
  auto flush = [&] {
    if (!name.empty()) out.headers[lower(core::trim(name))] = std::string(core::trim(value));
    name.clear();
    value.clear();
  };
  while (pos < message.size()) {
    size_t end = message.find('\n', pos);
    if (end == std::string_view::npos) end = message.size();
    std::string_view line = message.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    if (line.empty()) {
      flush();
      out.body = std::string(message.substr(std::min(pos, message.size())));
      return out;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      value += ' ';
      value += core::trim(line);
      continue;
    }
    flush();
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    name = std::string(line.substr(0, colon));
    value = std::string(line.substr(colon + 1));
  }
  flush();
  return out;
}

std::string decode_quoted_printable(std::string_view in) {
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out += in[i];
      continue;
    }
    if (i + 2 < in.size() && in[i + 1] == '\r' && in[i + 2] == '\n') {
      i += 2;  // a soft line break
    } else if (i + 1 < in.size() && in[i + 1] == '\n') {
      i += 1;
    } else if (i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
      out += static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2]));
      i += 2;
    } else {
      out += '=';
    }
  }
  return out;
}

// A parameter of a structured header value ("multipart/alternative; boundary=\"x\"").
std::string header_parameter(std::string_view value, std::string_view name) {
  for (const auto& piece : core::split(value, ';')) {
    const std::string_view p = core::trim(piece);
    const size_t eq = p.find('=');
    if (eq == std::string_view::npos || lower(core::trim(p.substr(0, eq))) != name) continue;
    std::string v(core::trim(p.substr(eq + 1)));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    return v;
  }
  return "";
}

// The decoded text/plain and text/html bodies of a message.
void text_parts(const Part& message, std::string& text, std::string& html) {
  const std::string type = message.headers.count("content-type") != 0 ? message.headers.at("content-type") : "text/plain";
  auto decoded = [](const Part& p) {
    auto it = p.headers.find("content-transfer-encoding");
    return it != p.headers.end() && lower(it->second) == "quoted-printable" ? decode_quoted_printable(p.body) : p.body;
  };
  if (!core::starts_with_icase(type, "multipart/")) {
    (core::starts_with_icase(type, "text/html") ? html : text) += decoded(message);
    return;
  }
  const std::string boundary = header_parameter(type, "boundary");
  if (boundary.empty()) return;
  const std::string delimiter = "--" + boundary;
  size_t at = message.body.find(delimiter);
  while (at != std::string::npos) {
    size_t start = message.body.find('\n', at);
    if (start == std::string::npos || message.body.compare(at + delimiter.size(), 2, "--") == 0) break;
    const size_t next = message.body.find(delimiter, start + 1);
    const Part part = split_part(std::string_view(message.body).substr(start + 1, next == std::string::npos ? std::string::npos
                                                                                                            : next - start - 1));
    text_parts(part, text, html);
    at = next;
  }
}

std::string visible_text_of_html(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') {
      in_tag = true;
      out += ' ';
    } else if (c == '>') {
      in_tag = false;
    } else if (!in_tag) {
      out += c;
    }
  }
  return core::collapse_whitespace(core::decode_html_entities(out));
}

// The URLs of a List-Unsubscribe value: "<https://...>, <mailto:...>".
std::vector<std::string> angle_urls(std::string_view value) {
  std::vector<std::string> out;
  size_t at = 0;
  while ((at = value.find('<', at)) != std::string_view::npos) {
    const size_t close = value.find('>', at);
    if (close == std::string_view::npos) break;
    out.emplace_back(core::trim(value.substr(at + 1, close - at - 1)));
    at = close + 1;
  }
  return out;
}

// A URL without its query (the reader's token), for messages.
std::string without_query(const std::string& url) { return url.substr(0, url.find('?')); }

std::string mechanism_for(const std::string& ip) {
  auto a = parse_address(ip);
  return (a && a->v6 ? "ip6:" : "ip4:") + ip;
}

// `record` with `terms` put first, after "v=spf1".
std::string with_terms_first(const std::string& record, const std::vector<std::string>& terms) {
  std::vector<std::string> parts = words(record);
  std::vector<std::string> out = {parts.empty() ? std::string("v=spf1") : parts[0]};
  for (const auto& t : terms) out.push_back(t);
  for (size_t i = 1; i < parts.size(); ++i) {
    if (std::find(terms.begin(), terms.end(), parts[i]) == terms.end()) out.push_back(parts[i]);
  }
  return core::join(out, " ");
}

std::string txt_line(const std::string& name, std::string_view value) {
  return fmt::format("{}. TXT {}", name, quoted_txt(value));
}

std::string dkim_name(const MailSetup& s) { return fmt::format("{}._domainkey.{}", s.dkim_selector, s.dkim_domain); }

std::string keygen_fix(const std::string& domain, const std::string& selector) {
  return fmt::format("newsdesk dkim keygen --domain {} --selector {} --out /etc/newsdesk/dkim.pem; then in [mail]: "
                     "dkim_key_file = \"/etc/newsdesk/dkim.pem\", dkim_domain = \"{}\", dkim_selector = \"{}\"; and publish "
                     "the TXT record it prints ({}._domainkey.{}. TXT \"v=DKIM1; k=rsa; p=...\")",
                     domain, selector, domain, selector, selector, domain);
}

std::string dmarc_fix(const std::string& from_domain) {
  return txt_line("_dmarc." + from_domain, fmt::format("v=DMARC1; p=none; rua=mailto:dmarc@{}", from_domain));
}

}  // namespace

// ---- SPF.

const char* to_string(SpfResult result) {
  switch (result) {
    case SpfResult::kNone: return "none";
    case SpfResult::kNeutral: return "neutral";
    case SpfResult::kPass: return "pass";
    case SpfResult::kFail: return "fail";
    case SpfResult::kSoftFail: return "softfail";
    case SpfResult::kTempError: return "temperror";
    case SpfResult::kPermError: return "permerror";
  }
  return "?";
}

bool is_spf_record(std::string_view text) {
  const std::string_view t = core::trim(text);
  return core::starts_with_icase(t, "v=spf1") && (t.size() == 6 || t[6] == ' ');
}

core::Result<SpfRecord> parse_spf(std::string_view record) {
  const std::vector<std::string> terms = words(record);
  if (terms.empty() || lower(terms[0]) != "v=spf1") {
    return core::fail(core::ErrorCode::kInvalidInput, "not an SPF record: it does not start with v=spf1");
  }
  SpfRecord out;
  bool have_redirect = false, have_exp = false;
  for (size_t i = 1; i < terms.size(); ++i) {
    const std::string& term = terms[i];
    auto bad = [&](std::string_view why) {
      return core::fail(core::ErrorCode::kInvalidInput, fmt::format("'{}': {}", term, why));
    };
    // A modifier: NAME=macro-string, NAME = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ).
    size_t name_end = 0;
    while (name_end < term.size() && (std::isalnum(static_cast<unsigned char>(term[name_end])) != 0 ||
                                      term[name_end] == '-' || term[name_end] == '_' || term[name_end] == '.')) {
      ++name_end;
    }
    if (name_end > 0 && name_end < term.size() && term[name_end] == '=' &&
        std::isalpha(static_cast<unsigned char>(term[0])) != 0) {
      const std::string name = lower(term.substr(0, name_end));
      const std::string value = term.substr(name_end + 1);
      if (!valid_macro_string(value)) return bad("its value does not parse (a % that is no macro?)");
      if (name == "redirect") {
        if (have_redirect) return bad("redirect= given twice");
        if (value.empty()) return bad("redirect= names no domain");
        have_redirect = true;
        out.redirect = value;
      } else if (name == "exp") {
        if (have_exp) return bad("exp= given twice");
        have_exp = true;
      }
      continue;  // other modifiers are ignored (§6)
    }
    SpfMechanism m;
    m.text = term;
    size_t at = 0;
    if (std::strchr("+-~?", term[0]) != nullptr) {
      m.qualifier = term[0];
      at = 1;
    }
    size_t end = at;
    while (end < term.size() && std::isalnum(static_cast<unsigned char>(term[end])) != 0) ++end;
    m.name = lower(term.substr(at, end - at));
    std::string rest = term.substr(end);
    auto domain_part = [&](bool required) -> bool {
      if (rest.empty()) return !required;
      if (rest[0] != ':' || rest.size() < 2) return false;
      m.domain_spec = rest.substr(1);
      return valid_macro_string(m.domain_spec);
    };
    if (m.name == "all") {
      if (!rest.empty()) return bad("all takes nothing after it");
    } else if (m.name == "include" || m.name == "exists") {
      if (!domain_part(true)) return bad(fmt::format("{} needs :DOMAIN", m.name));
    } else if (m.name == "a" || m.name == "mx") {
      // [":" domain-spec] [ "/" ip4-cidr ] [ "//" ip6-cidr ]
      if (const size_t dd = rest.rfind("//"); dd != std::string::npos && all_digits(std::string_view(rest).substr(dd + 2))) {
        auto n = prefix_length(std::string_view(rest).substr(dd + 2), 128);
        if (!n) return bad("an IPv6 prefix length is 0 to 128");
        m.cidr6 = *n;
        rest.resize(dd);
      }
      if (const size_t d = rest.rfind('/'); d != std::string::npos && all_digits(std::string_view(rest).substr(d + 1))) {
        auto n = prefix_length(std::string_view(rest).substr(d + 1), 32);
        if (!n) return bad("an IPv4 prefix length is 0 to 32");
        m.cidr4 = *n;
        rest.resize(d);
      }
      if (!domain_part(false)) return bad(fmt::format("{} is followed by :DOMAIN, /PREFIX or //PREFIX6 only", m.name));
    } else if (m.name == "ptr") {
      if (!domain_part(false)) return bad("ptr is followed by :DOMAIN only");
    } else if (m.name == "ip4" || m.name == "ip6") {
      if (rest.size() < 2 || rest[0] != ':') return bad(fmt::format("{} needs :ADDRESS", m.name));
      std::string network = rest.substr(1);
      const bool six = m.name == "ip6";
      if (const size_t slash = network.find('/'); slash != std::string::npos) {
        auto n = prefix_length(std::string_view(network).substr(slash + 1), six ? 128 : 32);
        if (!n) return bad(six ? "an IPv6 prefix length is 0 to 128" : "an IPv4 prefix length is 0 to 32");
        (six ? m.cidr6 : m.cidr4) = *n;
        network.resize(slash);
      }
      unsigned char buffer[16];
      if (inet_pton(six ? AF_INET6 : AF_INET, network.c_str(), buffer) != 1) {
        return bad(six ? "not an IPv6 address" : "not an IPv4 address");
      }
      m.network = network;
    } else {
      return bad("not an SPF mechanism (all, include, a, mx, ptr, ip4, ip6, exists) nor a NAME=VALUE modifier");
    }
    out.mechanisms.push_back(std::move(m));
  }
  return out;
}

SpfCheck check_host(const std::string& ip, const std::string& domain, const std::string& sender, const DnsLookup& dns) {
  auto address = parse_address(ip);
  if (!address) return {SpfResult::kPermError, fmt::format("{} is not an IP address", ip), 0};
  std::string text = ip;
  if (!address->v6 && ip.find(':') != std::string::npos) {  // IPv4-mapped: the IPv4 address's text
    char four[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, address->bytes.data(), four, sizeof four);
    text = four;
  }
  std::string d = lower(domain);
  while (!d.empty() && d.back() == '.') d.pop_back();
  SpfEvaluator evaluator(dns, *address, text, sender);
  return evaluator.run(d);
}

// ---- DKIM key records.

core::Result<DkimRecord> parse_dkim_record(std::string_view record) {
  auto tags = tag_list(record);
  if (!tags) return core::fail(core::ErrorCode::kInvalidInput, "not a list of TAG=VALUE separated by ';'");
  DkimRecord out;
  bool have_p = false;
  std::vector<std::string> seen;
  for (size_t i = 0; i < tags->size(); ++i) {
    const Tag& t = (*tags)[i];
    if (std::find(seen.begin(), seen.end(), t.name) != seen.end()) {
      return core::fail(core::ErrorCode::kInvalidInput, fmt::format("{}= is given twice", t.name));
    }
    seen.push_back(t.name);
    if (t.name == "v") {
      if (i != 0) return core::fail(core::ErrorCode::kInvalidInput, "v= is not the first tag");
      if (t.value != "DKIM1") return core::fail(core::ErrorCode::kInvalidInput, fmt::format("v={} is not DKIM1", t.value));
    } else if (t.name == "k") {
      out.key_type = lower(t.value);
    } else if (t.name == "p") {
      out.public_key = without_space(t.value);
      have_p = true;
    } else if (t.name == "h") {
      out.hashes = colon_list(t.value);
    } else if (t.name == "s") {
      out.services = colon_list(t.value);
    } else if (t.name == "t") {
      out.flags = colon_list(t.value);
    }
  }
  if (!have_p) return core::fail(core::ErrorCode::kInvalidInput, "no p= (the public key)");
  return out;
}

// ---- DMARC.

bool is_dmarc_record(std::string_view text) {
  auto tags = tag_list(text);
  if (!tags || tags->empty()) {
    // A broken record still names itself DMARC: "v=DMARC1 p=none".
    return core::trim(text).substr(0, 8) == "v=DMARC1";
  }
  return lower(tags->front().name) == "v" && tags->front().value.substr(0, 6) == "DMARC1";
}

core::Result<DmarcRecord> parse_dmarc(std::string_view record) {
  auto tags = tag_list(record);
  if (!tags || tags->empty()) return core::fail(core::ErrorCode::kInvalidInput, "not a list of TAG=VALUE separated by ';'");
  if (lower(tags->front().name) != "v" || tags->front().value != "DMARC1") {
    return core::fail(core::ErrorCode::kInvalidInput,
                      lower(tags->front().name) == "v" && tags->front().value.substr(0, 6) == "DMARC1"
                          ? fmt::format("\"v={}\": the tags are separated by ';'", tags->front().value)
                          : "it does not start with v=DMARC1");
  }
  DmarcRecord out;
  bool valid_policy = false, valid_subdomain_policy = true;
  auto policy = [](const std::string& v) { return v == "none" || v == "quarantine" || v == "reject"; };
  for (size_t i = 1; i < tags->size(); ++i) {
    const std::string name = lower((*tags)[i].name);
    const std::string value = lower((*tags)[i].value);
    if (name == "p") {
      out.policy = value;
      valid_policy = policy(value);
    } else if (name == "sp") {
      out.subdomain_policy = value;
      valid_subdomain_policy = policy(value);
    } else if (name == "adkim" || name == "aspf") {
      if (value != "r" && value != "s") return core::fail(core::ErrorCode::kInvalidInput, fmt::format("{}={} is not r or s", name, value));
      (name == "adkim" ? out.strict_dkim : out.strict_spf) = value == "s";
    } else if (name == "pct") {
      if (!all_digits(value) || value.size() > 3 || std::stoi(value) > 100) {
        return core::fail(core::ErrorCode::kInvalidInput, fmt::format("pct={} is not 0 to 100", value));
      }
      out.pct = std::stoi(value);
    } else if (name == "rua") {
      for (const auto& uri : core::split((*tags)[i].value, ',')) {
        const std::string u(core::trim(uri));
        if (u.find(':') != std::string::npos) out.rua.push_back(u);
      }
    }
  }
  if (!valid_policy || !valid_subdomain_policy) {
    // RFC 7489 §6.6.3: without a valid p= (or with a bad sp=), a record with a
    // usable rua= counts as p=none; without one, as no record.
    if (out.rua.empty()) {
      return core::fail(core::ErrorCode::kInvalidInput,
                        !valid_policy ? fmt::format("no valid p= (none, quarantine or reject){}",
                                                    out.policy.empty() ? "" : ": p=" + out.policy)
                                      : fmt::format("sp={} is not none, quarantine or reject", out.subdomain_policy));
    }
    out.policy = "none";
    out.subdomain_policy.clear();
    out.policy_implied = true;
  }
  return out;
}

std::string organizational_domain(const std::string& domain) { return lower(core::registrable_domain(lower(domain))); }

bool aligned(const std::string& a, const std::string& b, bool strict) {
  std::string x = lower(a), y = lower(b);
  while (!x.empty() && x.back() == '.') x.pop_back();
  while (!y.empty() && y.back() == '.') y.pop_back();
  if (x.empty() || y.empty()) return false;
  if (x == y) return true;
  return !strict && organizational_domain(x) == organizational_domain(y);
}

DmarcLookup find_dmarc(const std::string& from_domain, const DnsLookup& dns) {
  DmarcLookup out;
  const std::string from = lower(from_domain);
  std::vector<std::string> names = {"_dmarc." + from};
  const std::string org = organizational_domain(from);
  if (!org.empty() && org != from) names.push_back("_dmarc." + org);
  for (const auto& name : names) {
    out.name = name;
    out.asked.push_back(name);
    const DnsAnswer answer = dns(name, DnsType::kTxt);
    if (answer.status == Status::kTrouble) {
      out.trouble = true;
      out.problem = fmt::format("the DNS could not say what {} TXT is", name);
      return out;
    }
    std::vector<std::string> records;
    for (const auto& r : answer.records) {
      if (is_dmarc_record(r)) records.push_back(r);
    }
    if (records.empty()) continue;  // the organisational domain's, then
    if (records.size() > 1) {
      out.problem = fmt::format("{} has {} DMARC records: receivers then apply none (RFC 7489 §6.6.3)", name, records.size());
      return out;
    }
    auto parsed = parse_dmarc(records[0]);
    if (!parsed) {
      out.problem = fmt::format("the DMARC record at {} does not parse: {}", name, parsed.error().message);
      return out;
    }
    out.record = std::move(*parsed);
    return out;
  }
  return out;
}

bool is_private_address(const std::string& ip) {
  auto a = parse_address(ip);
  if (!a) return false;
  auto in = [&](const char* network, int prefix) {
    auto n = parse_address(network);
    return n && in_network(*a, *n, prefix);
  };
  if (!a->v6) {
    return in("0.0.0.0", 8) || in("10.0.0.0", 8) || in("100.64.0.0", 10) || in("127.0.0.0", 8) || in("169.254.0.0", 16) ||
           in("172.16.0.0", 12) || in("192.168.0.0", 16);
  }
  return in("::", 128) || in("::1", 128) || in("fc00::", 7) || in("fe80::", 10);
}

// ---- Findings.

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kOk: return "OK";
    case Verdict::kWarn: return "WARN";
    case Verdict::kFail: return "FAIL";
  }
  return "?";
}

std::string quoted_txt(std::string_view value) {
  std::string out;
  for (size_t at = 0; at < value.size() || at == 0; at += 255) {
    out += (at == 0 ? "\"" : " \"");
    out += value.substr(at, 255);
    out += '"';
    if (value.empty()) break;
  }
  return out;
}

Finding check_dkim(const MailSetup& s, const DnsLookup& dns) {
  Finding f{"dkim", Verdict::kOk, "", {}};
  if (!s.dkim_key) {
    f.verdict = Verdict::kFail;
    f.reason = "copies go out unsigned: [mail] dkim_key_file is not set, and bulk senders must sign with DKIM";
    f.fixes.push_back(keygen_fix(s.from_domain, s.dkim_selector.empty() ? "newsdesk" : s.dkim_selector));
    return f;
  }
  const std::string name = dkim_name(s);
  const std::string wanted = txt_line(name, s.dkim_key->dns_txt());
  const DnsAnswer answer = dns(name, DnsType::kTxt);
  auto fail = [&](std::string why) {
    f.verdict = Verdict::kFail;
    f.reason = std::move(why);
    f.fixes.push_back(wanted);
    return f;
  };
  if (answer.status == Status::kTrouble) {
    f.verdict = Verdict::kWarn;
    f.reason = fmt::format("not checked: the DNS could not say what {} TXT is (a timeout or SERVFAIL)", name);
    return f;
  }
  if (answer.records.empty()) {
    return fail(fmt::format("no DKIM record at {}: receivers cannot verify the signatures made with {}", name, s.dkim_key_file));
  }
  if (answer.records.size() > 1) {
    return fail(fmt::format("{} has {} TXT records: a verifier may take any one of them; publish one", name, answer.records.size()));
  }
  auto record = parse_dkim_record(answer.records[0]);
  if (!record) return fail(fmt::format("the record at {} is no DKIM key record: {}", name, record.error().message));
  if (record->public_key.empty()) return fail(fmt::format("the key at {} is revoked (p= is empty)", name));
  if (record->key_type != s.dkim_key->key_type) {
    return fail(fmt::format("the record at {} says k={}, but the key in {} is {}", name, record->key_type, s.dkim_key_file,
                            s.dkim_key->key_type));
  }
  if (!same_dkim_key(*s.dkim_key, record->public_key)) {
    return fail(fmt::format("the record at {} publishes another key than the one in {}: every signature would fail", name,
                            s.dkim_key_file));
  }
  if (!record->hashes.empty() && std::find(record->hashes.begin(), record->hashes.end(), "sha256") == record->hashes.end()) {
    return fail(fmt::format("the record at {} allows h={} only, and newsdesk signs with sha256", name, core::join(record->hashes, ":")));
  }
  if (!record->services.empty() && std::find(record->services.begin(), record->services.end(), "email") == record->services.end() &&
      std::find(record->services.begin(), record->services.end(), "*") == record->services.end()) {
    return fail(fmt::format("the record at {} is for s={}, not email", name, core::join(record->services, ":")));
  }
  if (std::find(record->flags.begin(), record->flags.end(), "y") != record->flags.end()) {
    f.verdict = Verdict::kWarn;
    f.reason = fmt::format("{} publishes the key of {}, marked t=y (testing): receivers may treat signed mail as unsigned", name,
                           s.dkim_key_file);
    f.fixes.push_back(wanted);
    return f;
  }
  f.reason = fmt::format("{} publishes the key of {} (k={})", name, s.dkim_key_file, s.dkim_key->key_type);
  return f;
}

Finding check_spf(const MailSetup& s, const DnsLookup& dns) {
  Finding f{"spf", Verdict::kOk, "", {}};
  const std::string& domain = s.envelope_domain;
  if (s.relays.empty()) {
    f.verdict = Verdict::kFail;
    f.reason = "no relay to send through, so none to check: [mail.relays.NAME] has none";
    f.fixes.push_back(fmt::format("[mail.relays.primary] host = \"smtp.{}\", port = 587", domain));
    return f;
  }
  struct Target {
    std::string relay, ip;
  };
  std::vector<Target> publics;
  std::vector<std::string> privates, failures, warnings, missing;
  for (const auto& relay : s.relays) {
    std::vector<std::string> ips;
    if (parse_address(relay.host)) {
      ips.push_back(relay.host);
    } else if (lower(relay.host) == "localhost") {
      ips.push_back("127.0.0.1");
    } else {
      bool trouble = false;
      for (DnsType type : {DnsType::kA, DnsType::kAaaa}) {
        const DnsAnswer a = dns(relay.host, type);
        if (a.status == Status::kTrouble) trouble = true;
        for (const auto& ip : a.records) ips.push_back(ip);
      }
      if (trouble) {
        warnings.push_back(fmt::format("the DNS could not say what relay '{}' ({})'s address is", relay.name, relay.host));
      } else if (ips.empty()) {
        failures.push_back(fmt::format("relay '{}' ({}) has no address in DNS", relay.name, relay.host));
      }
    }
    for (const auto& ip : ips) {
      if (is_private_address(ip)) {
        privates.push_back(fmt::format("'{}' ({})", relay.name, ip));
      } else {
        publics.push_back({relay.name, ip});
      }
    }
  }
  std::vector<std::string> wanted_terms;
  for (const auto& t : publics) {
    const std::string term = mechanism_for(t.ip);
    if (std::find(wanted_terms.begin(), wanted_terms.end(), term) == wanted_terms.end()) wanted_terms.push_back(term);
  }
  const std::string placeholder = "ip4:THE-PUBLIC-ADDRESS-YOUR-MAIL-LEAVES-FROM";
  const std::string suggested =
      txt_line(domain, fmt::format("v=spf1 {} -all", wanted_terms.empty() ? placeholder : core::join(wanted_terms, " ")));

  const DnsAnswer txt = dns(domain, DnsType::kTxt);
  if (txt.status == Status::kTrouble) {
    f.verdict = Verdict::kWarn;
    f.reason = fmt::format("not checked: the DNS could not say what {} TXT is (a timeout or SERVFAIL)", domain);
    return f;
  }
  std::vector<std::string> records;
  for (const auto& r : txt.records) {
    if (is_spf_record(r)) records.push_back(r);
  }
  if (records.empty()) {
    f.verdict = Verdict::kFail;
    f.reason = fmt::format("no SPF record at {} (the return path's domain: {}+...@{}), so receivers cannot tell the relays may "
                           "send for it",
                           domain, s.envelope_local, domain);
    if (!failures.empty()) f.reason += "; and " + core::join(failures, "; ");
    f.fixes.push_back(suggested);
    return f;
  }
  if (records.size() > 1) {
    f.verdict = Verdict::kFail;
    f.reason = fmt::format("{} has {} SPF records, which receivers take as a permerror (RFC 7208 §4.5): merge them into one",
                           domain, records.size());
    f.fixes.push_back(suggested);
    return f;
  }
  auto parsed = parse_spf(records[0]);
  if (!parsed) {
    f.verdict = Verdict::kFail;
    f.reason = fmt::format("{}'s SPF record \"{}\" does not parse (a permerror): {}", domain, records[0], parsed.error().message);
    f.fixes.push_back(suggested);
    return f;
  }
  const std::string sender = fmt::format("{}@{}", s.envelope_local.empty() ? "bounce" : s.envelope_local, domain);
  std::vector<std::string> passes;
  bool permerror = false;
  int lookups = 0;
  for (const auto& t : publics) {
    const SpfCheck c = check_host(t.ip, domain, sender, dns);
    lookups = std::max(lookups, c.lookups);
    switch (c.result) {
      case SpfResult::kPass: passes.push_back(fmt::format("'{}' ({}) by {}", t.relay, t.ip, c.reason)); break;
      case SpfResult::kTempError:
        warnings.push_back(fmt::format("relay '{}' ({}): temperror: {}", t.relay, t.ip, c.reason));
        break;
      case SpfResult::kPermError:
        permerror = true;
        failures.push_back(fmt::format("relay '{}' ({}): permerror: {}", t.relay, t.ip, c.reason));
        break;
      default:
        failures.push_back(fmt::format("relay '{}' ({}) gets {} ({})", t.relay, t.ip, to_string(c.result), c.reason));
        missing.push_back(mechanism_for(t.ip));
    }
  }
  const std::string private_note =
      privates.empty() ? ""
                       : fmt::format("relay {} is at a private address: the mail reaches the Internet from the host that relays "
                                     "it onward, whose public address {}'s SPF record must authorise (not checked here)",
                                     core::join(privates, ", "), domain);
  if (!failures.empty()) {
    f.verdict = Verdict::kFail;
    f.reason = fmt::format("{}'s SPF record \"{}\" does not authorise every relay: {}", domain, records[0], core::join(failures, "; "));
    if (permerror) {
      f.reason += "; replace include:, a and mx terms by the ip4:/ip6: ranges they stand for";
      f.fixes.push_back(suggested);
    } else if (!missing.empty()) {
      std::vector<std::string> unique;
      for (const auto& m : missing) {
        if (std::find(unique.begin(), unique.end(), m) == unique.end()) unique.push_back(m);
      }
      f.fixes.push_back(txt_line(domain, with_terms_first(records[0], unique)));
    }
    return f;
  }
  if (!warnings.empty()) {
    f.verdict = Verdict::kWarn;
    f.reason = "not all checked: " + core::join(warnings, "; ");
    return f;
  }
  // How the record ends: -all or ~all refuses the hosts it does not list.
  bool refuses_others = !parsed->redirect.empty();
  std::string ending = "no all";
  for (const auto& m : parsed->mechanisms) {
    if (m.name != "all") continue;
    refuses_others = m.qualifier == '-' || m.qualifier == '~';
    ending = m.text;
    break;
  }
  if (publics.empty()) {
    f.verdict = Verdict::kWarn;
    f.reason = fmt::format("{} has an SPF record (\"{}\"), but {}", domain, records[0], private_note);
    return f;
  }
  f.reason = fmt::format("{} authorises {} ({} of 10 DNS lookups)", domain, core::join(passes, ", "), lookups);
  if (!private_note.empty()) {
    f.verdict = Verdict::kWarn;
    f.reason += "; " + private_note;
  }
  if (!refuses_others) {
    f.verdict = Verdict::kWarn;
    f.reason += fmt::format("; but the record ends in {}: hosts it does not list are not refused (end it with -all or ~all)", ending);
    std::vector<std::string> parts = words(records[0]);
    parts.erase(std::remove_if(parts.begin(), parts.end(),
                               [](const std::string& w) {
                                 const std::string l = lower(w);
                                 return l == "all" || l == "+all" || l == "?all" || l == "~all" || l == "-all";
                               }),
                parts.end());
    parts.emplace_back("-all");
    f.fixes.push_back(txt_line(domain, core::join(parts, " ")));
  }
  return f;
}

Finding check_dmarc(const MailSetup& s, const DmarcLookup& dmarc) {
  Finding f{"dmarc", Verdict::kOk, "", {}};
  const std::string from = lower(s.from_domain);
  if (dmarc.trouble) {
    f.verdict = Verdict::kWarn;
    f.reason = "not checked: " + dmarc.problem;
    return f;
  }
  if (!dmarc.record) {
    f.verdict = Verdict::kFail;
    f.reason = !dmarc.problem.empty()
                   ? dmarc.problem
                   : fmt::format("no DMARC record for the From domain {}: none at {}", from, core::join(dmarc.asked, " nor at "));
    f.fixes.push_back(dmarc_fix(from));
    return f;
  }
  const DmarcRecord& r = *dmarc.record;
  const bool at_org = dmarc.name != "_dmarc." + from;
  const std::string policy = at_org && !r.subdomain_policy.empty() ? "sp=" + r.subdomain_policy : "p=" + r.policy;
  f.reason = fmt::format("{}: {}{}{}{}", dmarc.name, policy, at_org ? fmt::format(" (the organisational domain's, for {})", from) : "",
                         r.pct < 100 ? fmt::format(", pct={}", r.pct) : "",
                         r.rua.empty() ? "; no rua= address, so no aggregate reports" : "; reports to " + core::join(r.rua, ", "));
  if (r.policy_implied) {
    f.verdict = Verdict::kWarn;
    f.reason = fmt::format("{}: no valid p=, read as p=none because rua= is set", dmarc.name);
    f.fixes.push_back(dmarc_fix(from));
  }
  return f;
}

Finding check_alignment(const MailSetup& s, const DmarcLookup& dmarc) {
  Finding f{"alignment", Verdict::kOk, "", {}};
  const bool strict = dmarc.record && dmarc.record->strict_dkim;
  const bool strict_spf = dmarc.record && dmarc.record->strict_spf;
  const std::string mode = strict ? "strict, adkim=s" : "relaxed";
  const std::string from = lower(s.from_domain);
  if (!s.dkim_key) {
    f.verdict = Verdict::kFail;
    f.reason = fmt::format("no DKIM signature to align with the From domain {} (see dkim)", from);
    f.fixes.push_back(keygen_fix(from, s.dkim_selector.empty() ? "newsdesk" : s.dkim_selector));
    return f;
  }
  if (!aligned(s.dkim_domain, from, strict)) {
    f.verdict = Verdict::kFail;
    f.reason = fmt::format("DKIM's d={} does not align with the From domain {} ({}): DMARC cannot pass on the signature", s.dkim_domain,
                           from, mode);
    f.fixes.push_back(fmt::format("[mail] dkim_domain = \"{}\"", from));
    f.fixes.push_back(txt_line(fmt::format("{}._domainkey.{}", s.dkim_selector, from), s.dkim_key->dns_txt()));
    return f;
  }
  const bool spf_aligned = aligned(s.envelope_domain, from, strict_spf);
  f.reason = fmt::format("DKIM's d={} aligns with the From domain {} ({}){}", s.dkim_domain, from, mode,
                         spf_aligned ? fmt::format("; so does the return path's {}", s.envelope_domain) : "");
  return f;
}

std::vector<Finding> check_mail_dns(const MailSetup& setup, const DnsLookup& dns) {
  std::vector<Finding> out;
  out.push_back(check_dkim(setup, dns));
  out.push_back(check_spf(setup, dns));
  const DmarcLookup dmarc = find_dmarc(setup.from_domain, dns);
  out.push_back(check_dmarc(setup, dmarc));
  out.push_back(check_alignment(setup, dmarc));
  return out;
}

std::vector<Finding> check_copy(std::string_view message, const std::string& postal_address) {
  const Part whole = split_part(message);
  auto header = [&](const char* name) -> std::optional<std::string> {
    auto it = whole.headers.find(name);
    if (it == whole.headers.end()) return std::nullopt;
    return it->second;
  };

  Finding u{"unsubscribe", Verdict::kOk, "", {}};
  const auto list_unsubscribe = header("list-unsubscribe");
  const auto post = header("list-unsubscribe-post");
  std::string https;
  for (const auto& url : angle_urls(list_unsubscribe.value_or(""))) {
    if (core::starts_with_icase(url, "https://")) https = url;
  }
  if (!list_unsubscribe) {
    u.verdict = Verdict::kFail;
    u.reason = "a copy carries no List-Unsubscribe header";
  } else if (https.empty()) {
    u.verdict = Verdict::kFail;
    const auto urls = angle_urls(*list_unsubscribe);
    u.reason = fmt::format("List-Unsubscribe has no https URL ({}): one-click unsubscribe (RFC 8058) needs one",
                           urls.empty() ? *list_unsubscribe : without_query(urls.front()));
    u.fixes.emplace_back("[edition] site_url = \"https://...\" (the site's public https address)");
  } else if (!post || core::trim(*post) != "List-Unsubscribe=One-Click") {
    u.verdict = Verdict::kFail;
    u.reason = fmt::format("a copy carries no \"List-Unsubscribe-Post: List-Unsubscribe=One-Click\"{}",
                           post ? fmt::format(" (it says \"{}\")", *post) : "");
  } else if (const auto signature = header("dkim-signature"); !signature) {
    u.verdict = Verdict::kWarn;
    u.reason = fmt::format("List-Unsubscribe <{}> and List-Unsubscribe-Post are there, but the copy is not DKIM-signed, and "
                           "one-click needs both under a signature (see dkim)",
                           without_query(https));
  } else {
    std::vector<std::string> signed_headers;
    if (auto tags = tag_list(*signature)) {
      for (const auto& t : *tags) {
        if (t.name == "h") signed_headers = colon_list(without_space(t.value));
      }
    }
    auto covered = [&](const char* name) {
      return std::find(signed_headers.begin(), signed_headers.end(), name) != signed_headers.end();
    };
    if (!covered("list-unsubscribe") || !covered("list-unsubscribe-post")) {
      u.verdict = Verdict::kFail;
      u.reason = fmt::format("the DKIM signature (h={}) leaves out List-Unsubscribe or List-Unsubscribe-Post, which one-click "
                             "needs signed (RFC 8058 §4)",
                             core::join(signed_headers, ":"));
    } else {
      u.reason = fmt::format("List-Unsubscribe <{}> with List-Unsubscribe-Post: List-Unsubscribe=One-Click, both DKIM-signed",
                             without_query(https));
    }
  }

  Finding p{"postal address", Verdict::kOk, "", {}};
  const std::string address = core::collapse_whitespace(postal_address);
  std::string text, html;
  text_parts(whole, text, html);
  std::vector<std::string> lacking;
  if (core::collapse_whitespace(text).find(address) == std::string::npos) lacking.emplace_back("text");
  if (visible_text_of_html(html).find(address) == std::string::npos) lacking.emplace_back("HTML");
  if (address.empty()) {
    p.verdict = Verdict::kFail;
    p.reason = "[edition] postal_address is empty: every copy must show the sender's postal address (CAN-SPAM)";
    p.fixes.emplace_back("[edition] postal_address = \"NEWSROOM, STREET, CITY, COUNTRY\"");
  } else if (address == core::kExamplePostalAddress) {
    p.verdict = Verdict::kFail;
    p.reason = fmt::format("[edition] postal_address is still the example's \"{}\": every copy must show the sender's real postal "
                           "address (CAN-SPAM)",
                           address);
    p.fixes.emplace_back("[edition] postal_address = \"NEWSROOM, STREET, CITY, COUNTRY\"");
  } else if (!lacking.empty()) {
    p.verdict = Verdict::kFail;
    p.reason = fmt::format("the {} part of a copy does not show the postal address \"{}\"", core::join(lacking, " and "), address);
    p.fixes.emplace_back("{{postal_address}} in the footer of the edition's templates ([edition] templates)");
  } else {
    p.reason = fmt::format("both parts of a copy show \"{}\"", address);
  }
  return {u, p};
}

Finding check_complaints(const ComplaintCounts& c) {
  Finding f{"complaints", Verdict::kOk, "", {}};
  if (c.delivered == 0) {
    f.reason = c.editions == 0 ? "no edition sent yet: nothing to measure" : "no copy delivered yet: nothing to measure";
    return f;
  }
  const double rate = static_cast<double>(c.complaints) / static_cast<double>(c.delivered);
  f.reason = fmt::format("{} complaint{} per {} copies delivered of the last {} edition{}: {:.2f}%", c.complaints,
                         c.complaints == 1 ? "" : "s", c.delivered, c.editions, c.editions == 1 ? "" : "s", rate * 100);
  if (c.complaints * 1000 >= c.delivered * 3) {
    f.verdict = Verdict::kFail;
    f.reason += ", at or over the 0.3% at which Gmail and Yahoo filter or refuse a bulk sender's mail";
    f.fixes.emplace_back("mail only readers who asked (double opt-in), keep the unsubscribe link plain, and remove readers who "
                         "no longer open the edition; the rate falls as new editions go out without complaints");
  } else if (c.complaints * 1000 >= c.delivered) {
    f.verdict = Verdict::kWarn;
    f.reason += ", not under the 0.1% Gmail asks senders to stay under";
  }
  return f;
}

std::string format_findings(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    out += fmt::format("{:<4}  {}: {}\n", to_string(f.verdict), f.check, f.reason);
    for (const auto& fix : f.fixes) out += fmt::format("      fix: {}\n", fix);
  }
  return out;
}

std::string failed_checks(const std::vector<Finding>& findings) {
  std::vector<std::string> names;
  for (const auto& f : findings) {
    if (f.verdict == Verdict::kFail) names.push_back(f.check);
  }
  return core::join(names, ", ");
}

}  // namespace newsdesk::mail
