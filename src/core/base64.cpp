#include "core/base64.hpp"

#include <openssl/evp.h>

namespace newsdesk::core {

std::optional<std::string> decode_base64(std::string_view in) {
  std::string clean;
  clean.reserve(in.size());
  for (char c : in) {
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (space) continue;
    bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
    if (!alphabet) return std::nullopt;
    clean += c;
  }
  if (clean.size() % 4 != 0) return std::nullopt;
  size_t pad = 0;
  while (pad < clean.size() && pad < 2 && clean[clean.size() - 1 - pad] == '=') ++pad;
  // '=' only as the padding at the very end.
  if (clean.find('=') < clean.size() - pad) return std::nullopt;
  std::string out(clean.size() / 4 * 3, '\0');
  if (clean.empty()) return out;
  // EVP_DecodeBlock (OpenSSL) decodes whole quanta, the padding as zero bytes.
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0 || static_cast<size_t>(n) < pad) return std::nullopt;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

}  // namespace newsdesk::core
