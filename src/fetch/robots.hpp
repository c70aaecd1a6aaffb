// robots.txt as RFC 9309 defines it: groups by user agent, allow/disallow
// rules with "*" and "$", the longest match wins and allow wins a tie.
// Pure; safe to call concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace newsdesk::fetch {

struct RobotsRule {
  bool allow = false;
  std::string pattern;  // path pattern as written ("/private/*.html$")
};

// The rules that apply to one crawler: its own group(s), else the "*"
// group(s), else none (everything allowed).
struct RobotsRules {
  enum class Verdict { kRules, kAllowAll, kDisallowAll };
  Verdict verdict = Verdict::kAllowAll;
  std::vector<RobotsRule> rules;
  std::optional<double> crawl_delay_seconds;  // non-standard, honoured when given
  static RobotsRules allow_all() { return {}; }
  static RobotsRules disallow_all() { return {Verdict::kDisallowAll, {}, std::nullopt}; }
};

// Reads a robots.txt body for the crawler whose product token is `agent`
// ("newsdesk"; matched case-insensitively against User-agent lines). Lines
// it cannot read are skipped, as the RFC asks; at most 500 KiB is read.
RobotsRules parse_robots(std::string_view body, std::string_view agent);

// What a robots.txt fetch means (RFC 9309 §2.3.1): 2xx the rules, 4xx no
// rules, 5xx or unreachable: everything disallowed until it can be read.
RobotsRules robots_for_status(long status, std::string_view body, std::string_view agent);

// Whether `path` (path and query, starting with "/") may be fetched.
// "/robots.txt" itself always may.
bool robots_allow(const RobotsRules& rules, std::string_view path);

// The product token of a User-Agent string: "newsdesk/0.1 (+url)" -> "newsdesk".
std::string product_token(std::string_view user_agent);

}  // namespace newsdesk::fetch
