#include "mail/dkim.hpp"

#include <bit>
#include <cstdint>
#include <cstring>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>

#include <fmt/format.h>

#include <cctype>

#include "core/base64.hpp"
#include "core/strings.hpp"

namespace newsdesk::mail {
namespace {

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

std::string base64(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<size_t>(std::max(n, 0)));
  return out;
}

std::string sha256(std::string_view data) {
  unsigned char digest[32];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), length);
}

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

// Header fields of the message as (name, value) with the value unfolded
// later by the canonicaliser; `end` is where the body starts.
struct Field {
  std::string name;
  std::string value;  // raw, with its folding
};

bool split_message(std::string_view message, std::vector<Field>& fields, std::string_view& body) {
  size_t pos = 0;
  while (pos < message.size()) {
    if (message.compare(pos, 2, "\r\n") == 0) {  // the empty line
      body = message.substr(pos + 2);
      return true;
    }
    size_t end = pos;
    // A field continues over lines that start with whitespace.
    for (;;) {
      size_t crlf = message.find("\r\n", end);
      if (crlf == std::string_view::npos) return false;
      end = crlf + 2;
      if (end >= message.size() || !is_wsp(message[end])) break;
    }
    std::string_view line = message.substr(pos, end - 2 - pos);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    fields.push_back({std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))});
    pos = end;
  }
  return false;
}

}  // namespace

const std::vector<std::string>& dkim_signed_headers() {
  static const std::vector<std::string> kHeaders = {"From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
                                                    "Content-Type", "List-Id", "List-Unsubscribe",
                                                    "List-Unsubscribe-Post", "Feedback-ID"};
  return kHeaders;
}

std::string relaxed_header(std::string_view name, std::string_view value) {
  std::string out = core::to_lower_ascii(core::trim(name));
  out += ':';
  std::string v;
  v.reserve(value.size());
  bool space = false;
  for (char c : value) {
    if (c == '\r' || c == '\n') continue;  // unfold
    if (is_wsp(c)) {
      space = true;
      continue;
    }
    if (space && !v.empty()) v += ' ';
    space = false;
    v += c;
  }
  out += v;  // leading and trailing whitespace are gone with `space`
  return out + "\r\n";
}

std::string relaxed_body(std::string_view body) {
  // One pass (RFC 6376 3.4.4): runs of WSP become one space, WSP before a
  // line break goes, every line ends in CRLF, empty lines at the end go.
  std::string out;
  out.resize(body.size() + 2);
  char* w = out.data();
  bool space = false;
  // Eight bytes at a time while there is nothing to change in them: no tab,
  // no white space followed by white space or CR (within the word or across
  // into the next byte). Our own quoted-printable bodies are mostly like that.
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  auto zero_bytes = [](std::uint64_t x) { return ~(((x & kLow7) + kLow7) | x | kLow7); };  // 0x80 where a byte is 0
  auto plain_word = [&](size_t i) {
    std::uint64_t x;
    std::memcpy(&x, body.data() + i, 8);
    const std::uint64_t tabs = zero_bytes(x ^ (kOnes * '\t'));
    const std::uint64_t wsp = zero_bytes(x ^ (kOnes * ' ')) | tabs;
    const std::uint64_t wsp_or_cr = wsp | zero_bytes(x ^ (kOnes * '\r'));
    if (tabs != 0 || (wsp & (wsp_or_cr >> 8)) != 0) return false;
    if ((wsp >> 56) != 0) {  // the last byte is a space: the next one decides
      if (i + 8 >= body.size()) return false;
      const char next = body[i + 8];
      if (is_wsp(next) || next == '\r') return false;
    }
    return true;
  };
  for (size_t i = 0; i < body.size(); ++i) {
    if (std::endian::native == std::endian::little && !space && i + 8 <= body.size() && plain_word(i)) {
      std::memcpy(w, body.data() + i, 8);
      w += 8;
      i += 7;
      continue;
    }
    const char c = body[i];
    if (c == '\r' && i + 1 < body.size() && body[i + 1] == '\n') {
      space = false;  // trailing white space is dropped
      *w++ = '\r';
      *w++ = '\n';
      ++i;
      continue;
    }
    if (is_wsp(c)) {
      space = true;
      continue;
    }
    if (space) *w++ = ' ';
    space = false;
    *w++ = c;
  }
  size_t n = static_cast<size_t>(w - out.data());
  if (n > 0 && !(n >= 2 && out[n - 2] == '\r' && out[n - 1] == '\n')) {
    out[n++] = '\r';
    out[n++] = '\n';
  }
  out.resize(n);
  // No empty lines at the end; an empty body stays empty.
  while (out.size() >= 4 && out.compare(out.size() - 4, 4, "\r\n\r\n") == 0) out.resize(out.size() - 2);
  if (out == "\r\n") out.clear();
  return out;
}

