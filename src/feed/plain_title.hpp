// Titles are plain text, but feeds put HTML in them, escaped once or twice.
// Internal to the feed module.
#pragma once

#include <string>
#include <string_view>

namespace newsdesk::feed {

// Tags stripped, entities decoded (twice over, for double-escaped markup),
// whitespace collapsed. A "<" that opens no tag ("a < b") stays text.
std::string plain_title(std::string_view raw);

}  // namespace newsdesk::feed
