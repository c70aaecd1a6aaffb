// Which language a text is written in (CLD2, model compiled in).
// Pure; safe to call concurrently.
#pragma once

#include <string>
#include <string_view>

namespace newsdesk::text {

// An ISO 639-1 code ("en", "fr", "zh") when CLD2 is confident, else `hint`
// (the page's or feed's own declaration, lower-cased to its first two letters),
// else "" (unknown). Only the first 4 KB of the body are read.
std::string detect_language(std::string_view title, std::string_view body, std::string_view hint = {});

// The primary language subtag of a BCP 47 tag or ISO 639 code, lower-cased
// ("fr-CA", "FR", "fr_FR": "fr"; "fil": "fil"); "" unless it is two or three
// letters.
std::string primary_language(std::string_view tag);

// A language's name in English ("fr", "fr-CA": "French"), from ICU's locale
// data, for people to read; "" for a code ICU does not know.
std::string language_name(std::string_view code);

}  // namespace newsdesk::text
