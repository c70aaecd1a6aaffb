#include "mail/bounce.hpp"


#include <cctype>
#include <vector>

#include "core/base64.hpp"
#include "core/strings.hpp"

namespace newsdesk::mail {
namespace {

using Kind = BounceReading::Kind;

std::string lower(std::string_view s) { return core::to_lower_ascii(s); }

// Header fields, unfolded, names lower-cased, in order.
struct Fields {
  std::vector<std::pair<std::string, std::string>> list;
  std::string get(std::string_view name) const {
    for (const auto& [n, v] : list) {
      if (n == name) return v;
    }
    return "";
  }
};

// Splits a header block (lines up to the first empty one) from what follows.
// `complete` is false when no field could be read at all.
Fields read_fields(std::string_view block) {
  Fields f;
  size_t pos = 0;
  while (pos < block.size()) {
    size_t eol = block.find('\n', pos);
    std::string_view line = block.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? block.size() : eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    if ((line[0] == ' ' || line[0] == '\t') && !f.list.empty()) {
      f.list.back().second += " " + std::string(core::trim(line));  // folded: RFC 5322 2.2.3
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    f.list.emplace_back(lower(core::trim(line.substr(0, colon))), std::string(core::trim(line.substr(colon + 1))));
  }
  return f;
}

// Where the header block ends and the body starts (after the empty line);
// npos when there is no empty line.
size_t body_start(std::string_view text) {
  size_t crlf = text.find("\r\n\r\n"), lf = text.find("\n\n");
  if (crlf != std::string_view::npos && (lf == std::string_view::npos || crlf < lf)) return crlf + 4;
  return lf == std::string_view::npos ? std::string_view::npos : lf + 2;
}

// A Content-Type's type ("multipart/report") and one parameter's value.
std::string media_type(const std::string& content_type) {
  return lower(core::trim(content_type.substr(0, content_type.find(';'))));
}
std::string parameter(const std::string& content_type, std::string_view name) {
  std::string low = lower(content_type);
  size_t at = 0;
  while ((at = low.find(std::string(name) + "=", at)) != std::string::npos) {
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(low[at - 1])) || low[at - 1] == '-')) {
      at += name.size();
      continue;
    }
    size_t v = at + name.size() + 1;
    if (v < content_type.size() && content_type[v] == '"') {
      size_t end = content_type.find('"', v + 1);
      return content_type.substr(v + 1, end == std::string::npos ? std::string::npos : end - v - 1);
    }
    size_t end = content_type.find_first_of("; \t\r\n", v);
    return content_type.substr(v, end == std::string::npos ? std::string::npos : end - v);
  }
  return "";
}

// Bounce bodies get cut and re-wrapped by the relays they pass: whatever is
// not of the alphabet is dropped and a trailing partial quantum ignored.
std::string decode_base64(std::string_view in) {
  std::string clean;
  for (char c : in) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=') clean += c;
  }
  clean.resize(clean.size() - clean.size() % 4);
  return core::decode_base64(clean).value_or(std::string(in));
}

std::string decode_quoted_printable(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out += in[i];
    } else if (i + 2 < in.size() + 0 && std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {  // a soft line break: "=" at the end of a line
      while (i + 1 < in.size() && (in[i + 1] == '\r' || in[i + 1] == '\n')) ++i;
    }
  }
  return out;
}

// One leaf of the MIME tree: its type and its decoded body.
struct Part {
  std::string type;  // lower-cased media type
  std::string content_type;
  std::string body;
};

