#include "fetch/robots.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "core/strings.hpp"

namespace newsdesk::fetch {
namespace {

constexpr size_t kMaxRobotsBytes = 500 * 1024;  // RFC 9309 §2.5: at least 500 KiB must be parsed

// "*" matches any run of characters, a final "$" anchors at the end.
bool matches(std::string_view pattern, std::string_view path) {
  bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  // Iterative wildcard match with backtracking to the last star.
  size_t p = 0, s = 0, star = std::string_view::npos, mark = 0;
  while (s < path.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (p == pattern.size() && !anchored) {
      return true;  // a prefix match is enough without "$"
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool agent_matches(std::string_view line_agent, std::string_view agent) {
  std::string a = core::to_lower_ascii(core::trim(line_agent));
  // "Googlebot/2.1" names the product token before the slash.
  a = a.substr(0, a.find_first_of("/ "));
  return !a.empty() && a == core::to_lower_ascii(agent);
}

}  // namespace

std::string product_token(std::string_view user_agent) {
  auto t = core::trim(user_agent);
  size_t end = 0;
  while (end < t.size() && (std::isalnum(static_cast<unsigned char>(t[end])) || t[end] == '-' || t[end] == '_')) ++end;
  return std::string(t.substr(0, end));
}

RobotsRules parse_robots(std::string_view body, std::string_view agent) {
  body = body.substr(0, kMaxRobotsBytes);
  struct Group {
    std::vector<std::string> agents;
    std::vector<RobotsRule> rules;
    std::optional<double> delay;
  };
  std::vector<Group> groups;
  bool in_agents = false;  // consecutive user-agent lines open one group
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find_first_of("\r\n", start);
    std::string_view line = body.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    start = end == std::string_view::npos ? body.size() + 1 : end + 1;
    line = line.substr(0, line.find('#'));
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string key = core::to_lower_ascii(core::trim(line.substr(0, colon)));
    std::string value(core::trim(line.substr(colon + 1)));
    if (key == "user-agent") {
      if (!in_agents) groups.emplace_back();
      groups.back().agents.push_back(value);
      in_agents = true;
      continue;
    }
    if (groups.empty()) continue;  // rules before any user-agent line belong to no group
    if (key == "allow" || key == "disallow") {
      in_agents = false;
      // An empty disallow allows everything; an empty allow says nothing.
      if (!value.empty()) groups.back().rules.push_back({key == "allow", value});
    } else if (key == "crawl-delay") {
      in_agents = false;
      char* end_number = nullptr;
      double d = std::strtod(value.c_str(), &end_number);
      if (end_number != value.c_str() && d >= 0) groups.back().delay = d;
    } else {
      in_agents = false;  // sitemap and unknown lines end the agent list too
    }
  }
  auto collect = [&](auto&& wanted) {
    RobotsRules out;
    bool found = false;
    for (const auto& g : groups) {
      if (!std::any_of(g.agents.begin(), g.agents.end(), wanted)) continue;
      found = true;
      out.rules.insert(out.rules.end(), g.rules.begin(), g.rules.end());
      if (g.delay) out.crawl_delay_seconds = std::max(out.crawl_delay_seconds.value_or(0.0), *g.delay);
    }
    out.verdict = RobotsRules::Verdict::kRules;
    return found ? std::optional<RobotsRules>(std::move(out)) : std::nullopt;
  };
  if (auto own = collect([&](const std::string& a) { return agent_matches(a, agent); })) return *own;
  if (auto any = collect([](const std::string& a) { return core::trim(a) == "*"; })) return *any;
  return RobotsRules::allow_all();
}

RobotsRules robots_for_status(long status, std::string_view body, std::string_view agent) {
  if (status >= 200 && status < 300) return parse_robots(body, agent);
  if (status >= 400 && status < 500) return RobotsRules::allow_all();
  return RobotsRules::disallow_all();
}

bool robots_allow(const RobotsRules& rules, std::string_view path) {
  if (path.empty()) path = "/";
  if (path == "/robots.txt") return true;
  switch (rules.verdict) {
    case RobotsRules::Verdict::kAllowAll: return true;
    case RobotsRules::Verdict::kDisallowAll: return false;
    case RobotsRules::Verdict::kRules: break;
  }
  const RobotsRule* best = nullptr;
  for (const auto& r : rules.rules) {
    if (!matches(r.pattern, path)) continue;
    if (best == nullptr || r.pattern.size() > best->pattern.size() ||
        (r.pattern.size() == best->pattern.size() && r.allow && !best->allow)) {
      best = &r;
    }
  }
  return best == nullptr || best->allow;
}

}  // namespace newsdesk::fetch
