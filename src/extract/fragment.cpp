#include "extract/fragment.hpp"

#include <cctype>

#include "core/strings.hpp"
#include "extract/html_document.hpp"

namespace newsdesk::extract {

bool looks_like_html(std::string_view text) {
  for (size_t lt = text.find('<'); lt != std::string_view::npos && lt + 1 < text.size(); lt = text.find('<', lt + 1)) {
    unsigned char next = static_cast<unsigned char>(text[lt + 1]);
    if (!std::isalpha(next) && next != '/' && next != '!') continue;
    size_t gt = text.find('>', lt + 1);
    if (gt != std::string_view::npos && text.find('<', lt + 1) > gt) return true;
  }
  return false;
}

std::string as_markup(std::string_view text) {
  if (looks_like_html(text)) return std::string(text);
  std::string out;
  for (const auto& line : core::split(text, '\n')) {
    std::string_view kept = core::trim(line);
    if (!kept.empty()) out += "<p>" + core::html_escape(kept) + "</p>\n";
  }
  return out;
}

std::vector<Block> read_fragment(std::string_view text, const std::string& charset, const FragmentContext& context) {
  std::vector<Block> blocks;
  if (!looks_like_html(text)) {
    for (const auto& line : core::split(text, '\n')) {
      Block b;
      b.text = core::collapse_whitespace(core::decode_html_entities(line));
      if (b.text.empty()) continue;
      b.html = core::html_escape(b.text);
      blocks.push_back(std::move(b));
    }
    return blocks;
  }
  std::string page = "<!DOCTYPE html><html><body><div>";
  page.append(text);
  page += "</div></body></html>";
  HtmlDocument doc(page, charset.empty() ? "UTF-8" : charset);
  xmlNode* root = doc.root();
  if (root == nullptr) return blocks;
  Body body = find_body(root, context.title, context.caption_hint, context.max_depth, context.base_url);
  if (!body.blocks.empty()) return std::move(body.blocks);
  Block b;
  b.text = text_content(root);
  if (b.text.empty()) return blocks;
  b.html = core::html_escape(b.text);
  blocks.push_back(std::move(b));
  return blocks;
}

size_t text_size(const std::vector<Block>& blocks) {
  size_t size = 0;
  for (const auto& b : blocks) size += b.text.size() + 1;
  return size == 0 ? 0 : size - 1;
}

}  // namespace newsdesk::extract