// Walks `entity` (headers and body) down to its leaves; message/* parts are
// leaves too (their text is what matters). Truncation is tolerated: a
// multipart whose closing boundary never comes ends where the text ends.
void walk(std::string_view entity, std::vector<Part>& out, int depth = 0) {
  size_t start = body_start(entity);
  Fields f = read_fields(entity);
  std::string_view body = start == std::string_view::npos ? std::string_view() : entity.substr(start);
  std::string content_type = f.get("content-type");
  std::string type = content_type.empty() ? "text/plain" : media_type(content_type);
  std::string boundary = parameter(content_type, "boundary");
  if (type.rfind("multipart/", 0) == 0 && !boundary.empty() && depth < 8) {
    const std::string delimiter = "--" + boundary;
    size_t at = body.find(delimiter);
    while (at != std::string_view::npos) {
      size_t line_end = body.find('\n', at);
      if (body.substr(at + delimiter.size(), 2) == "--" || line_end == std::string_view::npos) break;  // the close
      size_t next = body.find("\n" + delimiter, line_end);
      std::string_view part = body.substr(line_end + 1, next == std::string_view::npos ? std::string_view::npos : next - line_end - 1);
      walk(part, out, depth + 1);
      at = next == std::string_view::npos ? next : next + 1;
    }
    return;
  }
  std::string encoding = lower(f.get("content-transfer-encoding"));
  std::string decoded = encoding == "base64"             ? decode_base64(body)
                        : encoding == "quoted-printable" ? decode_quoted_printable(body)
                                                         : std::string(body);
  out.push_back({type, content_type, std::move(decoded)});
}

// RFC 6533's utf-8-addr-xtext: "\x{FC}" stands for U+00FC.
std::string unescape_utf8_xtext(const std::string& a) {
  std::string out;
  for (size_t i = 0; i < a.size(); ++i) {
    size_t close = a.compare(i, 3, "\\x{") == 0 ? a.find('}', i) : std::string::npos;
    unsigned long cp = 0;
    if (close != std::string::npos && close - i - 3 >= 1 && close - i - 3 <= 6 &&
        a.find_first_not_of("0123456789abcdefABCDEF", i + 3) == close && (cp = std::stoul(a.substr(i + 3, close - i - 3), nullptr, 16)) <= 0x10FFFF) {
      core::append_utf8(out, static_cast<uint32_t>(cp));
      i = close;
    } else {
      out += a[i];
    }
  }
  return out;
}

// "rfc822; ada@example.net" -> "ada@example.net" (also "utf-8; ...", RFC 6533).
std::string typed_address(const std::string& value) {
  size_t semi = value.find(';');
  std::string type = semi == std::string::npos ? "" : lower(core::trim(value.substr(0, semi)));
  std::string a(core::trim(semi == std::string::npos ? value : value.substr(semi + 1)));
  if (!a.empty() && a.front() == '<' && a.back() == '>') a = a.substr(1, a.size() - 2);
  return type == "utf-8" ? unescape_utf8_xtext(a) : a;
}

// The first "d.d.d" status in a text, or "".
std::string first_status(std::string_view text, char klass) {
  for (size_t i = 0; i + 5 <= text.size(); ++i) {
    if (text[i] != klass || text[i + 1] != '.' || (i > 0 && (std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '.'))) continue;
    size_t j = i + 2, a = j;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
    if (j == a || j - a > 3 || j >= text.size() || text[j] != '.') continue;
    size_t b = ++j;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
    if (j == b || j - b > 3 || (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '.'))) continue;
    return std::string(text.substr(i, j - i));
  }
  return "";
}

// Our VERP address anywhere in `text`, the first that parses.
std::optional<VerpTag> find_tag(std::string_view text, std::string_view local, std::string_view domain) {
  const std::string low = lower(text);
  const std::string needle = lower(local) + "+s";
  for (size_t at = low.find(needle); at != std::string::npos; at = low.find(needle, at + 1)) {
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(low[at - 1])) || low[at - 1] == '.' || low[at - 1] == '-')) continue;
    size_t end = low.find_first_of(" \t\r\n<>;,\"'()[]", at);
    std::string_view candidate = text.substr(at, end == std::string::npos ? std::string_view::npos : end - at);
    std::string address(candidate);
    // parse_verp matches the local part as written; ours is always lower-case.
    std::string user = lower(address.substr(0, address.rfind('@')));
    std::string rest = address.rfind('@') == std::string::npos ? "" : address.substr(address.rfind('@'));
    if (auto tag = parse_verp(user + rest, lower(local), domain)) return tag;
  }
  return std::nullopt;
}

