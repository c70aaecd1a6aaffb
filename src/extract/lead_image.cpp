#include "extract/lead_image.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>
#include <unordered_set>

#include "core/strings.hpp"
#include "core/url.hpp"

namespace newsdesk::extract {
namespace {

// Lower-case alphanumeric words of `s` ("site-logo_2x.png" -> site, logo, 2x, png).
bool any_word_in(const std::vector<std::string>& words, const std::unordered_set<std::string_view>& set) {
  return std::any_of(words.begin(), words.end(), [&](const std::string& w) { return set.count(w) > 0; });
}

// Whether a word of the box's class, id, itemprop or data-component is in
// `set`. Runs for every element of the article: no allocation but `scratch`'s.
bool box_named(const xmlNode* n, const std::unordered_set<std::string_view>& set, std::string& scratch) {
  if (n->properties == nullptr) return false;
  for (const char* attr : {"class", "id", "itemprop", "data-component"}) {
    std::string_view value = attribute_view(n, attr);
    size_t i = 0;
    while (i < value.size()) {
      while (i < value.size() && !std::isalnum(static_cast<unsigned char>(value[i]))) ++i;
      scratch.clear();
      while (i < value.size() && std::isalnum(static_cast<unsigned char>(value[i]))) {
        scratch += static_cast<char>(std::tolower(static_cast<unsigned char>(value[i++])));
      }
      if (!scratch.empty() && set.count(scratch) > 0) return true;
    }
  }
  return false;
}

// Boxes whose pictures are not the article's: other stories, ads, people, brands.
const std::unordered_set<std::string_view> kFurnitureBoxes = {
    "related", "recommended", "recommendations", "promo", "sponsor", "sponsored", "advert", "advertisement",
    "ad", "ads", "adslot", "share", "sharing", "social", "newsletter", "comment", "comments", "author", "authors",
    "byline", "avatar", "logo", "sidebar", "outbrain", "taboola", "nav", "navbar", "menu", "footer", "masthead",
    "profile", "bio", "trending", "popular", "breadcrumb", "breadcrumbs"};

const std::unordered_set<std::string_view> kFurnitureElements = {
    "nav", "footer", "aside", "form", "button", "script", "style", "template", "svg", "iframe", "select"};

// Words in an image's address, class or id that say it is not a photograph of the story.
const std::unordered_set<std::string_view> kNotAPhoto = {
    "logo", "logos", "avatar", "avatars", "headshot", "headshots", "mugshot", "icon", "icons", "favicon", "sprite",
    "pixel", "tracking", "tracker", "spacer", "blank", "transparent", "badge", "emoji", "gravatar", "author",
    "authors", "profile", "placeholder", "ad", "ads", "advert", "advertisement", "sponsor", "sponsored", "button",
    "doubleclick", "scorecardresearch", "quantserve", "1x1"};

// The same for alt text, where words like "icon" may name the subject.
const std::unordered_set<std::string_view> kNotAPhotoAlt = {"logo", "avatar", "headshot", "mugshot"};

const std::unordered_set<std::string_view> kCreditBoxes = {
    "credit", "credits", "copyright", "photographer", "photocredit", "imagecredit", "attribution",
    "copyrightholder", "credittext", "author", "source"};

int leading_number(std::string_view s) {
  s = core::trim(s);
  int n = 0;
  size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && n < 100000) n = n * 10 + (s[i++] - '0');
  if (i == 0 || (i < s.size() && s[i] == '%')) return 0;  // "100%" says nothing of pixels
  return n;
}

// The largest candidate of a srcset ("a.jpg 300w, b.jpg 1200w" -> {b.jpg, 1200}).
// Width descriptors win over densities; 0 when the set gives no width.
struct Pick {
  std::string url;
  int width = 0;
};
Pick largest_of_srcset(std::string_view srcset) {
  Pick best;
  double best_rank = -1;
  size_t i = 0;
  while (i < srcset.size()) {
    while (i < srcset.size() && (std::isspace(static_cast<unsigned char>(srcset[i])) || srcset[i] == ',')) ++i;
    size_t start = i;
    while (i < srcset.size() && !std::isspace(static_cast<unsigned char>(srcset[i]))) ++i;
    std::string_view url = srcset.substr(start, i - start);
    bool ended = !url.empty() && url.back() == ',';  // "a.jpg, b.jpg": no descriptor
    while (!url.empty() && url.back() == ',') url.remove_suffix(1);
    std::string_view descriptor;
    if (!ended) {
      size_t d = i;
      while (i < srcset.size() && srcset[i] != ',') ++i;
      descriptor = core::trim(srcset.substr(d, i - d));
    }
    if (url.empty()) continue;
    double rank = 0;
    int width = 0;
    if (!descriptor.empty() && (descriptor.back() == 'w' || descriptor.back() == 'W')) {
      width = leading_number(descriptor);
      rank = width;
    } else if (!descriptor.empty() && (descriptor.back() == 'x' || descriptor.back() == 'X')) {
      rank = std::atof(std::string(descriptor).c_str());  // 1x, 1.5x, 2x: below any width
    }
    if (rank > best_rank) {
      best_rank = rank;
      best = Pick{std::string(url), width};
    }
  }
  return best;
}

struct Candidate {
  std::string url;  // absolute
  int width = 0;    // from attributes or the srcset, 0 unknown
  int height = 0;
  xmlNode* img = nullptr;
  xmlNode* figure = nullptr;  // the <figure> around it, if any
  bool excluded = false;      // a logo, avatar, pixel, icon, ad, SVG or data: URL
  bool large = false;
};

bool is_vector_or_inline(std::string_view url) {
  std::string lower = core::to_lower_ascii(url.substr(0, std::min<size_t>(url.size(), 400)));
  if (lower.rfind("data:", 0) == 0) return true;
  std::string path = lower.substr(0, lower.find_first_of("?#"));
  return path.size() >= 4 && path.compare(path.size() - 4, 4, ".svg") == 0;
}

bool url_says_not_a_photo(std::string_view url) {
  std::vector<std::string> words;
  append_words(core::percent_decode(url.substr(0, url.find('?'))), words);
  return any_word_in(words, kNotAPhoto);
}

// What the page offers for one <img> (or <amp-img>): the largest source it
// names, lazy-loading attributes included, and whether it is a photograph.
Candidate read_image(xmlNode* img, xmlNode* figure, const std::string& page_url) {
  Candidate c;
  c.img = img;
  c.figure = figure;
  Pick pick;
  auto consider_srcset = [&](std::string_view srcset) {
    if (srcset.empty()) return;
    Pick p = largest_of_srcset(srcset);
    if (!p.url.empty() && !is_vector_or_inline(p.url) && (pick.url.empty() || p.width > pick.width)) pick = p;
  };
  for (const char* attr : {"srcset", "data-srcset", "data-lazy-srcset"}) consider_srcset(attribute_view(img, attr));
  // <picture><source srcset>: libxml2 does not know <source> is empty and
  // nests what follows inside it, so the <picture> may be two levels up.
  xmlNode* picture = img->parent;
  while (is_element(picture, "source")) picture = picture->parent;
  if (is_element(picture, "picture")) {
    for (xmlNode* s : find_all(picture, "source")) {
      if (attribute_view(s, "type").find("svg") != std::string_view::npos) continue;
      for (const char* attr : {"srcset", "data-srcset"}) consider_srcset(attribute_view(s, attr));
    }
  }
  if (pick.url.empty()) {
    for (const char* attr : {"data-src", "data-lazy-src", "data-original", "data-lazy", "src"}) {
      std::string_view v = core::trim(attribute_view(img, attr));
      if (!v.empty() && !is_vector_or_inline(v)) {
        pick.url = std::string(v);
        break;
      }
    }
  }
  c.width = std::max(leading_number(attribute_view(img, "width")), pick.width);
  c.height = leading_number(attribute_view(img, "height"));
  if (pick.url.empty()) {
    c.excluded = true;  // only a data: placeholder or an SVG
    return c;
  }
  std::vector<std::string> words;
  for (const char* attr : {"class", "id"}) append_words(attribute_view(img, attr), words);
  std::vector<std::string> alt;
  append_words(attribute_view(img, "alt"), alt);
  bool pixel = (c.width > 0 && c.width <= 2) || (c.height > 0 && c.height <= 2);
  bool small = (c.width > 0 && c.width < 150) || (c.height > 0 && c.height < 100);
  if (pixel || small || any_word_in(words, kNotAPhoto) || any_word_in(alt, kNotAPhotoAlt)) {
    c.excluded = true;  // never chosen: its address need not be resolved (libcurl's parser, per image)
    return c;
  }
  c.url = core::resolve_url(page_url, pick.url);
  c.excluded = !core::is_http_url(c.url) || url_says_not_a_photo(c.url);
  c.large = c.width >= 300 || figure != nullptr;
  return c;
}

// The images of the article in document order, furniture boxes left out,
// up to the first one `enough` accepts.
template <class Enough>
std::vector<Candidate> images_in(xmlNode* scope, const std::string& page_url, Enough&& enough) {
  std::vector<Candidate> out;
  if (scope == nullptr) return out;
  struct Item {
    xmlNode* node;
    xmlNode* figure;
  };
  std::vector<Item> stack{{scope, nullptr}};
  std::string scratch;
  while (!stack.empty() && out.size() < 64) {
    auto [n, figure] = stack.back();
    stack.pop_back();
    if (n->type != XML_ELEMENT_NODE) continue;
    std::string_view name = element_name(n);
    if (n != scope && (kFurnitureElements.count(name) > 0 || box_named(n, kFurnitureBoxes, scratch))) continue;
    if (name == "img" || name == "amp-img") {
      out.push_back(read_image(n, figure, page_url));
      if (enough(out.back())) break;
      continue;
    }
    if (name == "figure") figure = n;
    for (xmlNode* c = n->last; c != nullptr; c = c->prev) {
      if (c->type == XML_ELEMENT_NODE) stack.push_back({c, figure});
    }
  }
  return out;
}

// An image address reduced to what survives resizing: the path without
// query, lower-cased, with size suffixes ("-1024x683", "_800", "@2x",
// "-scaled") and the extension taken off the file name.
struct ImageKey {
  std::string path;  // directory + stem
  std::string stem;  // file name stem
};
ImageKey key_of(std::string_view url) {
  std::string lower = core::to_lower_ascii(url);
  size_t start = lower.find("://");
  start = start == std::string::npos ? 0 : lower.find('/', start + 3);
  if (start == std::string::npos) return {};
  std::string path = lower.substr(start, lower.find_first_of("?#", start) - start);
  size_t slash = path.rfind('/');
  std::string dir = path.substr(0, slash + 1);
  std::string stem = path.substr(slash + 1);
  if (auto dot = stem.rfind('.'); dot != std::string::npos && dot > 0) stem.erase(dot);
  auto strip = [&](std::string_view suffix_chars) {
    // Trailing "[-_@]<digits>[x<digits>]" or "@2x".
    size_t i = stem.size();
    while (i > 0 && (std::isdigit(static_cast<unsigned char>(stem[i - 1])) || stem[i - 1] == 'x')) --i;
    if (i > 0 && i < stem.size() && suffix_chars.find(stem[i - 1]) != std::string_view::npos &&
        std::any_of(stem.begin() + static_cast<long>(i), stem.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      stem.erase(i - 1);
      return true;
    }
    return false;
  };
  for (int round = 0; round < 3; ++round) {
    bool changed = strip("-_@");
    for (std::string_view s : {"-scaled", "-large", "-medium", "-small", "-thumb", "-full", "_large", "_medium"}) {
      if (stem.size() > s.size() && stem.compare(stem.size() - s.size(), s.size(), s) == 0) {
        stem.erase(stem.size() - s.size());
        changed = true;
      }
    }
    if (!changed) break;
  }
  return {dir + stem, stem};
}

// The same picture at another size or address: the same path, or the same
// file name when that name says something ("image", "default" do not).
bool same_image(std::string_view a, std::string_view b) {
  ImageKey ka = key_of(a), kb = key_of(b);
  if (ka.stem.empty() || kb.stem.empty()) return false;
  if (ka.path == kb.path) return true;
  static const std::unordered_set<std::string_view> kGeneric = {"image", "img", "photo", "default", "original",
                                                                "large", "master", "index", "main", "full", "raw"};
  return ka.stem == kb.stem && ka.stem.size() >= 6 && kGeneric.count(ka.stem) == 0;
}

// Text below `n`, with the text of credit boxes gathered apart.
void caption_and_credit(xmlNode* n, std::string& caption, std::string& credit) {
  std::string scratch;
  std::vector<xmlNode*> stack;
  for (xmlNode* c = n->last; c != nullptr; c = c->prev) stack.push_back(c);
  while (!stack.empty()) {
    xmlNode* c = stack.back();
    stack.pop_back();
    if (c->type == XML_TEXT_NODE && c->content != nullptr) {
      caption += reinterpret_cast<const char*>(c->content);
      continue;
    }
    if (c->type != XML_ELEMENT_NODE || is_element(c, "script") || is_element(c, "style")) continue;
    if (box_named(c, kCreditBoxes, scratch)) {
      if (credit.empty()) credit = text_content(c);
      caption += ' ';
      continue;
    }
    if (is_element(c, "br")) caption += ' ';
    for (xmlNode* k = c->last; k != nullptr; k = k->prev) stack.push_back(k);
  }
  caption = core::collapse_whitespace(caption);
  credit = core::collapse_whitespace(credit);
}

// What stands for the <figure> of an image that has none: the nearest of
// its three closest ancestors that holds a <figcaption> or a caption or
// credit box and no other image ("<div class=media><picture>..</picture>
// <span class=caption>..</span></div>"); null when there is none.
xmlNode* figure_like(xmlNode* img) {
  static const std::unordered_set<std::string_view> kCaptionOrCredit = {
      "caption", "figcaption", "credit", "credits", "copyright", "photographer", "photocredit", "imagecredit",
      "attribution"};
  std::string scratch;
  xmlNode* a = img->parent;
  for (int level = 0; level < 3 && a != nullptr && a->type == XML_ELEMENT_NODE; ++level, a = a->parent) {
    if (is_element(a, "body") || is_element(a, "article") || is_element(a, "main")) break;
    size_t images = 0;
    bool captioned = false;
    for (xmlNode* cur = a->children; cur != nullptr && cur != a;) {
      if (cur->type == XML_ELEMENT_NODE) {
        if (is_element(cur, "img")) ++images;
        if (is_element(cur, "figcaption") || box_named(cur, kCaptionOrCredit, scratch)) captioned = true;
        if (cur->children != nullptr && !is_element(cur, "img")) {
          cur = cur->children;
          continue;
        }
      }
      while (cur != a && cur->next == nullptr) cur = cur->parent;
      if (cur == a) break;
      cur = cur->next;
    }
    if (images > 1) return nullptr;
    if (captioned) return a;
  }
  return nullptr;
}

// "Photo: Jane Doe" -> "Jane Doe".
std::string without_label(std::string credit) {
  credit = core::collapse_whitespace(credit);
  for (std::string_view label : {"image credit: ", "photo credit: ", "picture credit: ", "photographs by ", "photograph by ", "photos by ", "photo by ", "image by ",
                                 "illustration by ", "picture by ", "photograph: ", "photographs: ", "photos: ",
                                 "photo: ", "image: ", "images: ", "picture: ", "illustration: ", "credit: ",
                                 "credits: ", "foto: ", "source: "}) {
    if (core::starts_with_icase(credit, label)) return std::string(core::trim(credit.substr(label.size())));
  }
  return credit;
}

std::string normalised(std::string_view s) { return core::to_lower_ascii(core::collapse_whitespace(s)); }

}  // namespace

std::pair<std::string, std::string> split_credit(const std::string& text) {
  std::string caption = core::collapse_whitespace(text);
  if (caption.empty()) return {};
  std::string lower = core::to_lower_ascii(caption);
  // A trailing parenthesis that names the picture's maker: "(AP Photo/Jane Doe)", "(Photo: Jane Doe)".
  if (lower.back() == ')') {
    size_t open = lower.rfind('(');
    if (open != std::string::npos) {
      std::string inside = lower.substr(open + 1, lower.size() - open - 2);
      bool names_maker = inside.find("photo") != std::string::npos || inside.find("image") != std::string::npos ||
                         inside.find("credit") != std::string::npos || inside.find("\xC2\xA9") != std::string::npos ||
                         inside.find("illustration") != std::string::npos;
      if (names_maker && inside.size() < 120) {
        std::string credit = without_label(caption.substr(open + 1, caption.size() - open - 2));
        return {std::string(core::trim(caption.substr(0, open))), credit};
      }
    }
  }
  // The last label that opens a word: "Crew on deck. Photo: Jane Doe / Agency".
  size_t best = std::string::npos;
  for (std::string_view label : {"photo:", "photos:", "photograph:", "photographs:", "image:", "picture:",
                                 "credit:", "illustration:", "foto:", "photo by ", "photograph by ", "image by ",
                                 "photos by ", "illustration by ", "\xC2\xA9"}) {
    for (size_t p = lower.find(label); p != std::string::npos; p = lower.find(label, p + 1)) {
      bool opens_word = p == 0 || lower[p - 1] == ' ' || lower[p - 1] == '|' || lower[p - 1] == '(';
      if (opens_word && (best == std::string::npos || p > best)) best = p;
    }
  }
  if (best == std::string::npos) {
    // A short line that names a picture agency is a credit, not a caption
    // ("Jane Doe//Getty Images", "Courtesy of the museum").
    static constexpr std::string_view kAgencies[] = {"getty images", "shutterstock", "istock", "alamy", "unsplash",
                                                     "associated press", "reuters", "courtesy"};
    bool agency = std::any_of(std::begin(kAgencies), std::end(kAgencies),
                              [&](std::string_view a) { return lower.find(a) != std::string::npos; });
    if (agency && caption.size() <= 60) return {"", without_label(caption)};
    return {caption, ""};
  }
  std::string credit = without_label(caption.substr(best));
  while (!credit.empty() && (credit.back() == ')' || credit.back() == '.')) credit.pop_back();
  credit = std::string(core::trim(credit));
  if (credit.empty() || credit.size() > 120) return {caption, ""};
  std::string head = caption.substr(0, best);
  while (!head.empty() && (std::isspace(static_cast<unsigned char>(head.back())) || head.back() == '|' ||
                           head.back() == '(' || head.back() == '-' || head.back() == '/')) {
    head.pop_back();
  }
  // "—" and "–" (UTF-8) before the label.
  for (std::string_view dash : {"\xE2\x80\x94", "\xE2\x80\x93"}) {
    if (head.size() >= dash.size() && head.compare(head.size() - dash.size(), dash.size(), dash) == 0) {
      head.erase(head.size() - dash.size());
    }
  }
  return {std::string(core::trim(head)), credit};
}

LeadImage find_lead_image(xmlNode* container, const Metadata& metadata, const std::string& page_url) {
  auto usable_declared = [](const DeclaredImage& d) {
    return core::is_http_url(d.url) && !is_vector_or_inline(d.url) && !url_says_not_a_photo(d.url);
  };
  std::vector<const DeclaredImage*> usable;
  for (const auto& d : metadata.images) {
    if (usable_declared(d)) usable.push_back(&d);
  }
  auto declared_as = [&](const Candidate& c) -> const DeclaredImage* {
    if (c.excluded) return nullptr;
    auto it = std::find_if(usable.begin(), usable.end(), [&](const DeclaredImage* d) { return same_image(c.url, d->url); });
    return it == usable.end() ? nullptr : *it;
  };
  // The walk stops at the first picture that settles it: one declared, or
  // (when nothing is declared) the first large one.
  std::vector<Candidate> in_article = images_in(article_around(container), page_url, [&](const Candidate& c) {
    return declared_as(c) != nullptr || (usable.empty() && !c.excluded && c.large);
  });
  const Candidate* chosen = nullptr;
  const DeclaredImage* declared = nullptr;
  // 1. The first picture of the article that the page declares.
  for (const auto& c : in_article) {
    if ((declared = declared_as(c)) != nullptr) {
      chosen = &c;
      break;
    }
  }
  // 2. The article's first large picture.
  if (chosen == nullptr) {
    auto it = std::find_if(in_article.begin(), in_article.end(), [](const Candidate& c) { return !c.excluded && c.large; });
    if (it != in_article.end()) chosen = &*it;
  }
  LeadImage out;
  if (chosen != nullptr) {
    out.url = chosen->url;
    if (declared == nullptr) {
      for (const auto& d : metadata.images) {
        if (same_image(d.url, chosen->url)) declared = &d;
        if (declared != nullptr) break;
      }
    }
    xmlNode* figure = chosen->figure != nullptr ? chosen->figure : figure_like(chosen->img);
    if (figure != nullptr) {
      xmlNode* caption_box = nullptr;
      for (xmlNode* f : find_all(figure, "figcaption")) {
        caption_box = f;
        break;
      }
      if (caption_box != nullptr) {
        caption_and_credit(caption_box, out.caption, out.credit);
      } else {
        // A figure without <figcaption>: a caption box, or a credit box alone,
        // wherever they sit in it.
        static const std::unordered_set<std::string_view> kCaptionBoxes = {"caption", "figcaption"};
        std::string scratch;
        std::vector<xmlNode*> stack;
        for (xmlNode* c = figure->last; c != nullptr; c = c->prev) stack.push_back(c);
        while (!stack.empty()) {
          xmlNode* c = stack.back();
          stack.pop_back();
          if (c->type != XML_ELEMENT_NODE) continue;
          if (out.caption.empty() && box_named(c, kCaptionBoxes, scratch)) {
            caption_and_credit(c, out.caption, out.credit);
          } else if (out.credit.empty() && box_named(c, kCreditBoxes, scratch)) {
            out.credit = text_content(c);
          } else {
            for (xmlNode* k = c->last; k != nullptr; k = k->prev) stack.push_back(k);
          }
        }
      }
    }
  } else {
    // 3. What the page declares, when the article shows nothing better.
    if (usable.empty()) return out;
    declared = usable.front();
    out.url = declared->url;
  }
  if (out.caption.empty() && declared != nullptr) out.caption = declared->caption;
  if (out.credit.empty()) {
    auto [caption, credit] = split_credit(out.caption);
    out.caption = caption;
    out.credit = credit;
  }
  if (out.credit.empty() && declared != nullptr) out.credit = declared->credit;
  out.caption = core::collapse_whitespace(core::decode_html_entities(out.caption));
  out.credit = without_label(core::decode_html_entities(out.credit));
  // A caption that is nothing but the credit is the credit.
  if (!out.credit.empty() && normalised(without_label(out.caption)) == normalised(out.credit)) out.caption.clear();
  // The credit set again at the caption's end ("... harbour. Jane Doe/Agency").
  if (!out.credit.empty() && out.caption.size() > out.credit.size()) {
    std::string lower = normalised(out.caption);
    std::string credit = normalised(out.credit);
    if (lower.compare(lower.size() - credit.size(), credit.size(), credit) == 0) {
      out.caption = split_credit(out.caption.substr(0, out.caption.size() - out.credit.size())).first;
    }
  }
  return out;
}

void drop_caption_repeats(std::vector<Block>& blocks, const LeadImage& image) {
  std::string caption = normalised(image.caption);
  std::string credit = normalised(image.credit);
  if (caption.size() < 12) caption.clear();
  if (credit.size() < 4) credit.clear();
  if (caption.empty() && credit.empty()) return;
  std::erase_if(blocks, [&](const Block& b) {
    if (b.kind == BlockKind::kHeading || b.kind == BlockKind::kListItem) return false;
    std::string text = normalised(without_label(b.text));
    if (text.empty()) return false;
    // Containment only for a caption of a sentence's length: a short one is found inside real text.
    if (!caption.empty() && text == caption) return true;
    if (caption.size() >= 40 && text.size() < caption.size() + 40 && text.find(caption) != std::string::npos) return true;
    if (!credit.empty() && text.size() < credit.size() + 16 && text.find(credit) != std::string::npos) return true;
    return false;
  });
}

}  // namespace newsdesk::extract
