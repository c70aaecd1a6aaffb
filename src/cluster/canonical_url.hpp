// One URL per article: the form two links to the same page share.
// Pure; safe to call concurrently.
#pragma once

#include <string>
#include <string_view>

namespace newsdesk::cluster {

// Lower-case scheme and host, default port and fragment dropped, tracking
// parameters (utm_*, fbclid, gclid, mc_cid, mc_eid, ...) removed, remaining
// query parameters sorted, empty path as "/". Idempotent. A string that is not
// an http(s) URL comes back trimmed and otherwise unchanged.
std::string canonical_url(std::string_view url);

}  // namespace newsdesk::cluster