// A delivery-status body: per-message fields, then a block per recipient.
BounceReading read_delivery_status(const std::string& body) {
  BounceReading r;
  std::vector<Fields> blocks;
  std::string_view rest(body);
  while (!rest.empty()) {
    size_t skip = 0;
    while (skip < rest.size() && (rest[skip] == '\r' || rest[skip] == '\n')) ++skip;
    rest.remove_prefix(skip);
    if (rest.empty()) break;
    size_t end = body_start(rest);
    blocks.push_back(read_fields(rest.substr(0, end)));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end);
  }
  bool any_action = false;
  const Fields* chosen = nullptr;
  int chosen_rank = 0;  // failed 5xx > failed 4xx / delayed > success
  for (size_t i = 1; i < blocks.size(); ++i) {
    std::string action = lower(blocks[i].get("action"));
    if (action.empty()) continue;
    any_action = true;
    std::string status = blocks[i].get("status");
    int rank = action == "failed" ? (status.rfind("4", 0) == 0 ? 2 : 3) : action == "delayed" ? 2 : 1;
    if (rank > chosen_rank) {
      chosen_rank = rank;
      chosen = &blocks[i];
    }
  }
  if (!any_action || chosen == nullptr) {
    r.kind = Kind::kUnparsable;
    r.detail = "the delivery-status report has no recipient with an Action";
    return r;
  }
  r.recipient = typed_address(chosen->get("final-recipient"));
  if (r.recipient.empty()) r.recipient = typed_address(chosen->get("original-recipient"));
  std::string status(core::trim(chosen->get("status")));
  r.status = status.substr(0, status.find_first_of(" \t("));
  r.detail = chosen->get("diagnostic-code");
  if (!r.detail.empty()) r.detail = typed_address(r.detail);  // "smtp; 550 ..." -> "550 ..."
  r.kind = chosen_rank == 3 ? Kind::kHard : chosen_rank == 2 ? Kind::kSoft : Kind::kIgnore;
  if (r.kind == Kind::kIgnore) r.detail = "a success notice (Action: " + lower(chosen->get("action")) + ")";
  return r;
}

bool auto_reply(const Fields& f) {
  std::string submitted = lower(f.get("auto-submitted"));
  std::string subject = lower(f.get("subject"));
  return submitted.rfind("auto-replied", 0) == 0 || !f.get("x-autoreply").empty() || !f.get("x-autorespond").empty() ||
         subject.find("out of office") != std::string::npos || subject.find("automatic reply") != std::string::npos;
}

// A bounce without a report (qmail and the like): a failure notice whose text
// quotes the remote server's reply.
BounceReading read_plain_bounce(const Fields& f, const std::vector<Part>& parts) {
  BounceReading r;
  std::string text;
  for (const auto& p : parts) {
    if (p.type == "text/plain") text += p.body + "\n";
  }
  const std::string subject = lower(f.get("subject"));
  const std::string low = lower(text);
  bool failure_notice = subject.find("failure") != std::string::npos || subject.find("undeliver") != std::string::npos ||
                        subject.find("returned") != std::string::npos || subject.find("delivery status") != std::string::npos ||
                        low.find("could not be delivered") != std::string::npos ||
                        low.find("permanent error") != std::string::npos || low.find("qmail-send") != std::string::npos ||
                        lower(f.get("from")).find("mailer-daemon") != std::string::npos;
  if (!failure_notice) {
    r.detail = "neither a delivery report nor a failure notice";
    return r;
  }
  // The first SMTP reply code the text quotes decides.
  for (size_t i = 0; i + 3 <= low.size(); ++i) {
    char c = low[i];
    if ((c != '5' && c != '4') || !std::isdigit(static_cast<unsigned char>(low[i + 1])) ||
        !std::isdigit(static_cast<unsigned char>(low[i + 2]))) {
      continue;
    }
    if ((i > 0 && std::isalnum(static_cast<unsigned char>(low[i - 1]))) ||
        (i + 3 < low.size() && low[i + 3] != ' ' && low[i + 3] != '-')) {
      continue;
    }
    r.kind = c == '5' ? Kind::kHard : Kind::kSoft;
    std::string status = first_status(std::string_view(text).substr(i), c);
    r.status = status.empty() ? std::string(1, c) + ".0.0" : status;
    size_t eol = text.find('\n', i);
    r.detail = std::string(core::trim(text.substr(i, eol == std::string::npos ? std::string::npos : eol - i)));
    // The failed address: the last "<...@...>" before the reply.
    size_t close = text.rfind(">", i), open = close == std::string::npos ? std::string::npos : text.rfind('<', close);
    if (open != std::string::npos && text.substr(open, close - open).find('@') != std::string::npos) {
      r.recipient = text.substr(open + 1, close - open - 1);
    }
    return r;
  }
  r.detail = "a failure notice without an SMTP reply in it";
  return r;
}

}  // namespace

