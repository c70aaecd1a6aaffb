#include "web/server.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>
#include <mutex>
#include <regex>
#include <string_view>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "core/time.hpp"
#include "edition/edition.hpp"
#include "web/pages.hpp"
#include "rank/score.hpp"
#include "web/admin.hpp"
#include "web/api.hpp"
#include "web/http_server.hpp"
#include "web/page_cache.hpp"
#include "web/subscriptions.hpp"

namespace newsdesk::web {

namespace {

using Matches = std::vector<std::string>;  // the route pattern's groups; [0] is the whole path
using RouteHandler = std::function<void(const HttpRequest&, const Matches&, HttpResponse&)>;

// The site's routes: a method and a pattern over the whole path, first match wins.
class Router {
 public:
  void get(const char* pattern, RouteHandler h) { routes_.push_back({"GET", std::regex(pattern), std::move(h)}); }
  void post(const char* pattern, RouteHandler h) { routes_.push_back({"POST", std::regex(pattern), std::move(h)}); }
  // False when no route has the path (a 404); `allowed` names the methods
  // the path has when only the method was wrong (a 405).
  bool route(const HttpRequest& req, HttpResponse& res, std::string& allowed) const {
    std::smatch m;
    for (const auto& r : routes_) {
      if (!std::regex_match(req.path, m, r.pattern)) continue;
      if (r.method != req.method) {
        if (allowed.find(r.method) == std::string::npos) allowed += (allowed.empty() ? "" : ", ") + r.method;
        continue;
      }
      Matches matches(m.begin(), m.end());
      r.handler(req, matches, res);
      return true;
    }
    return false;
  }

