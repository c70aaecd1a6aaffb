#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>

#include "core/strings.hpp"
#include "core/time.hpp"
#include "sampleweb/sample_web.hpp"

namespace newsdesk::sampleweb {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;

int offset_minutes(const SampleArticle& a) { return a.day * 24 * 60 + a.minute; }

std::string xml(const std::string& s) { return core::html_escape(s); }

std::string image_stem(const std::string& image) {
  auto dot = image.rfind('.');
  return core::slugify(dot == std::string::npos ? image : image.substr(0, dot));
}

// A small picture for any image name: a coloured card with the name on it.
std::string svg_for(const std::string& stem) {
  unsigned hue = 0;
  for (char c : stem) hue = hue * 31 + static_cast<unsigned char>(c);
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"450\" viewBox=\"0 0 800 450\">"
      "<rect width=\"800\" height=\"450\" fill=\"hsl({},35%,45%)\"/>"
      "<text x=\"400\" y=\"235\" font-family=\"sans-serif\" font-size=\"28\" fill=\"#fff\" text-anchor=\"middle\">{}</text>"
      "</svg>",
      hue % 360, xml(stem));
}

}  // namespace

SampleSite::SampleSite(SampleWeb web, std::string base_url, core::TimePoint now)
    : web_(std::move(web)), base_url_(std::move(base_url)) {
  int newest = INT32_MIN;
  for (const auto& a : web_.articles) newest = std::max(newest, offset_minutes(a));
  // Whole minutes, as news sites print them.
  anchor_ = std::chrono::floor<std::chrono::minutes>(now) - std::chrono::minutes(30) - std::chrono::minutes(newest);
}

core::TimePoint SampleSite::published(const SampleArticle& a) const {
  return anchor_ + std::chrono::minutes(offset_minutes(a));
}

std::string SampleSite::outlet_url(const SampleOutlet& o) const { return base_url_ + "/" + o.slug; }

std::string SampleSite::feed_url(const SampleOutlet& o) const {
  if (o.feed_format == "atom") return outlet_url(o) + "/atom.xml";
  if (o.feed_format == "jsonfeed") return outlet_url(o) + "/feed.json";
  return outlet_url(o) + "/feed.xml";
}

std::string SampleSite::article_url(const SampleArticle& a) const {
  return fmt::format("{}/{}/{}/{}.html", base_url_, a.outlet, core::format_date(published(a)), a.slug);
}

std::vector<const SampleArticle*> SampleSite::served_by(const std::string& outlet) const {
  std::vector<const SampleArticle*> out;
  for (const auto& a : web_.articles) {
    if (a.outlet == outlet) out.push_back(&a);
  }
  std::sort(out.begin(), out.end(), [](const SampleArticle* x, const SampleArticle* y) {
    return offset_minutes(*x) > offset_minutes(*y) || (offset_minutes(*x) == offset_minutes(*y) && x->slug < y->slug);
  });
  return out;
}

Page SampleSite::article_page(const SampleOutlet& o, const SampleArticle& a) const {
  data d;
  d.set("outlet_name", o.name);
  d.set("base_url", outlet_url(o));
  d.set("title", a.title);
  d.set("author", a.author);
  d.set("section", a.section);
  d.set("summary", a.summary);
  auto when = published(a);
  d.set("published_iso", core::format_rfc3339(when));
  d.set("published_human", core::format_human(when));
  std::string canonical = article_url(a);
  d.set("canonical_url", canonical);
  bool has_image = !a.image.empty();
  std::string image_url = has_image ? fmt::format("{}/img/{}.svg", outlet_url(o), image_stem(a.image)) : "";
  d.set("has_image", data(has_image));
  d.set("image_url", image_url);
  d.set("caption", a.caption);
  data all = data::type::list, head = data::type::list, tail = data::type::list;
  for (size_t i = 0; i < a.paragraphs.size(); ++i) {
    const auto& p = a.paragraphs[i];
    data item;
    bool heading = p.rfind("## ", 0) == 0;
    item.set("is_heading", data(heading));
    item.set("text", heading ? p.substr(3) : p);
    all.push_back(item);
    (i < 2 ? head : tail).push_back(item);
  }
  d.set("paragraphs", all);
  d.set("paragraphs_head", head);
  d.set("paragraphs_tail", tail);
  data more = data::type::list;
  int shown = 0;
  for (const auto* other : served_by(o.slug)) {
    if (other == &a || shown == 4) continue;
    data m;
    m.set("url", article_url(*other));
    m.set("title", other->title);
    more.push_back(m);
    ++shown;
  }
  d.set("more", more);
  nlohmann::json ld = {{"@context", "https://schema.org"},
                       {"@type", "NewsArticle"},
                       {"headline", a.title},
                       {"description", a.summary},
                       {"datePublished", core::format_rfc3339(when)},
                       {"dateModified", core::format_rfc3339(when)},
                       {"author", nlohmann::json::array({{{"@type", "Person"}, {"name", a.author}}})},
                       {"publisher", {{"@type", "NewsMediaOrganization"}, {"name", o.name}}},
                       {"mainEntityOfPage", canonical},
                       {"inLanguage", o.language}};
  if (has_image) ld["image"] = nlohmann::json::array({{{"@type", "ImageObject"}, {"url", image_url}, {"caption", a.caption}}});
  std::string ld_text = ld.dump();
  for (size_t p = ld_text.find("</"); p != std::string::npos; p = ld_text.find("</", p + 2)) ld_text.replace(p, 2, "<\\/");
  d.set("jsonld", "<script type=\"application/ld+json\">" + ld_text + "</script>");
  mustache tmpl(o.article_template);
  return Page{200, "text/html; charset=utf-8", tmpl.render(d)};
}

