// Titles are plain text, but feeds put HTML in them, escaped once or twice.
// Internal to the feed module.
#pragma once

#include <string>
#include <string_view>

namespace newsdesk::feed {

// Tags stripped, entities decoded (twice over, for double-escaped markup),
// whitespace collapsed. A "<" that opens no tag ("a < b") stays text.
std::string plain_title(std::string_view raw);

// The name in an author as RSS writes it: "Name (email)", "Name <email>",
// "email (Name)" and "mailto:email (Name)" give "Name"; an author that is
// only an address is that address; anything else is the whole text,
// whitespace collapsed ("Jo Ruiz (Reuters)" stays whole: no address in it).
std::string author_name(std::string_view written);

}  // namespace newsdesk::feed