 private:
  struct Route {
    std::string method;
    std::regex pattern;
    RouteHandler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace

// Public pages are kept rendered for kPageTtl; past it, the old copy is
// answered for at most kStaleFor while one request renders it anew (web/page_cache).
constexpr std::chrono::seconds kPageTtl{2};
constexpr std::chrono::seconds kStaleFor{30};

struct SiteServer::Impl {
  std::unique_ptr<HttpServer> http;
  Router router;
  std::mutex store_mutex;
  std::unique_ptr<store::Store> store;
  core::Config config;
  SiteInfo site;
  core::SystemClock clock;
  std::unique_ptr<Subscriptions> subscriptions;
  std::unique_ptr<Api> api;
  std::unique_ptr<Admin> admin;
  LiveStories live;
  std::vector<std::string> beats;  // "military" and the configured ones
  // Public pages, rendered once and kept for a moment: the same bytes for
  // every reader, so a busy front page costs one render per kTtl.
  PageCache pages{kPageTtl, kStaleFor};
};

namespace {

// The pages that are the same for everyone: the front page, stories, editions, the archive, feeds.
bool cacheable(const HttpRequest& req) {
  if (req.method != "GET" || !req.params.empty()) return false;
  const std::string& p = req.path;
  return p == "/" || p.rfind("/story/", 0) == 0 || p.rfind("/edition/", 0) == 0 || p.rfind("/editions", 0) == 0 ||
         p.rfind("/beats/", 0) == 0;
}

void set_content(HttpResponse& res, std::string body, std::string_view type) {
  res.body = std::move(body);
  res.content_type = type;
}

void count_request(const std::string& method, int status) {
  core::Metrics::global().add("newsdesk_http_requests_total", "HTTP requests answered, by method and status.",
                              {{"method", method}, {"code", std::to_string(status)}});
}

}  // namespace

SiteServer::SiteServer() : impl_(std::make_unique<Impl>()) {}

SiteServer::~SiteServer() { stop(); }

void SiteServer::stop() {
  if (impl_->http) impl_->http->stop();
}

std::string SiteServer::base_url() const {
  return fmt::format("http://{}:{}", impl_->config.web.listen, impl_->http ? impl_->http->port() : 0);
}

core::Result<std::unique_ptr<SiteServer>> SiteServer::start(const core::Config& config, std::unique_ptr<store::Store> store,
                                                           ConfirmationMailer mailer, LiveStories live_stories,
                                                           EditionPreview preview) {
  std::unique_ptr<SiteServer> s(new SiteServer());
  Impl& impl = *s->impl_;
  impl.config = config;
  impl.store = std::move(store);
  impl.site = SiteInfo{config.edition.name, config.edition.support_url, config.edition.postal_address};
  Impl* m = &impl;
  auto html = [](HttpResponse& res, int status, const std::string& body) {
    res.status = status;
    res.headers.emplace_back("X-Content-Type-Options", "nosniff");
    res.headers.emplace_back("Referrer-Policy", "strict-origin-when-cross-origin");
    res.headers.emplace_back("Content-Security-Policy", "default-src 'none'; img-src http: https:; media-src http: https:; style-src 'unsafe-inline'; frame-ancestors 'none'");
    res.content_type = "text/html; charset=utf-8";
    res.body = body;
  };
  impl.live = std::move(live_stories);
  impl.beats = {"military"};
  for (const auto& b : config.beats) {
    if (b.name != "military") impl.beats.push_back(b.name);
  }
  impl.router.get("/", [m, html](const HttpRequest&, const Matches&, HttpResponse& res) {
    std::lock_guard lock(m->store_mutex);
    auto edition = m->store->editions().latest(m->config.edition.name);
    if (!edition) return html(res, 500, "store error: " + edition.error().message);
    std::vector<LiveBeat> live;
    if (m->live) {
      for (const auto& beat : m->beats) {
        auto stories = m->live(*m->store, beat, 5);
        if (stories) live.push_back({beat, std::move(*stories)});
      }
    }
    html(res, 200, headlines_page(m->site, *edition, live));
  });
  // Each beat's live top stories as Atom, RSS and JSON Feed.
  impl.router.get(R"(/beats/([a-z0-9_-]+)\.(atom|rss|json))", [m, html](const HttpRequest&, const Matches& match, HttpResponse& res) {
    const std::string beat = match[1], kind = match[2];
    if (!m->live || std::find(m->beats.begin(), m->beats.end(), beat) == m->beats.end()) {
      return html(res, 404, not_found_page(m->site));
    }
    std::lock_guard lock(m->store_mutex);
    auto stories = m->live(*m->store, beat, 20);
    if (!stories) return html(res, 500, "store error: " + stories.error().message);
    const LiveBeat live{beat, std::move(*stories)};
    const auto now = core::SystemClock().now();
    const std::string& url = m->config.edition.site_url;
    res.headers.emplace_back("X-Content-Type-Options", "nosniff");
    if (kind == "atom") set_content(res, beat_atom(live, m->site.name, url, now), "application/atom+xml; charset=utf-8");
    else if (kind == "rss") set_content(res, beat_rss(live, m->site.name, url, now), "application/rss+xml; charset=utf-8");
    else set_content(res, beat_json_feed(live, m->site.name, url), "application/feed+json; charset=utf-8");
  });
  impl.router.get(R"(/story/(\d+))", [m, html](const HttpRequest&, const Matches& match, HttpResponse& res) {
    std::lock_guard lock(m->store_mutex);
    core::Id id = 0;
    const std::string& digits = match[1];
    if (std::from_chars(digits.data(), digits.data() + digits.size(), id).ec != std::errc()) {
      return html(res, 404, not_found_page(m->site));  // more digits than an id has
    }
    auto story = m->store->stories().get(id);
    if (!story || !*story) return html(res, 404, not_found_page(m->site));
    auto articles = m->store->articles().by_story(id);
    auto sources = m->store->sources().list();
    if (!articles || !sources) return html(res, 500, "store error");
    std::map<core::Id, const core::Source*> source_of;
    for (const auto& src : *sources) source_of[src.id] = &src;
    std::vector<StoryArticle> list;
    for (auto& a : *articles) {
      auto src = source_of.find(a.source_id);
      std::string outlet = src != source_of.end() ? src->second->name : a.site_name;
      list.push_back({std::move(a), std::move(outlet)});
    }
    // Why it ranks: the story scored for the site's beat, as of now (the page is kept 2 s).
    std::optional<StoryWhy> why;
    if (auto beat = rank::beat_named(m->config.rank.beat, m->config.beats)) {
      rank::BeatMatcher matcher(*beat);
      rank::StoryBundle bundle{**story, {}};
      for (const auto& sa : list) {
        auto src = source_of.find(sa.article.source_id);
        bundle.articles.push_back({sa.article, src != source_of.end() ? *src->second : core::Source{}, std::nullopt});
      }
      rank::StoryScore score = rank::score_story(bundle, matcher, m->config.rank, core::SystemClock().now());
      StoryWhy w{m->config.rank.beat, score.score, {}};
      for (const auto& t : score.terms) w.terms.emplace_back(t.name, t.note);
      why = std::move(w);
    }
    auto videos = m->store->entries().videos_for_story(id);
    html(res, 200, story_page(m->site, **story, list, why, fmt::format("{}/story/{}", m->config.edition.site_url, id),
                              videos ? *videos : std::vector<core::Enclosure>{}));
  });
  impl.router.get(R"(/edition/(\d{4}-\d{2}-\d{2}))", [m, html](const HttpRequest&, const Matches& match, HttpResponse& res) {
    std::lock_guard lock(m->store_mutex);
    auto edition = m->store->editions().by_date(m->config.edition.name, match[1]);
    if (!edition || !*edition) return html(res, 404, not_found_page(m->site));
    auto rendered = m->store->editions().rendered((*edition)->id);
    if (!rendered || !*rendered) return html(res, 404, not_found_page(m->site));
    html(res, 200, (*rendered)->html);
  });
  // The editions as feeds (Atom, RSS, JSON Feed), newest first.
  auto feed = [m](HttpResponse& res, const char* type, auto&& render) {
    std::lock_guard lock(m->store_mutex);
    auto editions = m->store->editions().list(m->config.edition.name, 30);
    if (!editions) {
      res.status = 500;
      set_content(res, "store error: " + editions.error().message, "text/plain; charset=utf-8");
      return;
    }
    res.headers.emplace_back("X-Content-Type-Options", "nosniff");
    set_content(res, render(*editions, m->config.edition.name, m->config.edition.site_url), type);
  };
  impl.router.get("/editions.atom", [feed](const HttpRequest&, const Matches&, HttpResponse& res) {
    feed(res, "application/atom+xml; charset=utf-8", edition::editions_atom);
  });
  impl.router.get("/editions.rss", [feed](const HttpRequest&, const Matches&, HttpResponse& res) {
    feed(res, "application/rss+xml; charset=utf-8", edition::editions_rss);
  });
  impl.router.get("/editions.json", [feed](const HttpRequest&, const Matches&, HttpResponse& res) {
    feed(res, "application/feed+json; charset=utf-8", edition::editions_json_feed);
  });
  // The subscriber's pages (web/subscriptions): sign-up with double opt-in,
  // confirmation, preferences, one-click unsubscribe, export and erasure.
  impl.subscriptions = std::make_unique<Subscriptions>(impl.config, impl.site, *impl.store, impl.store_mutex, std::move(mailer),
                                                       impl.clock);
  Subscriptions* subs = impl.subscriptions.get();
  auto adapt_with = [](const HttpRequest& req, const std::string& cookie_name) {
    Request r;
    for (const auto& [name, value] : req.params) {
      auto& slot = r.params[name];
      slot += (slot.empty() ? "" : "\n") + value;  // a field given more than once (checkboxes)
    }
    const std::string cookies = req.header("Cookie");
    const std::string wanted = cookie_name + "=";
    for (size_t at = cookies.find(wanted); at != std::string::npos; at = cookies.find(wanted, at + 1)) {
      if (at == 0 || cookies[at - 1] == ' ' || cookies[at - 1] == ';') {
        r.cookie = cookies.substr(at + wanted.size(), cookies.find(';', at) == std::string::npos ? std::string::npos
                                                                                                   : cookies.find(';', at) - at - wanted.size());
        break;
      }
    }
    r.ip = req.remote_addr;
    return r;
  };
  auto adapt = [adapt_with](const HttpRequest& req) { return adapt_with(req, Subscriptions::kCookie); };
  auto reply = [html](HttpResponse& res, const Response& out) {
    if (!out.set_cookie.empty()) res.headers.emplace_back("Set-Cookie", out.set_cookie);
    if (!out.disposition.empty()) res.headers.emplace_back("Content-Disposition", out.disposition);
    for (const auto& [name, value] : out.headers) res.headers.emplace_back(name, value);
    res.headers.emplace_back("Cache-Control", "no-store");  // pages about one reader are theirs alone
    if (out.content_type.rfind("text/html", 0) == 0) return html(res, out.status, out.body);
    res.status = out.status;
    res.headers.emplace_back("X-Content-Type-Options", "nosniff");
    set_content(res, out.body, out.content_type);
  };
  using Handler = Response (Subscriptions::*)(const Request&);
  auto route = [&](const char* path, bool post, Handler h) {
    auto handler = [subs, adapt, reply, h](const HttpRequest& req, const Matches&, HttpResponse& res) { reply(res, (subs->*h)(adapt(req))); };
    if (post) impl.router.post(path, handler);
    else impl.router.get(path, handler);
  };
  using Handler2 = Response (Subscriptions::*)(const Request&, bool);
  auto route2 = [&](const char* path, Handler2 h) {
    impl.router.get(path, [subs, adapt, reply, h](const HttpRequest& req, const Matches&, HttpResponse& res) {
      reply(res, (subs->*h)(adapt(req), false));
    });
    impl.router.post(path, [subs, adapt, reply, h](const HttpRequest& req, const Matches&, HttpResponse& res) {
      reply(res, (subs->*h)(adapt(req), true));
    });
  };
  // The JSON API (web/api, docs/api.md).
  impl.api = std::make_unique<Api>(impl.config, *impl.store, impl.store_mutex, impl.clock);
  Api* api = impl.api.get();
  auto api_handler = [api, reply](const HttpRequest& req, const Matches&, HttpResponse& res) {
    ApiRequest r;
    r.method = req.method;
    r.path = req.path;
    r.authorization = req.header("Authorization");
    r.body = req.body;
    for (const auto& [name, value] : req.params) r.params[name] = value;
    r.ip = req.remote_addr;
    reply(res, api->handle(r));
  };
  impl.router.get(R"(/api/.*)", api_handler);
  impl.router.post(R"(/api/.*)", api_handler);
  // The admin pages (web/admin), behind a password and a session cookie.
  impl.admin = std::make_unique<Admin>(impl.config, impl.site, *impl.store, impl.store_mutex, impl.clock, std::move(preview));
  Admin* admin = impl.admin.get();
  auto admin_handler = [admin, adapt_with, reply](const HttpRequest& req, const Matches&, HttpResponse& res) {
    reply(res, admin->handle(req.method, req.path, adapt_with(req, Admin::kCookie)));
  };
  impl.router.get(R"(/admin(/.*)?)", admin_handler);
  impl.router.post(R"(/admin(/.*)?)", admin_handler);
  route("/subscribe", false, &Subscriptions::signup_form);
  route("/subscribe", true, &Subscriptions::signup);
  route2("/confirm", &Subscriptions::confirm);
  route2("/unsubscribe", &Subscriptions::unsubscribe);
  route2("/preferences", &Subscriptions::preferences);
  route("/export", false, &Subscriptions::export_data);
  route("/erase", true, &Subscriptions::erase);
  impl.router.get("/editions", [m, html](const HttpRequest&, const Matches&, HttpResponse& res) {
    std::lock_guard lock(m->store_mutex);
    auto editions = m->store->editions().list(m->config.edition.name, 3660);
    if (!editions) return html(res, 500, "store error: " + editions.error().message);
    html(res, 200, archive_page(m->site, *editions));
  });
  impl.router.get("/search", [m, html](const HttpRequest& req, const Matches&, HttpResponse& res) {
    SearchView view;
    view.query = req.param("q").substr(0, 200);
    const long long page = std::atoll(req.param("page").c_str());
    view.page = page >= 1 && page <= 1000 ? static_cast<size_t>(page) : 1;
    if (!view.query.empty()) {
      std::lock_guard lock(m->store_mutex);
      auto found = m->store->search().search(view.query, view.per_page, (view.page - 1) * view.per_page);
      if (!found) return html(res, 500, "store error: " + found.error().message);
      view.total = found->total;
      for (const auto& h : found->hits) {
        view.hits.push_back({h.title, h.snippet, h.story_id ? fmt::format("/story/{}", *h.story_id) : h.url, h.outlet,
                             h.published ? core::format_rfc3339(*h.published).substr(0, 10) : ""});
      }
    }
    html(res, 200, search_page(m->site, view));
  });
  // Prometheus: the stages' counters, and the store's sizes read now.
  impl.router.get("/metrics", [m](const HttpRequest&, const Matches&, HttpResponse& res) {
    auto& metrics = core::Metrics::global();
    {
      std::lock_guard lock(m->store_mutex);
      auto c = m->store->counts();
      if (!c) {
        res.status = 500;
        set_content(res, "store error: " + c.error().message + "\n", "text/plain; charset=utf-8");
        return;
      }
      metrics.clear_gauges("newsdesk_store_");
      const auto n = [](size_t v) { return static_cast<double>(v); };
      metrics.set("newsdesk_store_sources", "Sources (outlets' feeds) registered.", {}, n(c->sources));
      metrics.set("newsdesk_store_feeds_gone", "Feeds that answered 410 and are no longer polled.", {}, n(c->feeds_gone));
      metrics.set("newsdesk_store_feeds_failing", "Feeds whose last poll failed, by the error's class.", {{"class", "none"}}, 0);
      for (const auto& [klass, count] : c->feeds_failing) {
        metrics.set("newsdesk_store_feeds_failing", "Feeds whose last poll failed, by the error's class.", {{"class", klass}}, n(count));
      }
      metrics.set("newsdesk_store_entries_waiting", "Feed entries whose page is not fetched yet (the fetch queue).", {},
                  n(c->entries_waiting));
      metrics.set("newsdesk_store_articles", "Articles kept.", {}, n(c->articles));
      metrics.set("newsdesk_store_stories", "Stories kept (merged ones not counted).", {}, n(c->stories));
      for (const auto& [state, count] : c->subscribers) {
        metrics.set("newsdesk_store_subscribers", "Subscribers by state.", {{"state", state}}, n(count));
      }
      for (const auto& [state, count] : c->deliveries) {
        metrics.set("newsdesk_store_deliveries", "Edition copies in the delivery ledger by state (the send queue).",
                    {{"state", state}}, n(count));
      }
    }
    set_content(res, metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  impl.router.get("/healthz", [](const HttpRequest&, const Matches&, HttpResponse& res) { set_content(res, "ok\n", "text/plain"); });
  // Answers on the event loop: a public page rendered less than kPageTtl ago,
  // or, while one request renders it anew, the copy before.
  auto ready = [m](const HttpRequest& req) -> std::shared_ptr<const PreparedResponse> {
    if (!cacheable(req)) return nullptr;
    auto hit = m->pages.lookup(req.path, std::chrono::steady_clock::now());
    if (!hit) return nullptr;
    count_request(req.method, hit->status);
    return hit;
  };
  // Everything else, on a worker: route, render, keep a public page for the next readers.
  auto handle = [m, html](const HttpRequest& req) -> std::shared_ptr<const PreparedResponse> {
    HttpResponse res;
    std::string allowed;
    if (!m->router.route(req, res, allowed)) {
      if (!allowed.empty()) {
        res.headers.emplace_back("Allow", allowed);
        set_content(res, "method not allowed\n", "text/plain; charset=utf-8");
        res.status = 405;
      } else {
        html(res, 404, not_found_page(m->site));
      }
    }
    count_request(req.method, res.status);
    auto prepared = prepare(std::move(res));
    if (cacheable(req)) m->pages.store(req.path, prepared, std::chrono::steady_clock::now());
    return prepared;
  };
  HttpServerOptions options;
  options.listen = config.web.listen;
  options.port = config.web.port;
  ND_TRY_ASSIGN(http, HttpServer::start(options, ready, handle));
  impl.http = std::move(*http);
  return s;
}

}  // namespace newsdesk::web
