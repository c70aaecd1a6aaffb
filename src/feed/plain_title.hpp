// Titles are plain text, but feeds put HTML in them, escaped once or twice.
// Internal to the feed module.
#pragma once

#include <string>
#include <string_view>

namespace newsdesk::feed {

// The plain text of a title written as HTML: comments and the tags of HTML
// elements stripped (script and style with their contents), then character
// references decoded (again while they decode: metadata is often escaped
// twice, and HTML's tags stripped again from what they give), whitespace
// collapsed. What opens no HTML element's tag stays text: "a < b",
// "std::vector<int>", "the <blink> tag".
std::string plain_title(std::string_view raw);

// The name in an author as RSS writes it: "Name (email)", "Name <email>",
// "email (Name)" and "mailto:email (Name)" give "Name"; an author that is
// only an address is that address; anything else is the whole text,
// whitespace collapsed ("Jo Ruiz (Reuters)" stays whole: no address in it).
std::string author_name(std::string_view written);

}  // namespace newsdesk::feed
