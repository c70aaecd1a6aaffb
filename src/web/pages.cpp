#include "web/pages.hpp"

#include <algorithm>
#include <cctype>

#include <kainjow/mustache.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "core/strings.hpp"
#include "core/time.hpp"
#include "core/url.hpp"
#include "text/language.hpp"

namespace newsdesk::web {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;

constexpr const char* kLayout = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
{{#refresh}}<meta http-equiv="refresh" content="{{refresh}}">
{{/refresh}}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{page_title}} · {{site_name}}</title>
<link rel="alternate" type="application/atom+xml" title="{{site_name}}: Atom" href="/editions.atom">
<link rel="alternate" type="application/rss+xml" title="{{site_name}}: RSS" href="/editions.rss">
<link rel="alternate" type="application/feed+json" title="{{site_name}}: JSON Feed" href="/editions.json">
<style>
body{margin:0;font-family:Georgia,'Times New Roman',serif;color:#111;background:#fafaf7;line-height:1.5}
header,main,footer{max-width:760px;margin:0 auto;padding:12px 16px}
header{border-bottom:3px double #111}
header a{color:#111;text-decoration:none}
header nav a{text-decoration:underline}
h1{margin:.2em 0;font-size:2rem}
.meta{font-family:Arial,Helvetica,sans-serif;font-size:.85rem;color:#555}
ol.stories{padding-left:1.2em}
ol.stories li{margin:0 0 1.2em 0}
ol.stories h2{font-size:1.25rem;margin:0 0 .2em 0}
ol.stories h2 a{color:#111}
.coverage li{margin:.4em 0}
.copy{font-family:Arial,Helvetica,sans-serif;font-size:.75rem;background:#eee;padding:0 .4em;border-radius:3px}
figure{margin:1em 0}figure img,figure video{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#555}
footer{border-top:1px solid #ccc;font-family:Arial,Helvetica,sans-serif;font-size:.8rem;color:#555}
a{color:#1a4f8a}
@media (prefers-color-scheme: dark){body{background:#121212;color:#eee}header{border-color:#eee}header a,ol.stories h2 a{color:#eee}.meta,figcaption,footer{color:#aaa}a{color:#8ab4f8}.copy{background:#333}}
</style>
</head>
<body>
<header role="banner"><a href="/"><strong>{{site_name}}</strong></a> <nav aria-label="Site" style="display:inline"><a href="/editions">Past editions</a> · <a href="/search">Search</a> · <a href="/subscribe">Sign up</a></nav></header>
<main id="content">
{{{content}}}
</main>
<footer role="contentinfo">
<p>{{site_name}} is put together by newsdesk from the outlets it follows.{{#support_url}} <a href="{{support_url}}">Support our newsroom</a>.{{/support_url}}</p>
<p>{{postal_address}}</p>
</footer>
</body>
</html>
)";

constexpr const char* kHeadlines = R"(<h1>{{title}}</h1>
<p class="meta">{{subtitle}}</p>
{{#has_items}}<ol class="stories">
{{#items}}<li><h2><a href="/story/{{story_id}}">{{headline}}</a></h2>
<p>{{summary}}</p>
<p class="meta">{{outlet}} · {{outlets}} independent outlet(s) · <a href="{{url}}">read at {{outlet}}</a></p></li>
{{/items}}</ol>{{/has_items}}
{{^has_items}}<p>No edition has been built yet.</p>{{/has_items}}
{{#beats}}<section aria-label="Live: {{beat}}"><h2>Live now: {{beat}}</h2>
<p class="meta">The stories ranking highest on this beat since the edition · <a href="/beats/{{beat}}.atom">Atom</a> · <a href="/beats/{{beat}}.rss">RSS</a> · <a href="/beats/{{beat}}.json">JSON Feed</a></p>
<ul class="coverage">{{#stories}}<li><a href="/story/{{story_id}}">{{headline}}</a> <span class="meta">{{outlets}} outlet(s) · {{updated}}</span></li>
{{/stories}}</ul></section>{{/beats}}
)";

constexpr const char* kStory = R"(<article>
<h1>{{headline}}</h1>
<p class="meta">First seen {{first_seen}} · updated {{last_updated}} · {{count}} article(s) from {{outlets}} outlet(s){{#languages}} in {{languages}}{{/languages}}{{#first_outlet}} · first reported by {{first_outlet}}{{/first_outlet}}</p>
{{#image}}<figure><img src="{{image}}" alt="{{caption}}" width="800" height="450">{{#caption}}<figcaption>{{caption}}</figcaption>{{/caption}}</figure>{{/image}}
<h2>Coverage around the web</h2>
<ul class="coverage">
{{#articles}}<li><a href="{{url}}"{{#lang}} lang="{{lang}}" hreflang="{{lang}}"{{/lang}}>{{title}}</a> <span class="meta">{{outlet}} · {{time}}</span>{{#copy}} <span class="copy">copy</span>{{/copy}}</li>
{{/articles}}</ul>
{{#has_videos}}<h2>Videos</h2>
{{#videos}}<figure><video controls preload="none" width="640" height="360"><source src="{{url}}" type="{{type}}"><a href="{{url}}">Watch the video</a></video>
<figcaption><a href="{{url}}">{{url}}</a></figcaption></figure>
{{/videos}}{{/has_videos}}
{{#why}}<h2>Why it ranks here</h2>
<p class="meta">Score {{score}} for the {{beat}} beat, the product of:</p>
<ul class="coverage">{{#terms}}<li><strong>{{name}}</strong>: {{note}}</li>
{{/terms}}</ul>{{/why}}
{{#share}}<p class="meta">Share: <a href="{{x}}" rel="noopener noreferrer">on X</a> · <a href="{{mail}}">by email</a></p>{{/share}}
</article>
)";

std::string safe_url(const std::string& url) { return core::is_http_url(url) ? url : "#"; }

// A BCP 47 tag fit for a lang attribute ("fr", "pt-BR"), or "" for anything else.
std::string language_tag(const std::string& code) {
  const bool fits = !code.empty() && code.size() <= 35 && std::isalpha(static_cast<unsigned char>(code[0])) &&
                    std::all_of(code.begin(), code.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; });
  return fits ? code : "";
}

std::string layout(const SiteInfo& site, const std::string& title, const std::string& content, int refresh_seconds = 0) {
  data d;
  if (refresh_seconds > 0) d.set("refresh", std::to_string(refresh_seconds));
  else d.set("refresh", data(false));
  d.set("site_name", site.name);
  d.set("page_title", title);
  d.set("content", content);
  d.set("postal_address", site.postal_address);
  if (core::is_http_url(site.support_url)) d.set("support_url", site.support_url);
  else d.set("support_url", data(false));
  return mustache(kLayout).render(d);
}

}  // namespace

std::string headlines_page(const SiteInfo& site, const std::optional<core::Edition>& edition, const std::vector<LiveBeat>& live) {
  data d;
  data beats = data::type::list;
  for (const auto& b : live) {
    if (b.stories.empty()) continue;
    data beat;
    beat.set("beat", b.beat);
    data stories = data::type::list;
    for (const auto& st : b.stories) {
      data one;
      one.set("story_id", std::to_string(st.story_id));
      one.set("headline", st.headline);
      one.set("outlets", std::to_string(st.outlets));
      one.set("updated", core::format_human(st.updated));
      stories.push_back(one);
    }
    beat.set("stories", stories);
    beats.push_back(beat);
  }
  d.set("beats", beats);
  d.set("title", edition ? edition->name : site.name);
  d.set("subtitle", edition ? fmt::format("Edition of {} · {} stories", edition->date, edition->items.size()) : "");
  data items = data::type::list;
  if (edition) {
    for (const auto& it : edition->items) {
      data i;
      i.set("story_id", std::to_string(it.story_id));
      i.set("headline", it.headline);
      i.set("summary", it.summary);
      i.set("outlet", it.outlet);
      i.set("outlets", std::to_string(it.outlets));
      i.set("url", safe_url(it.url));
      items.push_back(i);
    }
  }
  d.set("has_items", data(edition && !edition->items.empty()));
  d.set("items", items);
  return layout(site, "Today's headlines", mustache(kHeadlines).render(d));
}



std::string story_page(const SiteInfo& site, const core::Story& story, const std::vector<StoryArticle>& articles,
                       const std::optional<StoryWhy>& why, const std::string& page_url, const std::vector<core::Enclosure>& videos) {
  data d;
  data video_list = data::type::list;
  for (const auto& v : videos) {
    if (!core::is_http_url(v.url)) continue;  // only http(s) sources
    data one;
    one.set("url", v.url);
    one.set("type", v.type);
    video_list.push_back(one);
  }
  d.set("videos", video_list);
  d.set("has_videos", video_list.is_non_empty_list() ? data(true) : data(false));
  if (why) {
    data w;
    w.set("beat", why->beat);
    w.set("score", fmt::format("{:.2f}", why->score));
    data terms = data::type::list;
    for (const auto& [name, note] : why->terms) {
      data t;
      t.set("name", name);
      t.set("note", note);
      terms.push_back(t);
    }
    w.set("terms", terms);
    d.set("why", w);
  } else {
    d.set("why", data(false));
  }
  if (core::is_http_url(page_url)) {
    data share;
    share.set("x", "https://twitter.com/intent/tweet?text=" + core::percent_encode(story.headline) + "&url=" + core::percent_encode(page_url));
    share.set("mail", "mailto:?subject=" + core::percent_encode(story.headline) + "&body=" + core::percent_encode(page_url));
    d.set("share", share);
  } else {
    d.set("share", data(false));
  }
  d.set("headline", story.headline);
  d.set("first_seen", core::format_human(story.first_seen));
  d.set("last_updated", core::format_human(story.last_updated));
  d.set("count", std::to_string(articles.size()));
  std::vector<std::string> outlets;
  std::vector<std::string> languages;  // their names, in the order the coverage shows them
  data list = data::type::list;
  std::string image, caption;
  for (const auto& sa : articles) {
    const auto& a = sa.article;
    if (std::find(outlets.begin(), outlets.end(), sa.outlet) == outlets.end() && !a.copy_of) outlets.push_back(sa.outlet);
    if (image.empty() && core::is_http_url(a.image_url)) {
      image = a.image_url;
      caption = a.image_caption;
    }
    data item;
    item.set("url", safe_url(a.url));
    item.set("title", a.title);
    item.set("outlet", sa.outlet);
    item.set("time", a.published ? core::format_human(*a.published) : "time unknown");
    item.set("copy", data(a.copy_of.has_value()));
    const std::string lang = language_tag(a.language);
    item.set("lang", lang.empty() ? data(false) : data(lang));
    const std::string name = text::language_name(lang);
    if (!name.empty() && std::find(languages.begin(), languages.end(), name) == languages.end()) languages.push_back(name);
    list.push_back(item);
  }
  d.set("outlets", std::to_string(outlets.size()));
  // Coverage in more than one language says so: "in 3 languages: English, French, German".
  if (languages.size() > 1) {
    d.set("languages", fmt::format("{} languages: {}", languages.size(), fmt::join(languages, ", ")));
  } else {
    d.set("languages", data(false));
  }
  if (!articles.empty()) d.set("first_outlet", articles.front().outlet);
  else d.set("first_outlet", data(false));
  if (!image.empty()) d.set("image", image);
  else d.set("image", data(false));
  if (!caption.empty()) d.set("caption", caption);
  else d.set("caption", data(false));
  d.set("articles", list);
  return layout(site, story.headline, mustache(kStory).render(d));
}

std::string subscription_page(const SiteInfo& site, const SubscriptionPage& page) {
  // One button, no script: the form posts back to the same token URL.
  static constexpr const char* kPage = R"(<h1>{{title}}</h1>
<p>{{message}}</p>
{{#button}}<form method="post" action="{{action}}"><button type="submit">{{button}}</button></form>{{/button}}
{{#link}}<p><a href="{{link}}">{{link_text}}</a></p>{{/link}}
)";
  data d;
  d.set("title", page.title);
  d.set("message", page.message);
  if (!page.button.empty() && page.action.rfind("/", 0) == 0 && page.action.rfind("//", 0) != 0) {
    d.set("button", page.button);
    d.set("action", page.action);
  } else {
    d.set("button", data(false));
  }
  if (!page.link.empty() && page.link.rfind("/", 0) == 0 && page.link.rfind("//", 0) != 0) {
    d.set("link", page.link);
    d.set("link_text", page.link_text);
  } else {
    d.set("link", data(false));
  }
  return layout(site, page.title, mustache(kPage).render(d));
}

std::string signup_page(const SiteInfo& site, const std::string& form_token, const std::vector<EditionChoice>& editions,
                        const std::string& error) {
  static constexpr const char* kPage = R"(<h1>Sign up for {{site_name}}</h1>
<p>A daily email of today's top stories from our newsroom and top news outlets from around the world.</p>
{{#error}}<p role="alert"><strong>{{error}}</strong></p>{{/error}}
<form method="post" action="/subscribe">
<p><label for="email">Email address</label><br><input id="email" name="email" type="email" required autocomplete="email" size="32"></p>
{{#many}}<fieldset><legend>Editions</legend>
{{#editions}}<label><input type="checkbox" name="edition" value="{{name}}"{{#chosen}} checked{{/chosen}}> {{name}}</label><br>
{{/editions}}</fieldset>{{/many}}
<p><label for="time_zone">Time zone (optional, like Europe/Paris)</label><br><input id="time_zone" name="time_zone" type="text" size="24"></p>
<p class="nd-hp" aria-hidden="true" style="position:absolute;left:-9999px"><label for="website">Leave this empty</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></p>
<input type="hidden" name="form" value="{{form_token}}">
<p><button type="submit">Sign up</button></p>
<p class="meta">We send a link to confirm the address first. Every email has a link to unsubscribe in one click.</p>
</form>
)";
  data d;
  d.set("site_name", site.name);
  d.set("form_token", form_token);
  if (error.empty()) d.set("error", data(false));
  else d.set("error", error);
  data list = data::type::list;
  for (const auto& e : editions) {
    data item;
    item.set("name", e.name);
    item.set("chosen", e.chosen ? data(true) : data(false));
    list.push_back(item);
  }
  d.set("editions", list);
  d.set("many", editions.size() > 1 ? data(true) : data(false));
  return layout(site, "Sign up", mustache(kPage).render(d));
}

std::string preferences_page(const SiteInfo& site, const PreferencesView& view) {
  static constexpr const char* kPage = R"(<h1>Your subscription</h1>
<p>{{email}} is {{state}} to {{site_name}}.</p>
{{#saved}}<p role="status"><strong>{{saved}}</strong></p>{{/saved}}
<form method="post" action="/preferences?t={{token}}">
{{#many}}<fieldset><legend>Editions</legend>
{{#editions}}<label><input type="checkbox" name="edition" value="{{name}}"{{#chosen}} checked{{/chosen}}> {{name}}</label><br>
{{/editions}}</fieldset>{{/many}}
<p><label for="time_zone">Time zone (like Europe/Paris; empty: the edition's)</label><br><input id="time_zone" name="time_zone" type="text" size="24" value="{{time_zone}}"></p>
<p><label><input type="checkbox" name="paused" value="1"{{#paused}} checked{{/paused}}> Pause: send nothing until I come back</label></p>
<p><button type="submit">Save</button></p>
</form>
<form method="post" action="/unsubscribe?t={{unsubscribe_token}}"><p><button type="submit">Unsubscribe</button></p></form>
<p><a href="/export?t={{token}}">Download everything kept about me</a> (JSON)</p>
<form method="post" action="/erase?t={{token}}"><p><button type="submit">Erase my data</button> (unsubscribes and forgets the address)</p></form>
)";
  data d;
  d.set("site_name", site.name);
  d.set("email", view.email);
  d.set("state", view.state);
  d.set("token", view.token);
  d.set("unsubscribe_token", view.unsubscribe_token);
  d.set("time_zone", view.time_zone);
  d.set("paused", view.paused ? data(true) : data(false));
  if (view.saved.empty()) d.set("saved", data(false));
  else d.set("saved", view.saved);
  data list = data::type::list;
  for (const auto& e : view.editions) {
    data item;
    item.set("name", e.name);
    item.set("chosen", e.chosen ? data(true) : data(false));
    list.push_back(item);
  }
  d.set("editions", list);
  d.set("many", view.editions.size() > 1 ? data(true) : data(false));
  return layout(site, "Your subscription", mustache(kPage).render(d));
}

namespace {

// Escaped text with the matches (between \x02 and \x03) in <mark>.
std::string marked_html(const std::string& text) {
  std::string out;
  for (char c : kainjow::mustache::html_escape(text)) {
    if (c == '\x02') out += "<mark>";
    else if (c == '\x03') out += "</mark>";
    else out += c;
  }
  return out;
}


}  // namespace

std::string search_page(const SiteInfo& site, const SearchView& view) {
  static constexpr const char* kPage = R"(<h1>Search</h1>
<form method="get" action="/search" role="search"><p><label for="q">Search articles</label>
<input id="q" name="q" type="search" value="{{query}}" size="32"> <button type="submit">Search</button></p></form>
{{#asked}}<p class="meta">{{count}}</p>{{/asked}}
{{#has_hits}}<ol class="stories" start="{{first}}">
{{#hits}}<li><h2><a href="{{link}}">{{{title}}}</a></h2><p>{{{snippet}}}</p><p class="meta">{{outlet}}{{#when}} · {{when}}{{/when}}</p></li>
{{/hits}}</ol>{{/has_hits}}
{{#pages}}<nav aria-label="Pages"><p>{{#previous}}<a href="{{previous}}" rel="prev">Previous</a> {{/previous}}Page {{page}} of {{last}}{{#next}} <a href="{{next}}" rel="next">Next</a>{{/next}}</p></nav>{{/pages}}
)";
  data d;
  d.set("query", view.query);
  d.set("asked", !view.query.empty() ? data(true) : data(false));
  d.set("count", view.total == 0 ? std::string("Nothing found.") : fmt::format("{} article(s) found.", view.total));
  data hits = data::type::list;
  for (const auto& h : view.hits) {
    data item;
    item.set("title", marked_html(h.title.empty() ? "(untitled)" : h.title));
    item.set("snippet", marked_html(h.snippet));
    item.set("link", h.link.rfind("/", 0) == 0 && h.link.rfind("//", 0) != 0 ? h.link : safe_url(h.link));
    item.set("outlet", h.outlet);
    item.set("when", h.when);
    hits.push_back(item);
  }
  d.set("hits", hits);
  d.set("has_hits", view.hits.empty() ? data(false) : data(true));
  d.set("first", std::to_string((view.page - 1) * view.per_page + 1));
  const size_t last = view.per_page == 0 ? 1 : std::max<size_t>(1, (view.total + view.per_page - 1) / view.per_page);
  if (last > 1) {
    data pages;
    pages.set("page", std::to_string(view.page));
    pages.set("last", std::to_string(last));
    const std::string base = "/search?q=" + core::percent_encode(view.query) + "&page=";
    if (view.page > 1) pages.set("previous", base + std::to_string(view.page - 1));
    else pages.set("previous", data(false));
    if (view.page < last) pages.set("next", base + std::to_string(view.page + 1));
    else pages.set("next", data(false));
    d.set("pages", pages);
  } else {
    d.set("pages", data(false));
  }
  return layout(site, view.query.empty() ? "Search" : "Search: " + view.query, mustache(kPage).render(d));
}

std::string archive_page(const SiteInfo& site, const std::vector<core::Edition>& editions) {
  static constexpr const char* kPage = R"(<h1>Past editions</h1>
{{#has}}<ul class="coverage">
{{#editions}}<li><a href="/edition/{{date}}">{{date}}</a> · {{subject}}</li>
{{/editions}}</ul>{{/has}}{{^has}}<p>No edition yet.</p>{{/has}}
)";
  data d;
  data list = data::type::list;
  for (const auto& e : editions) {
    data item;
    item.set("date", e.date);
    item.set("subject", e.subject);
    list.push_back(item);
  }
  d.set("editions", list);
  d.set("has", editions.empty() ? data(false) : data(true));
  return layout(site, "Past editions", mustache(kPage).render(d));
}

std::string page_layout(const SiteInfo& site, const std::string& title, const std::string& content_html, int refresh_seconds) {
  return layout(site, title, content_html, refresh_seconds);
}


std::string beat_atom(const LiveBeat& beat, const std::string& site_name, const std::string& site_url, core::TimePoint now) {
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  out += fmt::format("<title>{}: {}</title>\n<id>{}/beats/{}</id>\n<updated>{}</updated>\n<link rel=\"self\" href=\"{}/beats/{}.atom\"/>\n"
                     "<link rel=\"alternate\" href=\"{}/\"/>\n<author><name>{}</name></author>\n",
                     core::html_escape(site_name), core::html_escape(beat.beat), core::html_escape(site_url), core::html_escape(beat.beat), core::format_rfc3339(now),
                     core::html_escape(site_url), core::html_escape(beat.beat), core::html_escape(site_url), core::html_escape(site_name));
  for (const auto& st : beat.stories) {
    const std::string link = fmt::format("{}/story/{}", site_url, st.story_id);
    out += fmt::format("<entry><title>{}</title><id>{}</id><link href=\"{}\"/><updated>{}</updated>"
                       "<summary>Covered by {} independent outlet(s).</summary></entry>\n",
                       core::html_escape(st.headline), core::html_escape(link), core::html_escape(link), core::format_rfc3339(st.updated), st.outlets);
  }
  return out + "</feed>\n";
}

std::string beat_rss(const LiveBeat& beat, const std::string& site_name, const std::string& site_url, core::TimePoint now) {
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>\n";
  out += fmt::format("<title>{}: {}</title>\n<link>{}/</link>\n<description>The stories ranking highest on the {} beat</description>\n"
                     "<lastBuildDate>{}</lastBuildDate>\n",
                     core::html_escape(site_name), core::html_escape(beat.beat), core::html_escape(site_url), core::html_escape(beat.beat), core::format_rfc822(now));
  for (const auto& st : beat.stories) {
    const std::string link = fmt::format("{}/story/{}", site_url, st.story_id);
    out += fmt::format("<item><title>{}</title><link>{}</link><guid isPermaLink=\"true\">{}</guid><pubDate>{}</pubDate>"
                       "<description>Covered by {} independent outlet(s).</description></item>\n",
                       core::html_escape(st.headline), core::html_escape(link), core::html_escape(link), core::format_rfc822(st.updated), st.outlets);
  }
  return out + "</channel></rss>\n";
}

std::string beat_json_feed(const LiveBeat& beat, const std::string& site_name, const std::string& site_url) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& st : beat.stories) {
    const std::string link = fmt::format("{}/story/{}", site_url, st.story_id);
    items.push_back({{"id", link}, {"url", link}, {"title", st.headline}, {"date_modified", core::format_rfc3339(st.updated)},
                     {"content_text", fmt::format("Covered by {} independent outlet(s).", st.outlets)}});
  }
  nlohmann::json feed = {{"version", "https://jsonfeed.org/version/1.1"},
                         {"title", site_name + ": " + beat.beat},
                         {"home_page_url", site_url + "/"},
                         {"feed_url", site_url + "/beats/" + beat.beat + ".json"},
                         {"items", items}};
  return feed.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string not_found_page(const SiteInfo& site) {
  return layout(site, "Not found", "<h1>Not found</h1><p>There is no page at this address.</p>");
}

}  // namespace newsdesk::web
