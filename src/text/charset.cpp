#include "text/charset.hpp"

#include <iconv.h>

#include <cerrno>
#include <uchardet/uchardet.h>

#include <cstdint>
#include <cstring>
#include <memory>

#include "core/strings.hpp"

namespace newsdesk::text {
namespace {

struct UchardetDeleter {
  void operator()(uchardet* u) const { uchardet_delete(u); }
};

std::string normalise(std::string name) {
  name = core::to_lower_ascii(core::trim(name));
  if (name == "utf8" || name == "unicode-1-1-utf-8") return "utf-8";
  if (name == "latin1" || name == "iso8859-1" || name == "us-ascii" || name == "ascii") {
    return "windows-1252";  // browsers read these as Windows-1252
  }
  if (name == "iso-8859-1") return "windows-1252";
  return name;
}

bool is_utf8_name(const std::string& name) { return name == "utf-8" || name == "utf8"; }

std::string guess(std::string_view bytes) {
  std::unique_ptr<uchardet, UchardetDeleter> ud(uchardet_new());
  if (!ud) return "windows-1252";
  std::string_view sample = bytes.substr(0, 256 * 1024);
  uchardet_handle_data(ud.get(), sample.data(), sample.size());
  uchardet_data_end(ud.get());
  std::string found = uchardet_get_charset(ud.get());
  if (found.empty() || found == "ASCII") return "windows-1252";
  // On a short sample uchardet may answer a Mac or DOS code page; the web
  // does not use them, and Windows-1252 is what such bytes nearly always are.
  std::string name = core::to_lower_ascii(found);
  if (name.rfind("mac", 0) == 0 || name.rfind("ibm", 0) == 0 || name.rfind("cp8", 0) == 0) return "windows-1252";
  return normalise(found);
}

}  // namespace

namespace {

struct Utf8Check {
  bool valid = true;
  bool multibyte = false;
};

// `cut` says that `s` is a sample cut from a longer text, so that a sequence
// broken by its end proves nothing.
Utf8Check check_utf8(std::string_view s, bool cut) {
  Utf8Check r;
  bool& multibyte = r.multibyte;
  size_t i = 0;
  while (i < s.size()) {
    // Eight ASCII bytes at a time: most text is ASCII.
    while (i + 8 <= s.size()) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if ((word & 0x8080808080808080ULL) != 0) break;
      i += 8;
    }
    if (i >= s.size()) break;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
    if (len == 0) {
      r.valid = false;
      return r;
    }
    if (i + len > s.size()) {
      r.valid = cut;
      return r;
    }
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
        r.valid = false;
        return r;
      }
    }
    multibyte = true;
    i += len;
  }
  return r;
}

}  // namespace

bool is_valid_utf8(std::string_view s, bool require_multibyte) {
  Utf8Check r = check_utf8(s, /*cut=*/false);
  return r.valid && (r.multibyte || !require_multibyte);
}

std::string declared_charset(std::string_view html) {
  std::string head = core::to_lower_ascii(html.substr(0, 4096));
  size_t pos = 0;
  while ((pos = head.find("<meta", pos)) != std::string::npos) {
    size_t end = head.find('>', pos);
    if (end == std::string::npos) break;
    std::string tag = head.substr(pos, end - pos);
    auto cs = tag.find("charset");
    if (cs != std::string::npos) {
      size_t v = cs + 7;
      while (v < tag.size() && (tag[v] == ' ' || tag[v] == '=' || tag[v] == '"' || tag[v] == '\'')) ++v;
      size_t e = v;
      while (e < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[e])) || tag[e] == '-' || tag[e] == '_' || tag[e] == ':' || tag[e] == '.')) ++e;
      if (e > v) return normalise(tag.substr(v, e - v));
    }
    pos = end;
  }
  return {};
}

std::string detect_charset(std::string_view html, std::string_view http_charset) {
  if (html.substr(0, 3) == "\xEF\xBB\xBF") return "utf-8";
  if (html.substr(0, 2) == "\xFF\xFE") return "utf-16le";
  if (html.substr(0, 2) == "\xFE\xFF") return "utf-16be";
  std::string declared = normalise(std::string(http_charset));
  if (declared.empty()) declared = declared_charset(html);
  constexpr size_t kSample = 1024 * 1024;
  Utf8Check bytes = check_utf8(html.substr(0, kSample), /*cut=*/html.size() > kSample);
  bool valid = bytes.valid;
  bool multibyte = bytes.valid && bytes.multibyte;
  // No declaration, or declared UTF-8: trust valid UTF-8, detect otherwise.
  if (declared.empty() || is_utf8_name(declared)) return valid ? "utf-8" : guess(html);
  // Declared something else: non-ASCII bytes that form valid UTF-8 are UTF-8.
  if (multibyte) return "utf-8";
  return declared;
}

std::optional<std::string> to_utf8(std::string_view bytes, const std::string& encoding) {
  iconv_t cd = iconv_open("UTF-8", encoding.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  bool windows_1252 = core::to_lower_ascii(encoding) == "windows-1252";
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write there
  size_t in_left = bytes.size();
  size_t done = 0;
  bool ok = true;
  while (in_left > 0) {
    char* dst = out.data() + done;
    size_t out_left = out.size() - done;
    size_t r = iconv(cd, &in, &in_left, &dst, &out_left);
    done = out.size() - out_left;
    if (r != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    unsigned char hole = in_left > 0 ? static_cast<unsigned char>(*in) : 0;
    if (errno == EILSEQ && windows_1252 && (hole == 0x81 || hole == 0x8D || hole == 0x8F || hole == 0x90 || hole == 0x9D)) {
      // Bytes Windows-1252 leaves undefined are their C1 code points (WHATWG).
      if (out.size() - done < 2) out.resize(out.size() * 2);
      out[done++] = static_cast<char>(0xC2);
      out[done++] = static_cast<char>(hole);
      ++in;
      --in_left;
      continue;
    }
    ok = false;  // EILSEQ / EINVAL: not valid in that encoding
    break;
  }
  iconv_close(cd);
  if (!ok) return std::nullopt;
  out.resize(done);
  return out;
}

}  // namespace newsdesk::text
