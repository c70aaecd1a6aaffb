// Getting feed bytes into a well-formed UTF-8 document, whatever the feed
// did: the encoding decided before parsing, bare ampersands read as text,
// and, for documents the fast parser refuses (broken XML, other encodings),
// libxml2's recover mode with its errors kept as warnings. Never touches the
// network, never loads a DTD; expands only the internal entities a document
// declares, within bounds (no XXE, no bombs).
// Internal to the feed module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace newsdesk::feed::xml {

// The encoding to decode `body` with ("" = UTF-8 as it stands, or a BOM
// says): a declaration is trusted unless it says UTF-8 and the bytes are not; an
// undeclared document uses the HTTP charset, else UTF-8 when the bytes are
// valid UTF-8, else what the bytes look like.
std::string encoding_for(std::string_view body, std::string_view http_charset);

// Copies `body` into `out` with each "&" that starts no reference (outside
// CDATA and comments) written as "&amp;"; returns how many. `out` is left
// empty when there are none.
size_t escape_bare_ampersands(std::string_view body, std::string& out);

// Copies `body` into `out` with the references to the general entities its
// internal DTD subset declares (<!DOCTYPE rss [<!ENTITY id "tag:x,">]>)
// replaced by their text, outside CDATA and comments; returns how many.
// External entities (SYSTEM, PUBLIC) are never read: their references stay as
// written, with a warning. Expansion is bounded (nesting depth 8, output at
// most 1 MiB past the input); a document past the bounds (a "billion laughs")
// has none of its entities expanded, with a warning.
// `out` is left empty when nothing was replaced.
size_t expand_internal_entities(std::string_view body, std::string& out, std::vector<std::string>& warnings);

struct Recovered {
  std::string xml;                   // well-formed UTF-8 XML; "" when nothing could be read
  int errors = 0;                    // XML errors libxml2 recovered from
  std::vector<std::string> messages; // the first few, "line 12: ..." form
};

// Parses with libxml2 in recover mode (as `encoding`, "" = the document's
// own) and writes what it read back as UTF-8 XML.
Recovered recover(std::string_view body, const std::string& encoding);

}  // namespace newsdesk::feed::xml
