#include <algorithm>

#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "core/time.hpp"
#include "core/url.hpp"
#include "edition/edition.hpp"

namespace newsdesk::edition {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;

// The HTML email: a single 600px table with inline styles (mail clients drop
// <style> and ignore CSS layout), a dark-mode-friendly palette, no images.
constexpr const char* kHtmlTemplate = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>{{subject}}</title>
<style>
@media (prefers-color-scheme: dark) {
  .nd-page { background: #121212 !important; }
  .nd-card { background: #1e1e1e !important; border-color: #333333 !important; }
  .nd-text, .nd-text a.nd-head { color: #eeeeee !important; border-color: #333333 !important; }
  .nd-meta { color: #aaaaaa !important; }
  .nd-link { color: #8ab4f8 !important; }
  .nd-section { color: #ff8a80 !important; }
}
</style>
</head>
<body class="nd-page" style="margin:0;padding:0;background:#f3f3f0;">
<table class="nd-page" role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f3f0;">
<tr><td align="center" style="padding:16px 8px;">
<table class="nd-card" role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;width:100%;background:#ffffff;border:1px solid #dddddd;">
<tr><td class="nd-text" style="padding:20px 24px 8px 24px;font-family:Georgia,'Times New Roman',serif;color:#111111;">
{{#greeting}}<p style="margin:0 0 8px 0;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#333333;">{{greeting}}</p>{{/greeting}}
<h1 style="margin:0;font-size:28px;line-height:1.2;">{{name}}</h1>
<p class="nd-meta" style="margin:4px 0 0 0;font-family:Arial,Helvetica,sans-serif;font-size:13px;color:#555555;">{{date_human}} &middot; {{count}} stories</p>
</td></tr>
{{#sections}}
<tr><td class="nd-section" style="padding:16px 24px 0 24px;font-family:Arial,Helvetica,sans-serif;font-size:12px;letter-spacing:1px;text-transform:uppercase;color:#8a1c1c;font-weight:bold;">{{title}}</td></tr>
{{#items}}
<tr><td class="nd-text" style="padding:12px 24px;border-bottom:1px solid #eeeeee;font-family:Arial,Helvetica,sans-serif;color:#222222;">
<h2 style="margin:0 0 6px 0;font-family:Georgia,'Times New Roman',serif;font-size:20px;line-height:1.3;"><a class="nd-head" href="{{url}}" style="color:#111111;text-decoration:none;">{{headline}}</a></h2>
<p style="margin:0 0 6px 0;font-size:15px;line-height:1.5;">{{summary}}</p>
<p class="nd-meta" style="margin:0;font-size:12px;color:#666666;">{{outlet}} &middot; {{outlets_text}}</p>
{{#has_coverage}}<p class="nd-meta" style="margin:6px 0 0 0;font-size:12px;line-height:1.6;color:#666666;">Also: {{#coverage}}<a class="nd-link" href="{{url}}" style="color:#1a4f8a;">{{outlet}}</a>{{^last}} &middot; {{/last}}{{/coverage}}</p>{{/has_coverage}}
</td></tr>
{{/items}}
{{/sections}}
<tr><td class="nd-meta" style="padding:20px 24px;font-family:Arial,Helvetica,sans-serif;font-size:12px;line-height:1.6;color:#666666;">
<p style="margin:0 0 8px 0;">You receive {{name}} because you signed up for it. <a class="nd-link" href="{{unsubscribe_url}}" style="color:#1a4f8a;">Unsubscribe</a> &middot; <a class="nd-link" href="{{preferences_url}}" style="color:#1a4f8a;">Preferences</a> &middot; <a class="nd-link" href="{{web_url}}" style="color:#1a4f8a;">Read on the web</a></p>
{{#support_url}}<p style="margin:0 0 8px 0;"><a class="nd-link" href="{{support_url}}" style="color:#1a4f8a;">Support our newsroom</a></p>{{/support_url}}
<p style="margin:0;">{{postal_address}}</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
)";

std::string safe_url(const std::string& url) { return core::is_http_url(url) ? url : std::string("#"); }

std::string outlets_text(int n) { return n == 1 ? "1 outlet" : fmt::format("{} outlets", n); }

std::string human_date(const std::string& date) {
  auto t = core::parse_rfc3339(date);
  if (!t) return date;
  std::string h = core::format_human(*t);
  return h.substr(0, h.find(','));
}

}  // namespace

namespace {

// What the templates see (built-in or the operator's): the edition, its
// sections and items, the reader's links. Documented in docs/configuration.md.
data template_data(const core::Edition& edition, const core::EditionConfig& config, const Links& links) {
  data root;
  root.set("name", edition.name);
  root.set("subject", edition.subject);
  root.set("date_human", human_date(edition.date));
  root.set("count", std::to_string(edition.items.size()));
  root.set("unsubscribe_url", safe_url(links.unsubscribe_url));
  root.set("preferences_url", safe_url(links.preferences_url));
  root.set("web_url", safe_url(links.web_url));
  if (!links.greeting.empty()) root.set("greeting", links.greeting);
  else root.set("greeting", data(false));
  root.set("postal_address", config.postal_address);
  if (core::is_http_url(config.support_url)) root.set("support_url", config.support_url);
  else root.set("support_url", data(false));
  data sections = data::type::list;
  // The known sections in their order, then any other an item names: no item is ever left out.
  std::vector<std::string> order = config.sections;
  for (const auto& item : edition.items) {
    if (std::find(order.begin(), order.end(), item.section) == order.end()) order.push_back(item.section);
  }
  for (const auto& section : order) {
    data items = data::type::list;
    for (const auto& item : edition.items) {
      if (item.section != section) continue;
      data d;
      d.set("n", std::to_string(1 + (&item - edition.items.data())));
      d.set("headline", item.headline);
      d.set("summary", item.summary);
      d.set("url", safe_url(item.url));
      d.set("outlet", item.outlet);
      d.set("outlets_text", outlets_text(item.outlets));
      data coverage = data::type::list;
      size_t shown = std::min<size_t>(item.coverage.size(), 6);
      for (size_t i = 0; i < shown; ++i) {
        data c;
        c.set("outlet", item.coverage[i].outlet);
        c.set("url", safe_url(item.coverage[i].url));
        c.set("last", data(i + 1 == shown));
        coverage.push_back(c);
      }
      d.set("coverage", coverage);
      d.set("has_coverage", data(shown > 0));
      items.push_back(d);
    }
    if (items.is_empty_list()) continue;
    data s;
    s.set("title", section);
    s.set("items", items);
    sections.push_back(s);
  }
  root.set("sections", sections);
  return root;
}

}  // namespace

core::Result<void> check_template(const std::string& text, const std::string& where) {
  mustache tmpl(text);
  if (!tmpl.is_valid()) return core::fail(core::ErrorCode::kConfig, fmt::format("{}: {}", where, tmpl.error_message()));
  return {};
}

std::string render_html(const core::Edition& edition, const core::EditionConfig& config, const Links& links) {
  mustache tmpl(config.html_template.empty() ? std::string(kHtmlTemplate) : config.html_template);
  return tmpl.render(template_data(edition, config, links));
}

std::string wrap(const std::string& text, size_t width, const std::string& indent) {
  std::string out;
  size_t column = 0;
  for (const auto& word : core::split(core::collapse_whitespace(text), ' ')) {
    if (word.empty()) continue;
    // Count code points, not bytes.
    size_t length = 0;
    for (unsigned char c : word) length += (c & 0xC0) != 0x80 ? 1 : 0;
    if (column > 0 && column + 1 + length > width) {
      out += '\n';
      column = 0;
    }
    if (column == 0) {
      out += indent;
      column = indent.size();
    } else {
      out += ' ';
      ++column;
    }
    out += word;
    column += length;
  }
  return out;
}

std::string render_text(const core::Edition& edition, const core::EditionConfig& config, const Links& links) {
  if (!config.text_template.empty()) {
    // The operator's text template: the same data, nothing escaped.
    mustache tmpl(config.text_template);
    tmpl.set_custom_escape([](const std::string& s) { return s; });
    return tmpl.render(template_data(edition, config, links));
  }
  std::vector<std::string> footnotes;
  auto note = [&](const std::string& url) {
    footnotes.push_back(safe_url(url));  // the text copy links nothing the HTML copy would not
    return fmt::format("[{}]", footnotes.size());
  };
  std::string title = fmt::format("{} - {}", edition.name, human_date(edition.date));
  std::string out = links.greeting.empty() ? "" : wrap(links.greeting, 72) + "\n\n";
  out += title + "\n" + std::string(std::min<size_t>(title.size(), 72), '=') + "\n\n";
  int n = 0;
  for (const auto& item : edition.items) {
    ++n;
    std::string number = fmt::format("{}. ", n);
    std::string indent(number.size(), ' ');
    std::string headline = wrap(item.headline + " " + note(item.url), 72 - number.size(), "");
    out += number + core::split(headline, '\n').front();
    auto lines = core::split(headline, '\n');
    for (size_t i = 1; i < lines.size(); ++i) out += "\n" + indent + lines[i];
    out += fmt::format("\n{}\n", wrap(fmt::format("{}, {}", item.outlet, outlets_text(item.outlets)), 72, indent));
    if (!item.summary.empty()) out += wrap(item.summary, 72, indent) + "\n";
    if (!item.coverage.empty()) {
      std::string also = "Also:";
      for (size_t i = 0; i < std::min<size_t>(item.coverage.size(), 6); ++i) {
        also += fmt::format(" {} {};", item.coverage[i].outlet, note(item.coverage[i].url));
      }
      also.pop_back();
      out += wrap(also, 72, indent) + "\n";
    }
    out += "\n";
  }
  out += "-- \n";
  out += wrap(fmt::format("You receive {} because you signed up for it.", edition.name), 72) + "\n";
  out += "Unsubscribe: " + safe_url(links.unsubscribe_url) + "\n";
  out += "Preferences: " + safe_url(links.preferences_url) + "\n";
  out += "On the web: " + safe_url(links.web_url) + "\n";
  if (!config.support_url.empty()) out += "Support our newsroom: " + config.support_url + "\n";
  if (!config.postal_address.empty()) out += wrap(config.postal_address, 72) + "\n";
  out += "\nLinks:\n";
  for (size_t i = 0; i < footnotes.size(); ++i) out += fmt::format("[{}] {}\n", i + 1, footnotes[i]);
  return out;
}

std::string render_json(const core::Edition& edition) {
  nlohmann::json j;
  j["name"] = edition.name;
  j["date"] = edition.date;
  j["built_at"] = core::format_rfc3339(edition.built_at);
  j["subject"] = edition.subject;
  j["items"] = nlohmann::json::array();
  for (const auto& item : edition.items) {
    nlohmann::json i = {{"story_id", item.story_id}, {"headline", item.headline}, {"summary", item.summary},
                        {"url", item.url}, {"outlet", item.outlet}, {"score", item.score},
                        {"outlets", item.outlets}, {"section", item.section}};
    i["coverage"] = nlohmann::json::array();
    for (const auto& c : item.coverage) {
      i["coverage"].push_back({{"outlet", c.outlet}, {"title", c.title}, {"url", c.url}, {"copy", c.copy},
                               {"published", c.published ? core::format_rfc3339(*c.published) : ""}});
    }
    j["items"].push_back(std::move(i));
  }
  j["edits"] = nlohmann::json::array();
  for (const auto& ed : edition.edits) {
    nlohmann::json x = {{"action", core::to_string(ed.action)}, {"story_id", ed.story_id}, {"editor", ed.editor},
                        {"at", core::format_rfc3339(ed.at)}};
    if (ed.position > 0) x["position"] = ed.position;
    if (ed.action == core::EditionEdit::Action::kRetitle) x["title"] = ed.title;
    j["edits"].push_back(std::move(x));
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

// Markers that survive rendering unchanged (safe_url keeps http(s) URLs; the
// greeting is plain letters) and that no edition text contains.
constexpr std::string_view kGreetingMark = "NDGREETINGHOLE7f3a";
constexpr std::string_view kUnsubscribeMark = "https://personal.invalid/unsubscribe-7f3a";
constexpr std::string_view kPreferencesMark = "https://personal.invalid/preferences-7f3a";

}  // namespace

std::string greeting_for(const std::string& name) {
  std::string n = core::collapse_whitespace(name);
  return n.empty() ? "Good morning." : "Good morning, " + n + ".";
}

PersonalEdition::PersonalEdition(const core::Edition& edition, const core::EditionConfig& config, const std::string& web_url,
                                 std::optional<Encoding> encoding)
    : encoding_(std::move(encoding)) {
  Links marks{std::string(kUnsubscribeMark), std::string(kPreferencesMark), web_url, std::string(kGreetingMark)};
  html_ = cut(render_html(edition, config, marks));
  text_ = cut(render_text(edition, config, marks));
  if (encoding_) {
    for (Cut* c : {&html_, &text_}) {
      for (auto& part : c->parts) part = encoding_->encode(part);
    }
  }
}

PersonalEdition::Cut PersonalEdition::cut(const std::string& rendered) {
  Cut out;
  size_t from = 0;
  for (;;) {
    size_t best = std::string::npos;
    Hole hole = Hole::kGreeting;
    size_t length = 0;
    for (auto [mark, kind] : {std::pair{kGreetingMark, Hole::kGreeting}, std::pair{kUnsubscribeMark, Hole::kUnsubscribe},
                              std::pair{kPreferencesMark, Hole::kPreferences}}) {
      size_t at = rendered.find(mark, from);
      if (at < best) {
        best = at;
        hole = kind;
        length = mark.size();
      }
    }
    if (best == std::string::npos) break;
    out.parts.push_back(rendered.substr(from, best - from));
    out.holes.push_back(hole);
    from = best + length;
  }
  out.parts.push_back(rendered.substr(from));
  return out;
}

std::string PersonalEdition::fill(const Cut& cut, const Recipient& r, bool html) const {
  const std::string greeting = greeting_for(r.name);
  // A reader's URL that is not http(s) must not become a link (as render_html does).
  const std::string unsubscribe = core::is_http_url(r.unsubscribe_url) ? r.unsubscribe_url : "#";
  const std::string preferences = core::is_http_url(r.preferences_url) ? r.preferences_url : "#";
  // Escaped exactly as the template engine escapes, so a spliced copy is
  // byte for byte the copy rendering would give.
  auto escape = [html](const std::string& s) { return html ? kainjow::mustache::html_escape(s) : s; };
  std::string values[3] = {escape(greeting), escape(unsubscribe), escape(preferences)};
  const std::string joint = encoding_ ? encoding_->joint : std::string();
  if (encoding_) {
    for (auto& v : values) v = encoding_->encode(v);
  }
  auto value = [&](Hole h) -> const std::string& { return values[static_cast<int>(h)]; };
  size_t size = 0;
  for (const auto& p : cut.parts) size += p.size();
  std::string out;
  out.reserve(size + 512);
  for (size_t i = 0; i < cut.holes.size(); ++i) {
    out += cut.parts[i];
    out += joint;
    out += value(cut.holes[i]);
    out += joint;
  }
  out += cut.parts.back();
  return out;
}

std::string PersonalEdition::html(const Recipient& r) const { return fill(html_, r, true); }
std::string PersonalEdition::text(const Recipient& r) const { return fill(text_, r, false); }

}  // namespace newsdesk::edition