Page SampleSite::front_page(const SampleOutlet& o) const {
  data d;
  d.set("outlet_name", o.name);
  d.set("base_url", outlet_url(o));
  d.set("tagline", o.tagline);
  data list = data::type::list;
  for (const auto* a : served_by(o.slug)) {
    data item;
    item.set("url", article_url(*a));
    item.set("title", a->title);
    item.set("summary", a->summary);
    item.set("author", a->author);
    item.set("published_human", core::format_human(published(*a)));
    list.push_back(item);
  }
  d.set("articles", list);
  mustache tmpl(o.front_template);
  return Page{200, "text/html; charset=utf-8", tmpl.render(d)};
}

Page SampleSite::feed(const SampleOutlet& o) const {
  auto articles = served_by(o.slug);
  std::string image_base = outlet_url(o) + "/img/";
  // RSS outlets add tracking parameters to their links, as many real feeds do.
  auto link = [&](const SampleArticle& a) { return article_url(a) + (o.feed_format == "rss2" ? "?utm_source=rss&utm_medium=feed" : ""); };
  if (o.feed_format == "jsonfeed") {
    nlohmann::json j = {{"version", "https://jsonfeed.org/version/1.1"}, {"title", o.name},
                        {"home_page_url", outlet_url(o) + "/"}, {"feed_url", feed_url(o)}, {"language", o.language}};
    j["items"] = nlohmann::json::array();
    for (const auto* a : articles) {
      nlohmann::json item = {{"id", article_url(*a)}, {"url", link(*a)}, {"title", a->title}, {"summary", a->summary},
                             {"date_published", core::format_rfc3339(published(*a))},
                             {"authors", nlohmann::json::array({{{"name", a->author}}})}, {"tags", {a->section}}};
      if (!a->image.empty()) item["image"] = image_base + image_stem(a->image) + ".svg";
      j["items"].push_back(std::move(item));
    }
    return Page{200, "application/feed+json", j.dump(2)};
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  if (o.feed_format == "atom") {
    out += "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"" + xml(o.language) + "\">\n";
    out += "  <title>" + xml(o.name) + "</title>\n";
    out += "  <id>" + xml(outlet_url(o) + "/") + "</id>\n";
    out += "  <link rel=\"alternate\" href=\"" + xml(outlet_url(o) + "/") + "\"/>\n";
    out += "  <link rel=\"self\" href=\"" + xml(feed_url(o)) + "\"/>\n";
    if (!articles.empty()) out += "  <updated>" + core::format_rfc3339(published(*articles.front())) + "</updated>\n";
    for (const auto* a : articles) {
      // Atom outlets link relative to the feed, exercising URL resolution.
      std::string relative = fmt::format("{}/{}.html", core::format_date(published(*a)), a->slug);
      out += "  <entry>\n    <title>" + xml(a->title) + "</title>\n";
      out += "    <id>tag:" + xml(o.slug) + ".example," + core::format_date(published(*a)) + ":" + xml(a->slug) + "</id>\n";
      out += "    <link rel=\"alternate\" type=\"text/html\" href=\"" + xml(relative) + "\"/>\n";
      out += "    <published>" + core::format_rfc3339(published(*a)) + "</published>\n";
      out += "    <updated>" + core::format_rfc3339(published(*a)) + "</updated>\n";
      out += "    <author><name>" + xml(a->author) + "</name></author>\n";
      out += "    <category term=\"" + xml(a->section) + "\"/>\n";
      out += "    <summary type=\"html\">" + xml(a->summary) + "</summary>\n";
      if (!a->image.empty()) {
        out += "    <link rel=\"enclosure\" type=\"image/svg+xml\" href=\"" + xml(image_base + image_stem(a->image) + ".svg") + "\"/>\n";
      }
      out += "  </entry>\n";
    }
    out += "</feed>\n";
    // xml:base makes the relative links resolve under the outlet.
    out.replace(out.find("<feed "), 6, "<feed xml:base=\"" + xml(outlet_url(o) + "/") + "\" ");
    return Page{200, "application/atom+xml; charset=utf-8", out};
  }
  out += "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:media=\"http://search.yahoo.com/mrss/\">\n<channel>\n";
  out += "  <title>" + xml(o.name) + "</title>\n  <link>" + xml(outlet_url(o) + "/") + "</link>\n";
  out += "  <description>" + xml(o.tagline) + "</description>\n  <language>" + xml(o.language) + "</language>\n";
  out += "  <ttl>15</ttl>\n";
  for (const auto* a : articles) {
    out += "  <item>\n    <title><![CDATA[" + a->title + "]]></title>\n";
    out += "    <link>" + xml(link(*a)) + "</link>\n";
    out += "    <guid isPermaLink=\"false\">" + xml(o.slug + "-" + a->slug) + "</guid>\n";
    out += "    <pubDate>" + core::format_rfc822(published(*a)) + "</pubDate>\n";
    out += "    <dc:creator>" + xml(a->author) + "</dc:creator>\n";
    out += "    <category>" + xml(a->section) + "</category>\n";
    out += "    <description>" + xml(a->summary) + "</description>\n";
    if (!a->image.empty()) {
      out += "    <media:content medium=\"image\" url=\"" + xml(image_base + image_stem(a->image) + ".svg") + "\"/>\n";
    }
    out += "  </item>\n";
  }
  out += "</channel>\n</rss>\n";
  return Page{200, "application/rss+xml; charset=utf-8", out};
}

Page SampleSite::opml() const {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n<head><title>The sample news web (fiction)</title></head>\n<body>\n<outline text=\"Sample outlets\">\n";
  for (const auto& o : web_.outlets) {
    out += fmt::format("  <outline type=\"rss\" text=\"{0}\" title=\"{0}\" xmlUrl=\"{1}\" htmlUrl=\"{2}/\" language=\"{3}\" country=\"{4}\"/>\n",
                       xml(o.name), xml(feed_url(o)), xml(outlet_url(o)), xml(o.language), xml(o.country));
  }
  out += "</outline>\n</body>\n</opml>\n";
  return Page{200, "text/x-opml; charset=utf-8", out};
}

Page SampleSite::get(std::string_view raw_path) const {
  std::string_view path = raw_path.substr(0, raw_path.find('?'));
  if (path == "/opml.xml") return opml();
  if (path == "/robots.txt") return Page{200, "text/plain", "User-agent: *\nAllow: /\n"};
  if (path == "/" ) {
    std::string body = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>The sample news web</title></head><body><h1>The sample news web</h1><p>Invented outlets for newsdesk's demo and tests. Everything here is fiction.</p><ul>";
    for (const auto& o : web_.outlets) body += fmt::format("<li><a href=\"{}/\">{}</a></li>", outlet_url(o), xml(o.name));
    return Page{200, "text/html; charset=utf-8", body + "</ul></body></html>"};
  }
  for (const auto& o : web_.outlets) {
    std::string prefix = "/" + o.slug;
    if (path.rfind(prefix, 0) != 0) continue;
    std::string_view rest = path.substr(prefix.size());
    if (rest.empty() || rest == "/") return front_page(o);
    if (rest == "/feed.xml" || rest == "/atom.xml" || rest == "/feed.json") {
      if (base_url_ + std::string(path) != feed_url(o)) break;
      return feed(o);
    }
    if (rest.rfind("/img/", 0) == 0 && rest.size() > 9 && rest.substr(rest.size() - 4) == ".svg") {
      return Page{200, "image/svg+xml", svg_for(std::string(rest.substr(5, rest.size() - 9)))};
    }
    for (const auto& a : web_.articles) {
      if (a.outlet == o.slug && base_url_ + std::string(path) == article_url(a)) return article_page(o, a);
    }
  }
  return Page{404, "text/html; charset=utf-8", "<!DOCTYPE html><html><head><title>Not found</title></head><body><h1>Not found</h1></body></html>"};
}

}  // namespace newsdesk::sampleweb
