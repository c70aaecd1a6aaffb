#include "text/language.hpp"

#include <cld2/public/compact_lang_det.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

#include <algorithm>
#include <string>

#include "core/strings.hpp"

// lang_script.h is internal to CLD2 but is where LanguageCode lives.
namespace CLD2 {
const char* LanguageCode(Language lang);
}

namespace newsdesk::text {
namespace {

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

std::string normalise_hint(std::string_view hint) {
  std::string out;
  for (char c : hint.substr(0, 2)) out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return out.size() == 2 && std::all_of(out.begin(), out.end(), [](char c) { return c >= 'a' && c <= 'z'; }) ? out : "";
}

}  // namespace

std::string detect_language(std::string_view title, std::string_view body, std::string_view hint) {
  std::string sample(title);
  sample += '\n';
  // 2,000 bytes (300 words or so) is ample for CLD2 and halves its share of
  // extraction time against 4,000.
  sample += body.substr(0, 2000);
  // Cut back to a whole code point so that CLD2 sees valid UTF-8.
  while (!sample.empty() && !valid_utf8(sample)) sample.pop_back();
  // CheckUTF8 also refuses what is valid UTF-8 but not "interchange valid"
  // (C1 controls, noncharacters): plain DetectLanguage read out of bounds on
  // such text (found by the extractor's fuzzer). Only the valid prefix is read.
  bool reliable = false;
  int valid_prefix = 0;
  CLD2::Language lang = CLD2::DetectLanguageCheckUTF8(sample.data(), static_cast<int>(sample.size()), true,
                                                      &reliable, &valid_prefix);
  if (valid_prefix < static_cast<int>(sample.size()) && valid_prefix > 0) {
    lang = CLD2::DetectLanguageCheckUTF8(sample.data(), valid_prefix, true, &reliable, &valid_prefix);
  }
  if (reliable && lang != CLD2::UNKNOWN_LANGUAGE) {
    std::string code = CLD2::LanguageCode(lang);
    if (code.size() >= 2) return code.substr(0, code.find('-'));
  }
  return normalise_hint(hint);
}

std::string primary_language(std::string_view tag) {
  std::string out = core::to_lower_ascii(tag.substr(0, tag.find_first_of("-_")));
  const bool letters = std::all_of(out.begin(), out.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  return letters && out.size() >= 2 && out.size() <= 3 ? out : "";
}

std::string language_name(std::string_view code) {
  const std::string language = primary_language(code);
  if (language.empty() || language == "und") return "";  // "und": BCP 47's "undetermined"
  UChar name[64];
  UErrorCode status = U_ZERO_ERROR;
  const int32_t length = uloc_getDisplayLanguage(language.c_str(), "en", name, 64, &status);
  // ICU gives the code back, and a warning, for a language it has no name for.
  if (U_FAILURE(status) || status == U_USING_DEFAULT_WARNING || length <= 0) return "";
  char utf8[256];
  int32_t written = 0;
  u_strToUTF8(utf8, sizeof utf8, &written, name, length, &status);
  if (U_FAILURE(status)) return "";
  std::string out(utf8, static_cast<size_t>(written));
  return out == language ? "" : out;
}

}  // namespace newsdesk::text
