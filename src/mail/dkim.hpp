// DKIM signatures (RFC 6376) with rsa-sha256 and ed25519-sha256 (RFC 8463),
// relaxed/relaxed canonicalisation, and the keys to make them. Pure apart
// from the key material it is given; a signer is safe to share between
// threads once made.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/types.hpp"

namespace newsdesk::mail {

enum class DkimAlgorithm { kRsaSha256, kEd25519Sha256 };

// The headers signed when the message has them: what a receiver must trust
// to show the mail and its one-click unsubscribe.
const std::vector<std::string>& dkim_signed_headers();

class DkimSigner {
 public:
  // From a PEM private key (RSA of at least 2048 bits, or Ed25519).
  // kInvalidInput naming what is wrong with the key, the domain or the selector.
  static core::Result<DkimSigner> from_pem(std::string_view pem, std::string domain, std::string selector);
  ~DkimSigner();
  DkimSigner(DkimSigner&&) noexcept;
  DkimSigner& operator=(DkimSigner&&) noexcept;

  DkimAlgorithm algorithm() const;

  // The message (RFC 5322, CRLF line ends) with a DKIM-Signature header
  // added at the top. kInvalidInput when it has no header/body separator.
  core::Result<std::string> sign(std::string_view message, core::TimePoint now) const;

 private:
  struct Impl;
  explicit DkimSigner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A fresh key: the private key as PEM, and the DNS TXT record that publishes
// its public half at SELECTOR._domainkey.DOMAIN ("v=DKIM1; k=rsa; p=...").
struct DkimKey {
  std::string private_pem;
  std::string dns_txt;
};
core::Result<DkimKey> generate_dkim_key(DkimAlgorithm algorithm);

// The public half of a key as a DKIM record publishes it (RFC 6376 §3.6.1,
// RFC 8463): k= and p=.
struct DkimPublicKey {
  std::string key_type;  // "rsa" or "ed25519"
  std::string p;         // base64: RSA's DER SubjectPublicKeyInfo, Ed25519's raw 32 octets
  std::string dns_txt() const;  // "v=DKIM1; k=rsa; p=..."
};
// From a PEM private key (RSA or Ed25519); kInvalidInput when it is neither.
core::Result<DkimPublicKey> dkim_public_key(std::string_view pem);
// Whether a record's p= (base64, white space allowed) is `key`: the same
// octets, or for RSA the same key written as a bare RSAPublicKey (PKCS#1),
// which some publish. False for anything that does not decode.
bool same_dkim_key(const DkimPublicKey& key, std::string_view p);

// The canonical forms (RFC 6376 §3.4.2 and §3.4.4), exposed for tests.
std::string relaxed_header(std::string_view name, std::string_view value);
std::string relaxed_body(std::string_view body);

}  // namespace newsdesk::mail