const char* to_string(BounceReading::Kind kind) {
  switch (kind) {
    case Kind::kHard: return "hard";
    case Kind::kSoft: return "soft";
    case Kind::kComplaint: return "complaint";
    case Kind::kIgnore: return "ignore";
    case Kind::kUnparsable: return "unparsable";
  }
  return "ignore";
}

BounceReading read_bounce(std::string_view raw, std::string_view local, std::string_view domain) {
  BounceReading r;
  const size_t start = body_start(raw);
  const Fields f = read_fields(raw);
  if (f.list.empty() || start == std::string_view::npos) {
    r.kind = Kind::kUnparsable;
    r.detail = "not a mail message: no header fields followed by a body";
    return r;
  }
  // Whose copy: our return path as the bounce was delivered to it, else anywhere in the message.
  for (const char* name : {"delivered-to", "x-original-to", "envelope-to", "x-envelope-to", "to"}) {
    if (!r.tag) r.tag = find_tag(f.get(name), local, domain);
  }
  if (!r.tag) r.tag = find_tag(raw, local, domain);

  std::vector<Part> parts;
  walk(raw, parts);
  const std::string content_type = f.get("content-type");
  const std::string report_type = lower(parameter(content_type, "report-type"));
  BounceReading found;
  if (media_type(content_type) == "multipart/report" && report_type == "feedback-report") {
    found.kind = Kind::kIgnore;
    found.detail = "a feedback report without a feedback-report part";
    for (const auto& p : parts) {
      if (p.type != "message/feedback-report") continue;
      Fields report = read_fields(p.body);
      std::string type = lower(report.get("feedback-type"));
      found.kind = type == "abuse" || type == "fraud" || type == "virus" ? Kind::kComplaint : Kind::kIgnore;
      found.detail = "feedback report: " + (type.empty() ? std::string("no Feedback-Type") : type);
      found.recipient = typed_address(report.get("original-rcpt-to"));
      break;
    }
  } else if (media_type(content_type) == "multipart/report") {
    const Part* status = nullptr;
    for (const auto& p : parts) {
      if (p.type == "message/delivery-status" || p.type == "message/global-delivery-status") status = status ? status : &p;
    }
    if (status == nullptr) {
      found.kind = Kind::kUnparsable;
      found.detail = "a delivery report without its message/delivery-status part";
    } else {
      found = read_delivery_status(status->body);
    }
  } else if (auto_reply(f) && lower(f.get("from")).find("mailer-daemon") == std::string::npos &&
             lower(f.get("from")).find("postmaster") == std::string::npos) {
    // Bounces carry Auto-Submitted too; only one not from the mail system is a reader's auto-reply.
    found.kind = Kind::kIgnore;
    found.detail = "an auto-reply";
  } else {
    found = read_plain_bounce(f, parts);
  }
  found.tag = r.tag;
  if (!found.tag && (found.kind == Kind::kHard || found.kind == Kind::kSoft || found.kind == Kind::kComplaint)) {
    found.kind = Kind::kIgnore;
    found.detail = "names none of our return addresses (" + found.detail + ")";
  }
  return found;
}

}  // namespace newsdesk::mail
