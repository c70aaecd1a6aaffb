// The pre-send check of the mail setup (`newsdesk doctor`, and `send` before
// an edition's first copy): what the large mailbox providers require of bulk
// senders (Gmail's and Yahoo's rules of February 2024):
//
//   dkim         the key newsdesk signs with is the one DNS publishes at
//                SELECTOR._domainkey.DOMAIN (RFC 6376 §3.6.1);
//   spf          the return path's domain authorises every relay's address
//                (RFC 7208, with its limit of 10 DNS-querying terms);
//   dmarc        a DMARC record for the From domain, or else its
//                organisational domain (RFC 7489 §6.6.3);
//   alignment    DKIM's d= is the From domain's organisational domain
//                (relaxed) or the From domain itself (adkim=s);
//   unsubscribe  one-click unsubscribe (RFC 8058: an https List-Unsubscribe
//                and List-Unsubscribe-Post, both under the DKIM signature);
//   postal address  the sender's postal address in both parts of a copy;
//   complaints   complaints per delivered copy of the last editions under
//                0.3% (Gmail: keep it under 0.1%, never reach 0.3%).
//
// Each check gives one Finding: OK, WARN (the check could not be made, or a
// risk that does not stop the mail) or FAIL, why, and the DNS records or
// settings that would mend it. Pure: DNS answers come from the DnsLookup it
// is given (app/doctor asks the resolver of web/mail_domain; the tests
// answer from a table), so each rule is testable on its own.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "mail/dkim.hpp"

