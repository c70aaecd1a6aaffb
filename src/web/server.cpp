#include "web/server.hpp"

// cpp-httplib listens with a backlog of 5: a burst of new readers would see
// their connections dropped and retried a second later.
#define CPPHTTPLIB_LISTEN_BACKLOG 1024
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "core/time.hpp"
#include "edition/edition.hpp"
#include "web/pages.hpp"
#include "rank/score.hpp"
#include "web/admin.hpp"
#include "web/api.hpp"
#include "web/subscriptions.hpp"

namespace newsdesk::web {

struct SiteServer::Impl {
  httplib::Server server;
  std::mutex store_mutex;
  std::unique_ptr<store::Store> store;
  core::Config config;
  SiteInfo site;
  std::thread thread;
  int port = 0;
  core::SystemClock clock;
  std::unique_ptr<Subscriptions> subscriptions;
  std::unique_ptr<Api> api;
  std::unique_ptr<Admin> admin;
  LiveStories live;
  std::vector<std::string> beats;  // "military" and the configured ones
  // Public pages, rendered once and kept for a moment: the same bytes for
  // every reader, so a busy front page costs one render per kTtl.
  struct Cached {
    int status = 200;
    std::string body;
    httplib::Headers headers;
    std::chrono::steady_clock::time_point expires;
  };
  std::mutex cache_mutex;
  std::map<std::string, Cached> cache;
};

namespace {

constexpr std::chrono::seconds kPageTtl{2};

// The pages that are the same for everyone: the front page, stories, editions, the archive, feeds.
bool cacheable(const httplib::Request& req) {
  if (req.method != "GET" || !req.params.empty()) return false;
  const std::string& p = req.path;
  return p == "/" || p.rfind("/story/", 0) == 0 || p.rfind("/edition/", 0) == 0 || p.rfind("/editions", 0) == 0 ||
         p.rfind("/beats/", 0) == 0;
}

}  // namespace

SiteServer::SiteServer() : impl_(std::make_unique<Impl>()) {}

SiteServer::~SiteServer() { stop(); }

void SiteServer::stop() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string SiteServer::base_url() const { return fmt::format("http://{}:{}", impl_->config.web.listen, impl_->port); }

core::Result<std::unique_ptr<SiteServer>> SiteServer::start(const core::Config& config, std::unique_ptr<store::Store> store,
                                                           ConfirmationMailer mailer, LiveStories live_stories) {
  std::unique_ptr<SiteServer> s(new SiteServer());
  Impl& impl = *s->impl_;
  impl.config = config;
  impl.store = std::move(store);
  impl.site = SiteInfo{config.edition.name, config.edition.support_url, config.edition.postal_address};
  Impl* m = &impl;
  auto html = [](httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "strict-origin-when-cross-origin");
    res.set_header("Content-Security-Policy", "default-src 'none'; img-src http: https:; media-src http: https:; style-src 'unsafe-inline'; frame-ancestors 'none'");
    res.set_content(body, "text/html; charset=utf-8");
  };
  impl.live = std::move(live_stories);
  impl.beats = {"military"};
  for (const auto& b : config.beats) {
    if (b.name != "military") impl.beats.push_back(b.name);
  }
  impl.server.Get("/", [m, html](const httplib::Request&, httplib::Response& res) {
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
  impl.server.Get(R"(/beats/([a-z0-9_-]+)\.(atom|rss|json))", [m, html](const httplib::Request& req, httplib::Response& res) {
    const std::string beat = req.matches[1], kind = req.matches[2];
    if (!m->live || std::find(m->beats.begin(), m->beats.end(), beat) == m->beats.end()) {
      return html(res, 404, not_found_page(m->site));
    }
    std::lock_guard lock(m->store_mutex);
    auto stories = m->live(*m->store, beat, 20);
    if (!stories) return html(res, 500, "store error: " + stories.error().message);
    const LiveBeat live{beat, std::move(*stories)};
    const auto now = core::SystemClock().now();
    const std::string& url = m->config.edition.site_url;
    res.set_header("X-Content-Type-Options", "nosniff");
    if (kind == "atom") res.set_content(beat_atom(live, m->site.name, url, now), "application/atom+xml; charset=utf-8");
    else if (kind == "rss") res.set_content(beat_rss(live, m->site.name, url, now), "application/rss+xml; charset=utf-8");
    else res.set_content(beat_json_feed(live, m->site.name, url), "application/feed+json; charset=utf-8");
  });
  impl.server.Get(R"(/story/(\d+))", [m, html](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m->store_mutex);
    core::Id id = std::stoll(req.matches[1]);
    auto story = m->store->stories().get(id);
    if (!story || !*story) return html(res, 404, not_found_page(m->site));
    auto articles = m->store->articles().by_story(id);
    auto sources = m->store->sources().list();
    if (!articles || !sources) return html(res, 500, "store error");
    std::vector<StoryArticle> list;
    for (auto& a : *articles) {
      std::string outlet = a.site_name;
      for (const auto& src : *sources) {
        if (src.id == a.source_id) outlet = src.name;
      }
      list.push_back({std::move(a), outlet});
    }
    // Why it ranks: the story scored for the site's beat, as of now (the page is kept 2 s).
    std::optional<StoryWhy> why;
    if (auto beat = rank::beat_named(m->config.rank.beat, m->config.beats)) {
      rank::BeatMatcher matcher(*beat);
      rank::StoryBundle bundle{**story, {}};
      for (const auto& sa : list) {
        core::Source source;
        for (const auto& src : *sources) {
          if (src.id == sa.article.source_id) source = src;
        }
        bundle.articles.push_back({sa.article, source, std::nullopt});
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
  impl.server.Get(R"(/edition/(\d{4}-\d{2}-\d{2}))", [m, html](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m->store_mutex);
    auto edition = m->store->editions().by_date(m->config.edition.name, req.matches[1]);
    if (!edition || !*edition) return html(res, 404, not_found_page(m->site));
    auto rendered = m->store->editions().rendered((*edition)->id);
    if (!rendered || !*rendered) return html(res, 404, not_found_page(m->site));
    html(res, 200, (*rendered)->html);
  });
  // The editions as feeds (Atom, RSS, JSON Feed), newest first.
  auto feed = [m](httplib::Response& res, const char* type, auto&& render) {
    std::lock_guard lock(m->store_mutex);
    auto editions = m->store->editions().list(m->config.edition.name, 30);
    if (!editions) {
      res.status = 500;
      res.set_content("store error: " + editions.error().message, "text/plain; charset=utf-8");
      return;
    }
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_content(render(*editions, m->config.edition.name, m->config.edition.site_url), type);
  };
  impl.server.Get("/editions.atom", [feed](const httplib::Request&, httplib::Response& res) {
    feed(res, "application/atom+xml; charset=utf-8", edition::editions_atom);
  });
  impl.server.Get("/editions.rss", [feed](const httplib::Request&, httplib::Response& res) {
    feed(res, "application/rss+xml; charset=utf-8", edition::editions_rss);
  });
  impl.server.Get("/editions.json", [feed](const httplib::Request&, httplib::Response& res) {
    feed(res, "application/feed+json; charset=utf-8", edition::editions_json_feed);
  });
  // The subscriber's pages (web/subscriptions): sign-up with double opt-in,
  // confirmation, preferences, one-click unsubscribe, export and erasure.
  impl.subscriptions = std::make_unique<Subscriptions>(impl.config, impl.site, *impl.store, impl.store_mutex, std::move(mailer),
                                                       impl.clock);
  Subscriptions* subs = impl.subscriptions.get();
  auto adapt_with = [](const httplib::Request& req, const std::string& cookie_name) {
    Request r;
    for (const auto& [name, value] : req.params) {
      auto& slot = r.params[name];
      slot += (slot.empty() ? "" : "\n") + value;  // a field given more than once (checkboxes)
    }
    const std::string cookies = req.get_header_value("Cookie");
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
  auto adapt = [adapt_with](const httplib::Request& req) { return adapt_with(req, Subscriptions::kCookie); };
  auto reply = [html](httplib::Response& res, const Response& out) {
    if (!out.set_cookie.empty()) res.set_header("Set-Cookie", out.set_cookie);
    if (!out.disposition.empty()) res.set_header("Content-Disposition", out.disposition);
    for (const auto& [name, value] : out.headers) res.set_header(name, value);
    res.set_header("Cache-Control", "no-store");  // pages about one reader are theirs alone
    if (out.content_type.rfind("text/html", 0) == 0) return html(res, out.status, out.body);
    res.status = out.status;
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_content(out.body, out.content_type);
  };
  using Handler = Response (Subscriptions::*)(const Request&);
  auto route = [&](const char* path, bool post, Handler h) {
    auto handler = [subs, adapt, reply, h](const httplib::Request& req, httplib::Response& res) { reply(res, (subs->*h)(adapt(req))); };
    if (post) impl.server.Post(path, handler);
    else impl.server.Get(path, handler);
  };
  using Handler2 = Response (Subscriptions::*)(const Request&, bool);
  auto route2 = [&](const char* path, Handler2 h) {
    impl.server.Get(path, [subs, adapt, reply, h](const httplib::Request& req, httplib::Response& res) {
      reply(res, (subs->*h)(adapt(req), false));
    });
    impl.server.Post(path, [subs, adapt, reply, h](const httplib::Request& req, httplib::Response& res) {
      reply(res, (subs->*h)(adapt(req), true));
    });
  };
  // The JSON API (web/api, docs/api.md).
  impl.api = std::make_unique<Api>(impl.config, *impl.store, impl.store_mutex, impl.clock);
  Api* api = impl.api.get();
  auto api_handler = [api, reply](const httplib::Request& req, httplib::Response& res) {
    ApiRequest r;
    r.method = req.method;
    r.path = req.path;
    r.authorization = req.get_header_value("Authorization");
    r.body = req.body;
    for (const auto& [name, value] : req.params) r.params[name] = value;
    r.ip = req.remote_addr;
    reply(res, api->handle(r));
  };
  impl.server.Get(R"(/api/.*)", api_handler);
  impl.server.Post(R"(/api/.*)", api_handler);
  // The admin pages (web/admin), behind a password and a session cookie.
  impl.admin = std::make_unique<Admin>(impl.config, impl.site, *impl.store, impl.store_mutex, impl.clock);
  Admin* admin = impl.admin.get();
  auto admin_handler = [admin, adapt_with, reply](const httplib::Request& req, httplib::Response& res) {
    reply(res, admin->handle(req.method, req.path, adapt_with(req, Admin::kCookie)));
  };
  impl.server.Get(R"(/admin(/.*)?)", admin_handler);
  impl.server.Post(R"(/admin(/.*)?)", admin_handler);
  route("/subscribe", false, &Subscriptions::signup_form);
  route("/subscribe", true, &Subscriptions::signup);
  route2("/confirm", &Subscriptions::confirm);
  route2("/unsubscribe", &Subscriptions::unsubscribe);
  route2("/preferences", &Subscriptions::preferences);
  route("/export", false, &Subscriptions::export_data);
  route("/erase", true, &Subscriptions::erase);
  impl.server.Get("/editions", [m, html](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(m->store_mutex);
    auto editions = m->store->editions().list(m->config.edition.name, 3660);
    if (!editions) return html(res, 500, "store error: " + editions.error().message);
    html(res, 200, archive_page(m->site, *editions));
  });
  impl.server.Get("/search", [m, html](const httplib::Request& req, httplib::Response& res) {
    SearchView view;
    view.query = req.get_param_value("q").substr(0, 200);
    const long long page = std::atoll(req.get_param_value("page").c_str());
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
  impl.server.Get("/metrics", [m](const httplib::Request&, httplib::Response& res) {
    auto& metrics = core::Metrics::global();
    {
      std::lock_guard lock(m->store_mutex);
      auto c = m->store->counts();
      if (!c) {
        res.status = 500;
        res.set_content("store error: " + c.error().message + "\n", "text/plain; charset=utf-8");
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
    res.set_content(metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  impl.server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
  // A thread per open connection, up to kMaxConnections: cpp-httplib keeps a
  // keep-alive connection on its thread, so a pool smaller than the clients
  // leaves the rest waiting whole keep-alive periods.
  constexpr size_t kMaxConnections = 128;
  impl.server.new_task_queue = [] { return new httplib::ThreadPool(kMaxConnections); };
  impl.server.set_keep_alive_max_count(1000);
  // Headers and body go in separate writes: without this, the body waits for the client's delayed ACK.
  impl.server.set_tcp_nodelay(true);
  impl.server.set_keep_alive_timeout(5);
  impl.server.set_pre_routing_handler([m](const httplib::Request& req, httplib::Response& res) {
    if (!cacheable(req)) return httplib::Server::HandlerResponse::Unhandled;
    std::lock_guard lock(m->cache_mutex);
    auto it = m->cache.find(req.path);
    if (it == m->cache.end() || it->second.expires < std::chrono::steady_clock::now()) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    res.status = it->second.status;
    std::string type = "text/html; charset=utf-8";
    for (const auto& [name, value] : it->second.headers) {
      if (name == "Content-Type") type = value;
      else res.set_header(name, value);
    }
    res.set_content(it->second.body, type);
    return httplib::Server::HandlerResponse::Handled;
  });
  impl.server.set_post_routing_handler([m](const httplib::Request& req, httplib::Response& res) {
    if (!cacheable(req) || (res.status != 200 && res.status != 404)) return;
    std::lock_guard lock(m->cache_mutex);
    if (m->cache.size() > 2000) m->cache.clear();  // bounded: story pages are many
    httplib::Headers kept;  // what the handler set; the connection's own headers are the server's to write
    for (const auto& [name, value] : res.headers) {
      if (name != "Content-Length" && name != "Connection" && name != "Keep-Alive") kept.emplace(name, value);
    }
    m->cache[req.path] = {res.status, res.body, std::move(kept), std::chrono::steady_clock::now() + kPageTtl};
  });
  impl.server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    core::Metrics::global().add("newsdesk_http_requests_total", "HTTP requests answered, by method and status.",
                                {{"method", req.method}, {"code", std::to_string(res.status)}});
  });
  impl.server.set_error_handler([m, html](const httplib::Request&, httplib::Response& res) {
    // Only where no handler answered (an API's JSON 404 stays as it is).
    if (res.status == 404 && res.body.empty()) html(res, 404, not_found_page(m->site));
  });
  impl.port = config.web.port == 0 ? impl.server.bind_to_any_port(config.web.listen)
                                   : (impl.server.bind_to_port(config.web.listen, config.web.port) ? config.web.port : -1);
  if (impl.port <= 0) {
    return core::fail(core::ErrorCode::kNetwork,
                      fmt::format("cannot listen on {}:{} (in use?)", config.web.listen, config.web.port));
  }
  impl.thread = std::thread([m] { m->server.listen_after_bind(); });
  for (int i = 0; i < 5000 && !impl.server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return s;
}

}  // namespace newsdesk::web
