// JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1). Internal to feed/.
#pragma once

#include <string_view>

#include "feed/feed.hpp"

namespace newsdesk::feed {

core::Result<Feed> parse_json_feed(std::string_view body, std::string_view base_url);

}  // namespace newsdesk::feed
