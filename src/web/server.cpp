#include "web/server.hpp"

#include <httplib.h>

#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/signed_link.hpp"
#include "edition/edition.hpp"
#include "web/pages.hpp"

namespace newsdesk::web {

struct SiteServer::Impl {
  httplib::Server server;
  std::mutex store_mutex;
  std::unique_ptr<store::Store> store;
  core::Config config;
  SiteInfo site;
  std::thread thread;
  int port = 0;
};

SiteServer::SiteServer() : impl_(std::make_unique<Impl>()) {}

SiteServer::~SiteServer() { stop(); }

void SiteServer::stop() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string SiteServer::base_url() const { return fmt::format("http://{}:{}", impl_->config.web.listen, impl_->port); }

core::Result<std::unique_ptr<SiteServer>> SiteServer::start(const core::Config& config, std::unique_ptr<store::Store> store) {
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
    res.set_header("Content-Security-Policy", "default-src 'none'; img-src http: https:; style-src 'unsafe-inline'; frame-ancestors 'none'");
    res.set_content(body, "text/html; charset=utf-8");
  };
  impl.server.Get("/", [m, html](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(m->store_mutex);
    auto edition = m->store->editions().latest(m->config.edition.name);
    if (!edition) return html(res, 500, "store error: " + edition.error().message);
    html(res, 200, headlines_page(m->site, *edition));
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
    html(res, 200, story_page(m->site, **story, list));
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
  // Readers' links from their email: unsubscribe (RFC 8058 one-click POST, or
  // a page with one button) and preferences. The token in the link says who;
  // nothing else is asked.
  auto link_secret = [m]() -> std::string {
    auto secret = m->store->secret("links");
    return secret ? *secret : std::string();
  };
  auto unsubscribe = [m, html, link_secret](const httplib::Request& req, httplib::Response& res, bool post) {
    std::lock_guard lock(m->store_mutex);
    const std::string token = req.get_param_value("t");
    auto claims = core::verify_link(link_secret(), "unsubscribe", token);
    if (!claims) {
      return html(res, 400, subscription_page(m->site, {"This link does not work", "The unsubscribe link is not valid; it may "
                                                        "have been cut short. Please use the whole link from the email.", "", ""}));
    }
    auto who = m->store->subscribers().find(claims->subscriber);
    if (!who) return html(res, 500, "store error: " + who.error().message);
    if (!*who) {
      return html(res, 200, subscription_page(m->site, {"Unsubscribed", "This address is no longer on the list.", "", ""}));
    }
    const core::Subscriber& reader = **who;
    if (!post) {
      if (reader.state == core::SubscriberState::kUnsubscribed) {
        return html(res, 200, subscription_page(m->site, {"Unsubscribed", reader.email + " gets no more editions of " + m->site.name + ".", "", ""}));
      }
      return html(res, 200, subscription_page(m->site, {"Unsubscribe from " + m->site.name, "Stop sending editions to " + reader.email + "?",
                                                        "Unsubscribe", "/unsubscribe?t=" + token}));
    }
    if (reader.state != core::SubscriberState::kUnsubscribed) {
      auto done = m->store->subscribers().set_state(reader.id, core::SubscriberState::kUnsubscribed, core::SystemClock().now());
      if (!done) return html(res, 500, "store error: " + done.error().message);
    }
    if (req.get_param_value("List-Unsubscribe") == "One-Click") {
      // A mailbox provider's one-click POST: a plain answer, nothing to render.
      res.set_content("unsubscribed\n", "text/plain; charset=utf-8");
      return;
    }
    html(res, 200, subscription_page(m->site, {"Unsubscribed", reader.email + " gets no more editions of " + m->site.name + ".", "", ""}));
  };
  impl.server.Get("/unsubscribe", [unsubscribe](const httplib::Request& req, httplib::Response& res) { unsubscribe(req, res, false); });
  impl.server.Post("/unsubscribe", [unsubscribe](const httplib::Request& req, httplib::Response& res) { unsubscribe(req, res, true); });
  impl.server.Get("/preferences", [m, html, link_secret](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m->store_mutex);
    const std::string secret = link_secret();
    auto claims = core::verify_link(secret, "preferences", req.get_param_value("t"));
    if (!claims) {
      return html(res, 400, subscription_page(m->site, {"This link does not work", "The preferences link is not valid; it may "
                                                        "have been cut short. Please use the whole link from the email.", "", ""}));
    }
    auto who = m->store->subscribers().find(claims->subscriber);
    if (!who || !*who) return html(res, 404, not_found_page(m->site));
    const core::Subscriber& reader = **who;
    const std::string action = "/unsubscribe?t=" + core::sign_link(secret, {"unsubscribe", reader.id, 0});
    const bool subscribed = reader.state == core::SubscriberState::kConfirmed || reader.state == core::SubscriberState::kPending;
    html(res, 200, subscription_page(m->site, {"Your subscription", fmt::format("{} is {} to {}.", reader.email,
                                                                               subscribed ? "subscribed" : "not subscribed", m->site.name),
                                               subscribed ? "Unsubscribe" : "", action}));
  });
  impl.server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
  impl.server.set_error_handler([m, html](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404) html(res, 404, not_found_page(m->site));
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