struct DkimSigner::Impl {
  Pkey key;
  DkimAlgorithm algorithm = DkimAlgorithm::kRsaSha256;
  std::string domain, selector;
};

DkimSigner::DkimSigner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DkimSigner::~DkimSigner() = default;
DkimSigner::DkimSigner(DkimSigner&&) noexcept = default;
DkimSigner& DkimSigner::operator=(DkimSigner&&) noexcept = default;

DkimAlgorithm DkimSigner::algorithm() const { return impl_->algorithm; }

core::Result<DkimSigner> DkimSigner::from_pem(std::string_view pem, std::string domain, std::string selector) {
  auto plain = [](const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '.' || c == '-' || c == '_';
    });
  };
  if (!plain(domain)) return core::fail(core::ErrorCode::kInvalidInput, fmt::format("DKIM domain \"{}\" is not a domain name", domain));
  if (!plain(selector)) return core::fail(core::ErrorCode::kInvalidInput, fmt::format("DKIM selector \"{}\" is not a selector", selector));
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return core::fail(core::ErrorCode::kInvalidInput, "the DKIM key is not a PEM private key");
  auto impl = std::make_unique<Impl>();
  int type = EVP_PKEY_get_base_id(key.get());
  if (type == EVP_PKEY_RSA) {
    if (EVP_PKEY_get_bits(key.get()) < 2048) {
      return core::fail(core::ErrorCode::kInvalidInput,
                        fmt::format("the DKIM RSA key has {} bits; receivers want at least 2048", EVP_PKEY_get_bits(key.get())));
    }
    impl->algorithm = DkimAlgorithm::kRsaSha256;
  } else if (type == EVP_PKEY_ED25519) {
    impl->algorithm = DkimAlgorithm::kEd25519Sha256;
  } else {
    return core::fail(core::ErrorCode::kInvalidInput, "the DKIM key is neither RSA nor Ed25519");
  }
  impl->key = std::move(key);
  impl->domain = std::move(domain);
  impl->selector = std::move(selector);
  return DkimSigner(std::move(impl));
}

core::Result<std::string> DkimSigner::sign(std::string_view message, core::TimePoint now) const {
  std::vector<Field> fields;
  std::string_view body;
  if (!split_message(message, fields, body)) {
    return core::fail(core::ErrorCode::kInvalidInput, "the message has no header/body separator (CRLF CRLF)");
  }
  const std::string body_hash = base64(reinterpret_cast<const unsigned char*>(sha256(relaxed_body(body)).data()), 32);
  // Signed headers, each the bottom-most instance (RFC 6376 §5.4.2).
  std::string signed_names, canonical;
  for (const auto& name : dkim_signed_headers()) {
    auto it = std::find_if(fields.rbegin(), fields.rend(), [&](const Field& f) {
      return core::to_lower_ascii(core::trim(f.name)) == core::to_lower_ascii(name);
    });
    if (it == fields.rend()) continue;
    signed_names += (signed_names.empty() ? "" : ":") + name;
    canonical += relaxed_header(it->name, it->value);
  }
  const bool rsa = impl_->algorithm == DkimAlgorithm::kRsaSha256;
  std::string value = fmt::format(" v=1; a={}; c=relaxed/relaxed; d={}; s={}; t={}; h={}; bh={}; b=",
                                  rsa ? "rsa-sha256" : "ed25519-sha256", impl_->domain, impl_->selector,
                                  now.time_since_epoch().count(), signed_names, body_hash);
  std::string header_c = relaxed_header("DKIM-Signature", value);
  canonical += header_c.substr(0, header_c.size() - 2);  // the signature's own header, without its CRLF
  // rsa-sha256: RSASSA-PKCS1-v1_5 over SHA-256 of the data; ed25519-sha256:
  // Ed25519 over the SHA-256 digest of the data (RFC 8463).
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::string to_sign = rsa ? canonical : sha256(canonical);
  if (EVP_DigestSignInit(ctx.get(), nullptr, rsa ? EVP_sha256() : nullptr, nullptr, impl_->key.get()) != 1) {
    return core::fail(core::ErrorCode::kInvalidInput, "DKIM: cannot start signing");
  }
  size_t length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(to_sign.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &length, data, to_sign.size()) != 1) {
    return core::fail(core::ErrorCode::kInvalidInput, "DKIM: cannot size the signature");
  }
  std::vector<unsigned char> signature(length);
  if (EVP_DigestSign(ctx.get(), signature.data(), &length, data, to_sign.size()) != 1) {
    return core::fail(core::ErrorCode::kInvalidInput, "DKIM: signing failed");
  }
  const std::string b = base64(signature.data(), length);
  std::string signed_message;  // built once: the message is tens of kilobytes
  signed_message.reserve(16 + value.size() + b.size() + 2 + message.size());
  signed_message.append("DKIM-Signature:").append(value).append(b).append("\r\n").append(message);
  return signed_message;
}

