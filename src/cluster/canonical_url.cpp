#include "cluster/canonical_url.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "core/strings.hpp"
#include "core/url.hpp"

namespace newsdesk::cluster {
namespace {

bool is_tracking_parameter(std::string_view name) {
  static constexpr std::array<std::string_view, 16> kExact = {
      "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_ga", "_gl",
      "ocid", "cmpid", "smid", "sr_share", "ref_src", "ito"};
  if (name.rfind("utm_", 0) == 0) return true;
  return std::find(kExact.begin(), kExact.end(), name) != kExact.end();
}

}  // namespace

std::string canonical_url(std::string_view url) {
  auto parts = core::parse_http_url(url);
  if (!parts) return std::string(core::trim(url));
  std::vector<std::string> kept;
  for (auto& param : core::split(parts->query, '&')) {
    if (param.empty()) continue;
    std::string name = core::to_lower_ascii(param.substr(0, param.find('=')));
    if (!is_tracking_parameter(name)) kept.push_back(param);
  }
  std::sort(kept.begin(), kept.end());
  std::string out = parts->scheme + "://";
  out += parts->host.find(':') != std::string::npos ? "[" + parts->host + "]" : parts->host;
  if (!parts->port.empty()) out += ":" + parts->port;
  out += parts->path;
  for (size_t i = 0; i < kept.size(); ++i) out += (i == 0 ? "?" : "&") + kept[i];
  return out;
}

}  // namespace newsdesk::cluster