namespace newsdesk::mail {

// ---- DNS, as the checks see it.

enum class DnsType { kA, kAaaa, kMx, kTxt };
struct DnsAnswer {
  enum class Status { kRecords, kNoData, kNoDomain, kTrouble };
  Status status = Status::kNoDomain;
  // A/AAAA: addresses as text; MX: exchanges, best first ("." for a null MX);
  // TXT: each record's strings joined.
  std::vector<std::string> records;
};
using DnsLookup = std::function<DnsAnswer(const std::string& name, DnsType type)>;

// ---- SPF (RFC 7208).

enum class SpfResult { kNone, kNeutral, kPass, kFail, kSoftFail, kTempError, kPermError };
const char* to_string(SpfResult result);  // "none", "neutral", "pass", "fail", "softfail", "temperror", "permerror"

struct SpfMechanism {
  char qualifier = '+';     // + - ~ ?
  std::string name;         // all, include, a, mx, ptr, ip4, ip6, exists (lower case)
  std::string domain_spec;  // as written, macros unexpanded; "" when absent
  std::string network;      // ip4/ip6: the address
  int cidr4 = 32, cidr6 = 128;
  std::string text;         // the term as written
};
struct SpfRecord {
  std::vector<SpfMechanism> mechanisms;
  std::string redirect;  // the redirect= modifier's domain-spec; "" when absent
};
// A record that starts with "v=spf1". kInvalidInput (a permerror) naming the
// term that is wrong: an unknown mechanism, a bad address or prefix length,
// a modifier given twice, a macro that does not parse.
core::Result<SpfRecord> parse_spf(std::string_view record);
// Whether TXT record `text` is an SPF record ("v=spf1" alone or followed by a space).
bool is_spf_record(std::string_view text);

struct SpfCheck {
  SpfResult result = SpfResult::kNone;
  std::string reason;  // the term that decided (with the domain whose record holds it), or what was wrong
  int lookups = 0;     // DNS-querying terms evaluated (include, a, mx, ptr, exists, redirect)
};
// check_host() (RFC 7208 §4): may `ip` send mail whose envelope sender is
// `sender`, for `domain`? Evaluates ip4, ip6, a, mx, include, exists, all
// and redirect=, with macros; ptr is counted but never matches (§5.5 says do
// not use it). More than 10 DNS-querying terms, an MX of more than 10 hosts
// or more than 2 void lookups is a permerror; DNS trouble a temperror.
SpfCheck check_host(const std::string& ip, const std::string& domain, const std::string& sender, const DnsLookup& dns);

// ---- DKIM key records (RFC 6376 §3.6.1).

struct DkimRecord {
  std::string key_type = "rsa";       // k=
  std::string public_key;             // p=, white space removed; "" = revoked
  std::vector<std::string> hashes;    // h=; empty = any
  std::vector<std::string> services;  // s=; empty = "*"
  std::vector<std::string> flags;     // t= ("y" testing, "s" strict)
};
// kInvalidInput naming what is wrong: a v= that is not DKIM1 or not first, no p=, a tag given twice.
core::Result<DkimRecord> parse_dkim_record(std::string_view record);

// ---- DMARC (RFC 7489).

struct DmarcRecord {
  std::string policy;            // p=: none, quarantine, reject
  std::string subdomain_policy;  // sp=; "" = p's
  bool strict_dkim = false;      // adkim=s
  bool strict_spf = false;       // aspf=s
  int pct = 100;
  std::vector<std::string> rua;
  bool policy_implied = false;   // no valid p= but a rua=: read as p=none (§6.6.3)
};
core::Result<DmarcRecord> parse_dmarc(std::string_view record);
bool is_dmarc_record(std::string_view text);

struct DmarcLookup {
  std::optional<DmarcRecord> record;
  std::string name;     // where it was found, or the last name asked
  std::string problem;  // why there is none to use: several records, one that does not parse, DNS trouble
  bool trouble = false;  // the DNS could not say
  std::vector<std::string> asked;  // the names asked, in order
};
// _dmarc.FROM, and when that has no DMARC record, _dmarc.ORGANISATIONAL-DOMAIN.
DmarcLookup find_dmarc(const std::string& from_domain, const DnsLookup& dns);

// The organisational domain (the Public Suffix List's registrable domain).
std::string organizational_domain(const std::string& domain);
// DMARC identifier alignment: the same name (strict), or the same
// organisational domain (relaxed). Case-blind.
bool aligned(const std::string& a, const std::string& b, bool strict);
// Loopback, private (RFC 1918, fc00::/7), link-local, CGNAT or unspecified:
// not an address the Internet sees mail come from.
bool is_private_address(const std::string& ip);

// ---- The findings.

enum class Verdict { kOk, kWarn, kFail };
const char* to_string(Verdict verdict);  // "OK", "WARN", "FAIL"

struct Finding {
  std::string check;  // "dkim", "spf", "dmarc", "alignment", "unsubscribe", "postal address", "complaints"
  Verdict verdict = Verdict::kOk;
  std::string reason;
  std::vector<std::string> fixes;  // DNS records as zone-file lines, or settings, that would mend it
};

struct Relay {
  std::string name;
  std::string host;  // a name or an address
};
struct MailSetup {
  std::string from_domain;      // the From header's domain
  std::string envelope_domain;  // the return path's (VERP: the From domain), SPF's domain
  std::string envelope_local;   // the return path's local part ([mail] bounce_local)
  std::optional<DkimPublicKey> dkim_key;  // nullopt: no [mail] dkim_key_file
  std::string dkim_key_file;              // for messages
  std::string dkim_domain, dkim_selector;
  std::vector<Relay> relays;
};

Finding check_dkim(const MailSetup& setup, const DnsLookup& dns);
Finding check_spf(const MailSetup& setup, const DnsLookup& dns);
Finding check_dmarc(const MailSetup& setup, const DmarcLookup& dmarc);
Finding check_alignment(const MailSetup& setup, const DmarcLookup& dmarc);
// dkim, spf, dmarc and alignment, in that order.
std::vector<Finding> check_mail_dns(const MailSetup& setup, const DnsLookup& dns);

// One copy as the sender composes it (RFC 5322, CRLF): "unsubscribe" and
// "postal address", in that order.
std::vector<Finding> check_copy(std::string_view message, const std::string& postal_address);

struct ComplaintCounts {
  size_t editions = 0;    // the editions counted
  size_t delivered = 0;   // their copies the relays took (sent)
  size_t complaints = 0;  // complaint reports (ARF) about those copies
};
Finding check_complaints(const ComplaintCounts& counts);

// One line per finding: "FAIL  spf: why", each fix below it as "      fix: ...".
std::string format_findings(const std::vector<Finding>& findings);
// The checks that failed, by name, comma-separated ("" when none).
std::string failed_checks(const std::vector<Finding>& findings);

// A TXT record's value as zone-file strings: quoted, in pieces of at most 255 octets.
std::string quoted_txt(std::string_view value);

}  // namespace newsdesk::mail
