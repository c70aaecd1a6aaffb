// Does an address's domain receive email? The optional MX check at sign-up
// (`[subscribers] check_mx`), through glibc's resolver (libresolv), each call
// with its own resolver state (thread-safe).
//
// RFC 5321 §5.1: a domain receives mail at its MX hosts, or, with no MX
// records, at its own A/AAAA address. RFC 7505: a lone MX of "." says it
// takes no mail. Resolver trouble (a timeout, SERVFAIL) is never the reader's
// fault: such a domain is `kUnknown`, and sign-up goes on.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace newsdesk::web {

enum class MailDomain { kReceives, kNoMail, kUnknown };

struct DnsOptions {
  std::string server;  // "IPv4" or "IPv4:PORT"; "" for the system's resolvers (/etc/resolv.conf)
  std::chrono::seconds timeout{2};
};

MailDomain mail_domain(std::string_view domain, const DnsOptions& options);

// One query of any of the types the pre-send check of the mail setup asks
// (`newsdesk doctor`: SPF, DKIM and DMARC records, the relays' addresses),
// through the same resolver. NXDOMAIN and "no records of this type" are told
// apart from trouble (a timeout, SERVFAIL, REFUSED, an unreadable answer).
enum class DnsType { kA, kAaaa, kMx, kTxt };
struct DnsRecords {
  enum class Status { kRecords, kNoData, kNoDomain, kTrouble };
  Status status = Status::kTrouble;
  // A/AAAA: each address as text ("192.0.2.1", "2001:db8::1"); MX: each
  // exchange, best preference first ("." for RFC 7505's null MX); TXT: each
  // record with its character-strings joined (RFC 7208 §3.3, RFC 6376 §3.6.2.2).
  std::vector<std::string> records;
};
DnsRecords dns_lookup(std::string_view name, DnsType type, const DnsOptions& options);

// mail_domain with answers kept 10 minutes (at most 10,000 domains), so a
// burst of sign-ups from one provider asks once.
class MailDomainCheck {
 public:
  explicit MailDomainCheck(DnsOptions options) : options_(std::move(options)) {}
  MailDomain operator()(std::string_view domain);

 private:
  DnsOptions options_;
  std::mutex mutex_;
  std::map<std::string, std::pair<MailDomain, std::chrono::steady_clock::time_point>, std::less<>> known_;
};

}  // namespace newsdesk::web
