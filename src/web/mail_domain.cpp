#include "web/mail_domain.hpp"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace newsdesk::web {

namespace {

enum class Answer { kRecords, kNoData, kNoDomain, kTrouble };

// One query of `type` for `name`; the records' RDATA in `out`: (preference,
// exchange) for MX, the address as text for A and AAAA, the joined strings
// for TXT.
struct Record {
  int preference = 0;
  std::string exchange;  // MX; the record's text for the other types
};

Answer query(res_state state, const std::string& name, int type, std::vector<Record>& out) {
  std::vector<unsigned char> answer(65536);  // TXT answers may come over TCP, larger than 512 octets
  const int n = res_nquery(state, name.c_str(), ns_c_in, type, answer.data(), static_cast<int>(answer.size()));
  if (n < 0) {
    switch (state->res_h_errno) {
      case HOST_NOT_FOUND: return Answer::kNoDomain;
      case NO_DATA: return Answer::kNoData;
      default: return Answer::kTrouble;  // TRY_AGAIN (SERVFAIL, timeout), NO_RECOVERY (REFUSED, FORMERR)
    }
  }
  ns_msg msg;
  if (ns_initparse(answer.data(), std::min(n, static_cast<int>(answer.size())), &msg) < 0) return Answer::kTrouble;
  for (int i = 0; i < ns_msg_count(msg, ns_s_an); ++i) {
    ns_rr rr;
    if (ns_parserr(&msg, ns_s_an, i, &rr) < 0) return Answer::kTrouble;
    if (ns_rr_type(rr) != type) continue;  // a CNAME on the way
    Record record;
    const unsigned char* rdata = ns_rr_rdata(rr);
    const size_t rdlen = ns_rr_rdlen(rr);
    if (type == ns_t_mx) {
      if (rdlen < 3) return Answer::kTrouble;
      record.preference = ns_get16(rdata);
      char host[NS_MAXDNAME];
      if (dn_expand(ns_msg_base(msg), ns_msg_end(msg), rdata + 2, host, sizeof host) < 0) return Answer::kTrouble;
      record.exchange = host;
    } else if (type == ns_t_a || type == ns_t_aaaa) {
      const size_t size = type == ns_t_a ? 4 : 16;
      char text[INET6_ADDRSTRLEN];
      if (rdlen != size || inet_ntop(type == ns_t_a ? AF_INET : AF_INET6, rdata, text, sizeof text) == nullptr) {
        return Answer::kTrouble;
      }
      record.exchange = text;
    } else if (type == ns_t_txt) {
      for (size_t at = 0; at < rdlen;) {  // <length><octets>, repeated
        const size_t length = rdata[at];
        if (at + 1 + length > rdlen) return Answer::kTrouble;
        record.exchange.append(reinterpret_cast<const char*>(rdata) + at + 1, length);
        at += 1 + length;
      }
    }
    out.push_back(std::move(record));
  }
  return out.empty() ? Answer::kNoData : Answer::kRecords;
}

bool point_at(res_state state, const DnsOptions& options) {
  if (options.server.empty()) return true;
  std::string host = options.server;
  int port = 53;
  if (const size_t colon = host.rfind(':'); colon != std::string::npos) {
    port = std::atoi(host.c_str() + colon + 1);
    host.resize(colon);
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (port <= 0 || port > 65535 || inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) return false;
  state->nsaddr_list[0] = address;
  state->nscount = 1;
  return true;
}

}  // namespace

MailDomain mail_domain(std::string_view domain_view, const DnsOptions& options) {
  std::string domain(domain_view);
  if (domain.empty() || domain.size() > 253) return MailDomain::kNoMail;
  if (domain.back() != '.') domain += '.';  // absolute: never the search list
  struct __res_state state;
  std::memset(&state, 0, sizeof state);
  if (res_ninit(&state) != 0) return MailDomain::kUnknown;
  MailDomain verdict = MailDomain::kUnknown;
  if (point_at(&state, options)) {
    state.retrans = static_cast<int>(std::max<std::chrono::seconds::rep>(1, options.timeout.count()));
    state.retry = 1;
    std::vector<Record> mx;
    switch (query(&state, domain, ns_t_mx, mx)) {
      case Answer::kRecords: {
        verdict = MailDomain::kNoMail;  // unless one exchange is a host: a lone "." is RFC 7505's null MX
        for (const auto& r : mx) {
          if (!r.exchange.empty() && r.exchange != ".") verdict = MailDomain::kReceives;
        }
        break;
      }
      case Answer::kNoDomain: verdict = MailDomain::kNoMail; break;
      case Answer::kTrouble: verdict = MailDomain::kUnknown; break;
      case Answer::kNoData: {  // no MX: the domain's own address is its implicit MX
        std::vector<Record> a, aaaa;
        const Answer four = query(&state, domain, ns_t_a, a);
        const Answer six = four == Answer::kRecords ? four : query(&state, domain, ns_t_aaaa, aaaa);
        if (four == Answer::kRecords || six == Answer::kRecords) verdict = MailDomain::kReceives;
        else if (four == Answer::kTrouble || six == Answer::kTrouble) verdict = MailDomain::kUnknown;
        else verdict = MailDomain::kNoMail;
        break;
      }
    }
  }
  res_nclose(&state);
  return verdict;
}

DnsRecords dns_lookup(std::string_view name_view, DnsType type, const DnsOptions& options) {
  DnsRecords out;
  std::string name(name_view);
  if (name.empty() || name.size() > 253) {
    out.status = DnsRecords::Status::kNoDomain;
    return out;
  }
  if (name.back() != '.') name += '.';  // absolute: never the search list
  struct __res_state state;
  std::memset(&state, 0, sizeof state);
  if (res_ninit(&state) != 0) return out;
  if (point_at(&state, options)) {
    state.retrans = static_cast<int>(std::max<std::chrono::seconds::rep>(1, options.timeout.count()));
    state.retry = 1;
    const int wire = type == DnsType::kA ? ns_t_a : type == DnsType::kAaaa ? ns_t_aaaa : type == DnsType::kMx ? ns_t_mx : ns_t_txt;
    std::vector<Record> records;
    switch (query(&state, name, wire, records)) {
      case Answer::kRecords: out.status = DnsRecords::Status::kRecords; break;
      case Answer::kNoData: out.status = DnsRecords::Status::kNoData; break;
      case Answer::kNoDomain: out.status = DnsRecords::Status::kNoDomain; break;
      case Answer::kTrouble: out.status = DnsRecords::Status::kTrouble; break;
    }
    if (out.status == DnsRecords::Status::kTrouble) records.clear();
    std::stable_sort(records.begin(), records.end(), [](const Record& a, const Record& b) { return a.preference < b.preference; });
    for (auto& r : records) {
      // An exchange of the root comes back as "": RFC 7505's null MX, said as ".".
      out.records.push_back(type == DnsType::kMx && r.exchange.empty() ? std::string(".") : std::move(r.exchange));
    }
  }
  res_nclose(&state);
  return out;
}

MailDomain MailDomainCheck::operator()(std::string_view domain) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto it = known_.find(domain);
    if (it != known_.end() && it->second.second > now) return it->second.first;
  }
  const MailDomain verdict = mail_domain(domain, options_);
  if (verdict != MailDomain::kUnknown) {  // trouble is asked again next time
    std::lock_guard lock(mutex_);
    if (known_.size() >= 10000) known_.clear();
    known_[std::string(domain)] = {verdict, now + std::chrono::minutes(10)};
  }
  return verdict;
}

}  // namespace newsdesk::web
