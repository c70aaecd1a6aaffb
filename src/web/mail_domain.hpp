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

namespace newsdesk::web {

enum class MailDomain { kReceives, kNoMail, kUnknown };

struct DnsOptions {
  std::string server;  // "IPv4" or "IPv4:PORT"; "" for the system's resolvers (/etc/resolv.conf)
  std::chrono::seconds timeout{2};
};

MailDomain mail_domain(std::string_view domain, const DnsOptions& options);

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