namespace {

// The public half of `key` as DKIM publishes it.
core::Result<DkimPublicKey> public_half(EVP_PKEY* key) {
  DkimPublicKey out;
  const int type = EVP_PKEY_get_base_id(key);
  if (type == EVP_PKEY_RSA) {
    // p= is the DER SubjectPublicKeyInfo.
    unsigned char* der = nullptr;
    int n = i2d_PUBKEY(key, &der);
    if (n <= 0) return core::fail(core::ErrorCode::kInvalidInput, "DKIM: cannot encode the public key");
    out.p = base64(der, static_cast<size_t>(n));
    OPENSSL_free(der);
    out.key_type = "rsa";
  } else if (type == EVP_PKEY_ED25519) {
    // p= is the raw 32-byte public key (RFC 8463).
    unsigned char raw[32];
    size_t raw_size = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(key, raw, &raw_size) != 1) {
      return core::fail(core::ErrorCode::kInvalidInput, "DKIM: cannot read the public key");
    }
    out.p = base64(raw, raw_size);
    out.key_type = "ed25519";
  } else {
    return core::fail(core::ErrorCode::kInvalidInput, "the DKIM key is neither RSA nor Ed25519");
  }
  return out;
}

}  // namespace

std::string DkimPublicKey::dns_txt() const { return fmt::format("v=DKIM1; k={}; p={}", key_type, p); }

core::Result<DkimPublicKey> dkim_public_key(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return core::fail(core::ErrorCode::kInvalidInput, "the DKIM key is not a PEM private key");
  return public_half(key.get());
}

bool same_dkim_key(const DkimPublicKey& key, std::string_view p) {
  const auto theirs = core::decode_base64(p);
  const auto ours = core::decode_base64(key.p);
  if (!theirs || !ours || theirs->empty()) return false;
  if (*theirs == *ours) return true;
  if (key.key_type != "rsa") return false;
  // A bare RSAPublicKey (PKCS#1) of the same modulus and exponent.
  const auto* at = reinterpret_cast<const unsigned char*>(theirs->data());
  Pkey record(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &at, static_cast<long>(theirs->size())));
  const auto* mine_at = reinterpret_cast<const unsigned char*>(ours->data());
  Pkey mine(d2i_PUBKEY(nullptr, &mine_at, static_cast<long>(ours->size())));
  return record && mine && EVP_PKEY_eq(record.get(), mine.get()) == 1;
}

core::Result<DkimKey> generate_dkim_key(DkimAlgorithm algorithm) {
  const bool rsa = algorithm == DkimAlgorithm::kRsaSha256;
  Pkey key(rsa ? EVP_RSA_gen(2048) : EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) return core::fail(core::ErrorCode::kInvalidInput, "DKIM: key generation failed");
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* pem = nullptr;
  long pem_size = BIO_get_mem_data(bio.get(), &pem);
  DkimKey out;
  out.private_pem.assign(pem, static_cast<size_t>(pem_size));
  ND_TRY_ASSIGN(public_key, public_half(key.get()));
  out.dns_txt = public_key->dns_txt();
  return out;
}

}  // namespace newsdesk::mail
