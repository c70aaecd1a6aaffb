// Base64 (RFC 4648, standard alphabet) decoding for content that arrives
// encoded: MIME parts, Atom content of a binary type or mode="base64".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace newsdesk::core {

// The decoded bytes. White space anywhere in `in` is skipped (encoders wrap
// lines); nullopt when anything else is not of the alphabet, or the length
// or padding is wrong.
std::optional<std::string> decode_base64(std::string_view in);

}  // namespace newsdesk::core
