#include "app/commands.hpp"

#include <cstdio>
#include <unistd.h>
#include <map>
#include <optional>
#include <string_view>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include "app/article_pages.hpp"
#include "app/cli_support.hpp"
#include "app/demo.hpp"
#include "app/doctor.hpp"
#include "app/extract_output.hpp"
#include "app/pipeline.hpp"
#include "app/poller.hpp"
#include "app/sender.hpp"
#include "app/serve.hpp"
#include "app/worker.hpp"
#include "cluster/story_clusterer.hpp"
#include "core/clock.hpp"
#include "core/strings.hpp"
#include "core/time.hpp"
#include "core/url.hpp"
#include "edition/edition.hpp"
#include "feed/feed.hpp"
#include "rank/beat.hpp"
#include "rank/score.hpp"
#include "store/store.hpp"

namespace newsdesk::app {
namespace {

// A source's feed or site URL as stored (core::normalize_feed_url); a bad one
// is the user's mistake: exit 2, naming what is wrong. `what`: "feed", "site".
std::string need_source_url(const std::string& url, std::string_view what) {
  auto normalized = core::normalize_feed_url(url);
  if (!normalized) fail_with(kExitUsage, fmt::format("'{}' is not a {} URL: {}", url, what, normalized.error().message));
  return std::move(*normalized);
}

// The source registered under `url`: its normalised form, else as typed (a
// source registered before feed URLs were normalised).
std::optional<core::Source> find_source_by_url(store::Store& store, const std::string& url) {
  if (auto normalized = core::normalize_feed_url(url); normalized && *normalized != url) {
    if (auto found = need(store.sources().find_by_feed_url(*normalized))) return found;
  }
  return need(store.sources().find_by_feed_url(url));
}

// Where an OPML outline stands, for messages: "FILE:LINE" ("FILE" when the
// parser could not tell the line).
std::string outline_place(const std::string& input, const feed::OpmlOutline& o) {
  const std::string file = input == "-" ? "<stdin>" : input;
  return o.line > 0 ? fmt::format("{}:{}", file, o.line) : file;
}

// The source an OPML outline registers, or nullopt when its xmlUrl breaks the
// feed URL rule (said on stderr, with its line). A bad htmlUrl only loses the
// site, said as well.
std::optional<core::Source> source_of_outline(const std::string& input, const feed::OpmlOutline& o) {
  auto feed_url = core::normalize_feed_url(o.feed_url);
  if (!feed_url) {
    std::fprintf(stderr, "newsdesk: %s: outline skipped: '%s' is not a feed URL: %s\n", outline_place(input, o).c_str(),
                 o.feed_url.c_str(), feed_url.error().message.c_str());
    return std::nullopt;
  }
  core::Source src;
  src.name = o.title.empty() ? *feed_url : o.title;
  src.feed_url = *feed_url;
  src.language = o.language;
  src.country = o.country;
  if (!o.site_url.empty()) {
    auto site_url = core::normalize_feed_url(o.site_url);
    if (site_url) {
      src.site_url = *site_url;
    } else {
      std::fprintf(stderr, "newsdesk: %s: htmlUrl ignored: '%s' is not a site URL: %s\n",
                   outline_place(input, o).c_str(), o.site_url.c_str(), site_url.error().message.c_str());
    }
  }
  return src;
}

void add_sources_commands(CLI::App& app, Globals& g) {
  auto* sources = app.add_subcommand("sources", "Manage the outlets newsdesk reads");
  sources->require_subcommand(1);

  auto* add = sources->add_subcommand("add", "Register a feed");
  static core::Source s;
  add->add_option("feed_url", s.feed_url, "The feed's URL (RSS, Atom or JSON Feed)")->required();
  add->add_option("--name", s.name, "Display name (default: the feed URL)");
  add->add_option("--site", s.site_url, "The outlet's home page");
  add->add_option("--country", s.country, "ISO 3166 country code");
  add->add_option("--language", s.language, "Language code (en, fr, ...)");
  add->add_option("--weight", s.weight, "Authority weight used by ranking")->check(CLI::Range(0.0, 100.0));
  add->add_flag("--own", s.own, "The newsroom's own outlet");
  add->add_option("--excerpt", s.excerpt, "What editions show of its articles: summary (headline, summary, link) or headline")
      ->check(CLI::IsMember({"summary", "headline"}));
  add->callback([&g] {
    if (s.name.empty()) s.name = core::trim(s.feed_url);  // as typed: an internationalised host stays readable
    s.feed_url = need_source_url(s.feed_url, "feed");
    if (!s.site_url.empty()) s.site_url = need_source_url(s.site_url, "site");
    auto store = open_store(load(g));
    core::Id id = need(store->sources().add(s));
    std::printf("added source %lld: %s\n", static_cast<long long>(id), s.feed_url.c_str());
  });

  auto* list = sources->add_subcommand("list", "List the registered sources and their health");
  static bool as_json = false;
  list->add_flag("--json", as_json, "One JSON object per line");
  list->callback([&g] {
    auto config = load(g);
    auto store = open_store(config);
    auto all = need(store->sources().list());
    auto now = core::SystemClock().now();
    auto when = [](const std::optional<core::TimePoint>& t) { return t ? core::format_rfc3339(*t) : std::string(); };
    if (!as_json) {
      std::printf("%4s  %-24s  %-9s  %5s  %7s  %-20s  %s\n", "id", "name", "health", "fails", "items/d", "next poll",
                  "feed  [last error]");
    }
    for (const auto& src : all) {
      auto st = need(store->feeds().state(src.id));
      // A source failing for longer than poll.failing_after_hours is flagged, never dropped.
      bool failing_long = st.failing_since &&
                          now - *st.failing_since >= std::chrono::hours(config.poll.failing_after_hours);
      std::string health = st.gone                     ? "gone"
                           : failing_long              ? "FAILING"
                           : st.consecutive_failures   ? "failing"
                           : st.last_success           ? "ok"
                                                       : "new";
      if (as_json) {
        nlohmann::json j = {{"id", src.id}, {"name", src.name}, {"feed_url", src.feed_url}, {"site_url", src.site_url},
                            {"country", src.country}, {"language", src.language}, {"weight", src.weight},
                            {"own", src.own}, {"excerpt", src.excerpt}, {"health", health}, {"consecutive_failures", st.consecutive_failures},
                            {"last_error", st.last_error}, {"last_error_class", st.last_error_class},
                            {"failing_since", when(st.failing_since)}, {"last_success", when(st.last_success)},
                            {"last_polled", when(st.last_polled)}, {"next_poll", when(st.next_poll)},
                            {"items_per_day", st.items_per_day}};
        std::printf("%s\n", j.dump().c_str());
      } else {
        std::string error = st.last_error.empty() ? "" : fmt::format("  [{}: {}]", st.last_error_class, st.last_error);
        if (failing_long) error += fmt::format("  failing since {}", when(st.failing_since));
        std::printf("%4lld  %-24.24s  %-9s  %5d  %7.1f  %-20s  %s%s\n", static_cast<long long>(src.id),
                    src.name.c_str(), health.c_str(), st.consecutive_failures, st.items_per_day,
                    st.gone ? "never" : st.next_poll ? when(st.next_poll).c_str() : "now", src.feed_url.c_str(),
                    error.c_str());
      }
    }
  });

  auto* discover = sources->add_subcommand("discover", "Find the feeds a site offers");
  static std::string site;
  static bool add_found = false;
  discover->add_option("url", site, "The site's address (a home page or a feed)")->required();
  discover->add_flag("--add", add_found, "Register the feeds found as sources");
  discover->callback([&g] {
    auto config = load(g);
    auto fetcher = fetch::make_curl_fetcher(config.fetch);
    auto found = need(discover_site_feeds(*fetcher, site));
    if (found.empty()) fail_with(kExitFailure, fmt::format("{}: no feed found", site));
    std::unique_ptr<store::Store> store;
    if (add_found) store = open_store(config);
    const std::string site_url = core::normalize_feed_url(site).value_or("");
    for (const auto& f : found) {
      std::printf("%-9s  %5zu entries  %s  %s\n", f.format.c_str(), f.entries, f.url.c_str(), f.title.c_str());
      if (!store) continue;
      auto feed_url = core::normalize_feed_url(f.url);
      if (!feed_url) {
        std::fprintf(stderr, "newsdesk: not added: '%s' is not a feed URL: %s\n", f.url.c_str(),
                     feed_url.error().message.c_str());
        continue;
      }
      if (need(store->sources().find_by_feed_url(*feed_url))) continue;
      core::Source src;
      src.name = f.title.empty() ? *feed_url : f.title;
      src.feed_url = *feed_url;
      src.site_url = site_url;
      need(store->sources().add(src));
    }
  });

  auto* remove = sources->add_subcommand("remove", "Remove a source (by id or feed URL) and what was read from it");
  static std::string which;
  remove->add_option("source", which, "Source id or feed URL")->required();
  remove->callback([&g] {
    auto store = open_store(load(g));
    core::Id id = 0;
    if (!which.empty() && which.find_first_not_of("0123456789") == std::string::npos) {
      id = std::stoll(which);
    } else {
      auto found = find_source_by_url(*store, which);
      if (!found) fail_with(kExitFailure, fmt::format("no source with the feed URL {}", which));
      id = found->id;
    }
    if (!need(store->sources().remove(id))) fail_with(kExitFailure, fmt::format("no source with id {}", id));
    std::printf("removed source %lld\n", static_cast<long long>(id));
  });

  auto* import = sources->add_subcommand("import-opml", "Register every feed of an OPML file");
  static std::string opml_in;
  import->add_option("opml", opml_in, "OPML file, URL or - for standard input")->required();
  import->callback([&g] {
    auto config = load(g);
    auto store = open_store(config);
    auto outlines = need(feed::parse_opml(read_input(opml_in, config)));
    // A bad outline is skipped and said, not the end of the import: the rest
    // of the file is still worth registering.
    int added = 0, skipped = 0, rejected = 0;
    for (const auto& o : outlines) {
      auto src = source_of_outline(opml_in, o);
      if (!src) {
        ++rejected;
      } else if (need(store->sources().find_by_feed_url(src->feed_url))) {
        ++skipped;
      } else {
        need(store->sources().add(*src));
        ++added;
      }
    }
    std::printf("imported %d source(s), %d already registered, %d rejected (not a feed URL)\n", added, skipped,
                rejected);
  });

  auto* export_cmd = sources->add_subcommand("export-opml", "Write the sources as OPML 2.0");
  static std::string opml_out;
  export_cmd->add_option("file", opml_out, "Output file (default: standard output)");
  export_cmd->callback([&g] {
    auto store = open_store(load(g));
    std::vector<feed::OpmlOutline> outlines;
    for (const auto& src : need(store->sources().list())) {
      outlines.push_back({src.name, src.feed_url, src.site_url, src.language, src.country, ""});
    }
    std::string text = feed::write_opml("newsdesk sources", outlines);
    if (opml_out.empty()) {
      std::fwrite(text.data(), 1, text.size(), stdout);
    } else {
      std::ofstream out(opml_out, std::ios::binary | std::ios::trunc);
      out << text;
      if (!out) fail_with(kExitFailure, fmt::format("{}: cannot write", opml_out));
    }
  });
}

void add_extract_command(CLI::App& app, Globals& g) {
  auto* cmd = app.add_subcommand("extract", "Extract the article from one page, or from every page of a folder");
  static std::string input, format = "txt", url, jsonl_dir;
  static bool with_metadata = false, explain = false;
  static int jobs = 1, follow_pages = 0;
  cmd->add_option("input", input, "HTML file, URL or - for standard input");
  cmd->add_option("--format", format, "txt, json, markdown or html")
      ->check(CLI::IsMember({"txt", "json", "markdown", "html"}));
  cmd->add_option("--url", url, "The page's URL, when reading a file");
  cmd->add_flag("--with-metadata", with_metadata, "Print title, byline and date before the text");
  cmd->add_option("--jsonl", jsonl_dir, "Extract every *.html / *.html.gz under DIR: one JSON line per file");
  cmd->add_option("-j,--jobs", jobs, "Threads for --jsonl")->check(CLI::Range(1, 256));
  cmd->add_flag("--explain", explain, "Say which container was chosen and why each block was kept or dropped");
  cmd->add_option("--follow-pages", follow_pages,
                  "For a URL: fetch up to N further pages of an article split across pages and join them")
      ->check(CLI::Range(0, 50));
  cmd->callback([&g] {
    auto config = load(g);
    extract::Options options{config.extract.max_html_bytes, config.extract.max_depth};
    if (!jsonl_dir.empty()) {
      if (!input.empty()) fail_with(kExitUsage, "give either a page or --jsonl DIR, not both");
      need(extract_folder_as_jsonl(jsonl_dir, options, jobs));
      return;
    }
    if (input.empty()) fail_with(kExitUsage, "extract needs a page (FILE, URL or -) or --jsonl DIR");
    if (follow_pages > 0) {
      // The further parts are addresses on the web: only a page read from the web has them to fetch.
      if (!core::is_http_url(input)) {
        fail_with(kExitUsage, "--follow-pages needs the page's URL: the further pages of a file cannot be fetched");
      }
      if (explain) fail_with(kExitUsage, "--explain reads one page: give it without --follow-pages");
      auto fetcher = fetch::make_curl_fetcher(config.fetch);
      auto first = fetcher->fetch({input, "", ""});
      if (!url.empty()) first.final_url = url;
      auto articles = read_articles(*fetcher, {input}, {first}, options, FollowOptions{follow_pages, false});
      auto a = articles.front();
      if (!a) fail_with(kExitFailure, fmt::format("{}: {}", input, a.error().message));
      std::printf("%s\n", format_article(*a, format, with_metadata).c_str());
      return;
    }
    std::string final_url, content_type;
    std::string html = read_input(input, config, &final_url, &content_type);
    if (input.size() > 3 && input.substr(input.size() - 3) == ".gz") html = need(gunzip(html));
    std::string page_url = !url.empty() ? url : !final_url.empty() ? final_url : input;
    if (explain) {
      std::printf("%s", need(extract::explain(html, page_url, options, fetch::charset_of(content_type))).c_str());
      return;
    }
    auto a = need(extract::extract(html, page_url, options, fetch::charset_of(content_type)));
    std::printf("%s\n", format_article(a, format, with_metadata).c_str());
  });
}

void add_feed_command(CLI::App& app, Globals& g) {
  auto* feed_cmd = app.add_subcommand("feed", "Look at one feed the way newsdesk reads it");
  feed_cmd->require_subcommand(1);
  auto* parse = feed_cmd->add_subcommand("parse", "Print what newsdesk reads from a feed: a JSON line for the feed, then one per entry");
  static std::string input, url;
  parse->add_option("input", input, "Feed file, URL or - for standard input")->required();
  parse->add_option("--url", url, "The feed's URL, to resolve relative links when reading a file");
  parse->callback([&g] {
    auto config = load(g);
    std::string final_url, content_type;
    std::string body = read_input(input, config, &final_url, &content_type);
    if (input.size() > 3 && input.substr(input.size() - 3) == ".gz") body = need(gunzip(body));
    std::string base = !url.empty() ? url : !final_url.empty() ? final_url : "";
    auto feed = feed::parse_feed(body, base, fetch::charset_of(content_type));
    if (!feed) fail_with(kExitFailure, fmt::format("{}: {}", input, feed.error().message));
    for (const auto& w : feed->warnings) spdlog::warn("{}: {}", input, w);
    std::string out = feed::feed_to_jsonl(*feed);
    std::fwrite(out.data(), 1, out.size(), stdout);
  });
}

void print_send_report(const core::Edition& edition, const SendReport& r, bool dry_run) {
  for (const auto& check : r.relays) std::printf("relay %s: %s\n", check.relay.c_str(), check.result.c_str());
  if (dry_run) {
    std::printf("edition of %s (dry run): %zu copies composed, %.1f KB on average, %zu failed to compose; "
                "%zu would be newly queued, %zu resumed; nothing sent or recorded\n",
                edition.date.c_str(), r.composed, r.composed ? static_cast<double>(r.bytes) / r.composed / 1024 : 0.0, r.failed,
                r.queued, r.resumed);
    return;
  }
  std::printf("edition of %s: %zu sent, %zu deferred, %zu failed (%zu hard bounces); %zu newly queued, %zu resumed\n",
              edition.date.c_str(), r.sent, r.deferred, r.failed, r.hard_bounces, r.queued, r.resumed);
  for (const auto& [relay, n] : r.sent_by_relay) std::printf("  through %s: %zu\n", relay.c_str(), n);
  for (const auto& e : r.relay_errors) std::printf("  relay trouble: %s\n", e.c_str());
  if (r.next_retry) std::printf("  deferred copies are due again from %s\n", core::format_rfc3339(*r.next_retry).c_str());
  for (const auto& other : r.other_senders) std::printf("  still held by the sender %s (its lease decides)\n", other.c_str());
}

void add_pipeline_commands(CLI::App& app, Globals& g) {
  auto* ingest = app.add_subcommand("ingest", "Poll the feeds that are due, fetch new articles, group them into stories");
  static bool every_feed = false;
  ingest->add_flag("--all", every_feed, "Poll every feed now, due or not (gone ones too)");
  ingest->callback([&g] {
    auto config = load(g);
    auto store = open_store(config);
    auto fetcher = fetch::make_curl_fetcher(config.fetch);
    auto now = core::SystemClock().now();
    auto polled = need(poll_feeds(*store, *fetcher, config.poll, now, every_feed));
    auto fetched = need(fetch_articles(*store, *fetcher, config, now));
    // Stories have one writer at a time: a running desk that leads the role
    // places these articles itself.
    const store::Claim lead{fmt::format("ingest:{}", ::getpid()), now, now + std::chrono::seconds(config.workers.lease_seconds)};
    ClusterReport clustered;
    if (need(store->lead("cluster", lead))) {
      clustered = need(cluster_articles(*store, config.cluster, now));
    } else {
      std::printf("stories: another worker writes them now; the new articles join their stories there\n");
    }
    std::printf("%zu feeds (%zu not modified, %zu failed), %zu new entries; %zu pages, %zu new articles (%zu failed); "
                "%zu articles clustered into %zu new stories, %zu copies\n",
                polled.feeds, polled.not_modified, polled.failed, polled.new_entries, fetched.pages, fetched.articles,
                fetched.failed, clustered.articles, clustered.new_stories, clustered.copies);
  });

  auto* poll = app.add_subcommand("poll", "Run the poller: read feeds as they fall due, fetch and cluster what is new");
  static PollerOptions poller;
  poll->add_flag("--once", poller.once, "One round (the feeds due now), then exit");
  poll->callback([&g] { need(run_poller(load(g), poller)); });

  auto* worker = app.add_subcommand("worker", "Run a worker: take the desk's work from the store beside any number of others");
  static std::string roles = "poll,fetch,cluster,send";
  static WorkerOptions worker_options;
  worker->add_option("--roles", roles, "What this worker does: poll, fetch, cluster, send (comma-separated)")->capture_default_str();
  worker->add_flag("--once", worker_options.once, "Work until nothing is due or waiting, then exit");
  worker->add_option("--name", worker_options.name, "The worker's name in the store's leases (default HOST:PID)");
  static bool work_status = false, work_status_json = false;
  worker->add_flag("--status", work_status,
                   "Print where the desk's work stands (feeds due, pages waiting, articles not in a story yet); do no work");
  worker->add_flag("--json", work_status_json, "With --status: one JSON object");
  worker->callback([&g] {
    auto config = load(g);
    if (work_status_json && !work_status) fail_with(kExitUsage, "--json goes with --status");
    if (work_status) {
      auto store = open_store(config);
      const auto c = need(store->counts());
      size_t failing = 0;
      for (const auto& [error_class, n] : c.feeds_failing) failing += n;
      const size_t due = need(store->feeds().due(core::SystemClock().now())).size();
      const size_t fetched = need(store->entries().count(store::EntryState::kFetched));
      const size_t failed = need(store->entries().count(store::EntryState::kFailed));
      const size_t skipped = need(store->entries().count(store::EntryState::kSkipped));
      const size_t unplaced = need(store->articles().count_unclustered());
      const auto workers = need(store->workers().live(core::SystemClock().now()));
      if (work_status_json) {
        nlohmann::json alive = nlohmann::json::array();
        for (const auto& w : workers) {
          alive.push_back({{"name", w.name}, {"roles", w.roles}, {"started", core::format_rfc3339(w.started)},
                           {"sites", w.sites}});
        }
        nlohmann::json j = {{"sources", c.sources}, {"feeds_due", due}, {"feeds_gone", c.feeds_gone},
                            {"feeds_failing", failing}, {"pages_waiting", c.entries_waiting}, {"pages_fetched", fetched},
                            {"pages_failed", failed}, {"pages_skipped", skipped}, {"articles", c.articles},
                            {"articles_not_in_a_story", unplaced}, {"stories", c.stories}, {"workers", alive}};
        std::printf("%s\n", j.dump().c_str());
      } else {
        std::printf("feeds: %zu, %zu due, %zu failing, %zu gone\n"
                    "pages: %zu waiting, %zu fetched, %zu failed, %zu skipped (not articles)\n"
                    "articles: %zu, %zu not in a story yet; stories: %zu\n"
                    "workers: %zu alive\n",
                    c.sources, due, failing, c.feeds_gone, c.entries_waiting, fetched, failed, skipped, c.articles, unplaced,
                    c.stories, workers.size());
        for (const auto& w : workers) {
          std::printf("  %-32s  %-24s  since %s  %zu sites held\n", w.name.c_str(), w.roles.c_str(),
                      core::format_rfc3339(w.started).c_str(), w.sites);
        }
      }
      return;
    }
    auto parsed = parse_roles(roles);
    if (!parsed) fail_with(kExitUsage, "--roles: " + parsed.error().message);
    worker_options.roles = *parsed;
    core::SystemClock clock;
    auto report = need(run_worker(config, worker_options, clock));
    std::printf("%zu feeds polled, %zu new entries; %zu pages fetched, %zu new articles; %zu articles placed, %zu new stories\n",
                report.feeds, report.new_entries, report.pages, report.articles, report.clustered, report.new_stories);
  });

  auto* edition = app.add_subcommand("edition", "Build, show and edit editions");
  edition->require_subcommand(1);
  static std::string edition_date, edition_key;
  // The configuration of the edition asked for: [edition], or [editions.NAME] with --edition NAME.
  auto load_edition = [&g] { return need(core::for_edition(load(g), edition_key)); };
  auto* build = edition->add_subcommand("build", "Rank the recent stories and build the edition (with the editor's changes)");
  static std::string out_dir = "edition";
  build->add_option("--out", out_dir, "Folder for edition.html, .txt, .json and .eml");
  build->add_option("--date", edition_date, "The edition's date, YYYY-MM-DD (default: today in edition.time_zone)");
  build->add_option("--edition", edition_key, "An edition of the configuration ([editions.NAME]); default [edition]");
  build->callback([load_edition] {
    auto config = load_edition();
    auto store = open_store(config);
    auto now = core::SystemClock().now();
    if (!edition_date.empty() && edition_date != need(core::local_date(now, config.edition.time_zone))) {
      // Another day's edition is built as of that day's send time.
      now = need(core::local_to_utc(edition_date, config.edition.send_time, config.edition.time_zone));
    }
    auto built = need(build_edition(*store, config, now, edition_date));
    need(write_edition_files(built, out_dir));
    std::printf("%s\n\n%s", built.edition.subject.c_str(), format_story_table(built).c_str());
    std::string held = edition::hold_reason(built.edition, config.edition);
    if (!held.empty()) std::fprintf(stderr, "newsdesk: %s\n", held.c_str());
  });

  auto* show = edition->add_subcommand("show", "Print a stored edition (the latest, or --date)");
  static std::string show_format = "text";
  show->add_option("--date", edition_date, "The edition's date, YYYY-MM-DD");
  show->add_option("--format", show_format, "text, html or json")->check(CLI::IsMember({"text", "html", "json"}));
  show->add_option("--edition", edition_key, "An edition of the configuration ([editions.NAME]); default [edition]");
  // A stored edition: the one of --date, else the latest.
  auto stored_edition = [](store::Store& store, const core::Config& config) {
    auto found = edition_date.empty() ? need(store.editions().latest(config.edition.name))
                                      : need(store.editions().by_date(config.edition.name, edition_date));
    if (!found) {
      fail_with(kExitFailure, fmt::format("no edition of {} {}", config.edition.name,
                                          edition_date.empty() ? "yet" : "on " + edition_date));
    }
    return std::move(*found);
  };
  show->callback([load_edition, stored_edition] {
    auto config = load_edition();
    auto store = open_store(config);
    auto found = stored_edition(*store, config);
    auto rendered = need(store->editions().rendered(found.id));
    if (!rendered) fail_with(kExitFailure, "the edition has no rendered copy");
    const std::string& out = show_format == "html" ? rendered->html : show_format == "json" ? rendered->json : rendered->text;
    std::fwrite(out.data(), 1, out.size(), stdout);
  });

  // Sending: top-level, as operators run it from cron or by hand.
  auto* send = app.add_subcommand("send", "Send a stored edition to its confirmed subscribers; resumes a stopped send");
  static bool dry_run = false;
  send->add_option("--edition", edition_key, "An edition of the configuration ([editions.NAME]); default [edition]");
  send->add_option("--date", edition_date, "The edition's date, YYYY-MM-DD (default: the latest)");
  send->add_flag("--dry-run", dry_run, "Compose every copy and greet every relay; send nothing, record nothing");
  static bool status_only = false;
  send->add_flag("--status", status_only, "Print where the edition's copies stand (the ledger's counts); send nothing");
  static bool force = false;
  send->add_flag("--force", force,
                 "Send an edition the checks hold back (fewer stories than [edition] min_stories, or a mail setup that "
                 "fails the pre-send check: newsdesk doctor)");
  send->callback([load_edition, stored_edition] {
    auto config = load_edition();
    auto store = open_store(config);
    auto found = stored_edition(*store, config);
    if (status_only) {
      auto c = need(store->deliveries().counts(found.id));
      std::printf("edition of %s: %zu queued, %zu sending, %zu sent, %zu deferred, %zu failed, %zu bounced\n", found.date.c_str(),
                  c.queued, c.sending, c.sent, c.deferred, c.failed, c.bounced);
      if (c.next_retry) std::printf("  deferred copies are due again from %s\n", core::format_rfc3339(*c.next_retry).c_str());
      return;
    }
    // The mail setup, checked once per edition, before its first copy.
    check_before_sending(*store, config, found, force, dry_run);
    SendOptions options;
    options.dry_run = dry_run;
    options.force = force;
    auto report = need(send_edition(*store, config, found, core::SystemClock(), options));
    if (!report.held.empty()) fail_with(kExitFailure, report.held);
    print_send_report(found, report, dry_run);
    if (report.stopped) fail_with(kExitFailure, "no relay could take the rest of the edition; they stay queued for the next run");
  });

  // The editor's last word: recorded now, applied when the edition is built.
  auto* edit_cmd = edition->add_subcommand("edit", "Pin, drop, move or retitle stories of an edition before its send time");
  edit_cmd->require_subcommand(1);
  static std::string editor;
  static long long story = 0;
  static int position = 0;
  static std::string title;
  edit_cmd->add_option("--date", edition_date, "The edition's date, YYYY-MM-DD (default: today in edition.time_zone)");
  edit_cmd->add_option("--editor", editor, "Who makes the change (default: $USER)");
  edit_cmd->add_option("--edition", edition_key, "An edition of the configuration ([editions.NAME]); default [edition]");
  auto record = [load_edition](core::EditionEdit::Action action) {
    auto config = load_edition();
    auto store = open_store(config);
    auto now = core::SystemClock().now();
    std::string date = edition_date.empty() ? need(core::local_date(now, config.edition.time_zone)) : edition_date;
    auto deadline = need(core::local_to_utc(date, config.edition.send_time, config.edition.time_zone));
    if (now >= deadline) {
      fail_with(kExitFailure, fmt::format("the edition of {} went out at {} {} ({}): too late to change it", date,
                                          config.edition.send_time, config.edition.time_zone,
                                          core::format_rfc3339(deadline)));
    }
    if (!need(store->stories().get(story))) fail_with(kExitFailure, fmt::format("no story {}", story));
    core::EditionEdit e;
    e.edition = config.edition.name;
    e.date = date;
    e.action = action;
    e.story_id = story;
    e.position = position;
    e.title = title;
    const char* user = std::getenv("USER");
    e.editor = !editor.empty() ? editor : user != nullptr && *user != '\0' ? user : "editor";
    e.at = now;
    need(store->editions().add_edit(e));
    std::printf("%s story %lld in the edition of %s (by %s); it applies when the edition is built\n",
                core::to_string(action), story, date.c_str(), e.editor.c_str());
  };
  auto* pin = edit_cmd->add_subcommand("pin", "Put a story in, whatever the ranking says");
  pin->add_option("story", story, "Story id")->required();
  pin->add_option("--at", position, "Its place, 1 = the lead (default: where its score puts it)")->check(CLI::Range(1, 100));
  pin->callback([record] { record(core::EditionEdit::Action::kPin); });
  auto* drop = edit_cmd->add_subcommand("drop", "Keep a story out");
  drop->add_option("story", story, "Story id")->required();
  drop->callback([record] { record(core::EditionEdit::Action::kDrop); });
  auto* move = edit_cmd->add_subcommand("move", "Put a story at a place");
  move->add_option("story", story, "Story id")->required();
  move->add_option("position", position, "1 = the lead")->required()->check(CLI::Range(1, 100));
  move->callback([record] { record(core::EditionEdit::Action::kMove); });
  auto* retitle = edit_cmd->add_subcommand("retitle", "Give a story another headline");
  retitle->add_option("story", story, "Story id")->required();
  retitle->add_option("title", title, "The headline")->required();
  retitle->callback([record] {
    title = core::collapse_whitespace(title);
    if (title.empty()) fail_with(kExitUsage, "the headline is empty");
    record(core::EditionEdit::Action::kRetitle);
  });
  auto* list_edits = edit_cmd->add_subcommand("list", "Who changed what in an edition");
  list_edits->callback([load_edition] {
    auto config = load_edition();
    auto store = open_store(config);
    std::string date = edition_date.empty() ? need(core::local_date(core::SystemClock().now(), config.edition.time_zone))
                                            : edition_date;
    for (const auto& e : need(store->editions().edits(config.edition.name, date))) {
      std::string what = e.action == core::EditionEdit::Action::kRetitle ? " \"" + e.title + "\""
                         : e.position > 0 ? fmt::format(" at {}", e.position) : "";
      std::printf("%s  %-8s %-8s story %lld%s\n", core::format_rfc3339(e.at).c_str(), e.editor.c_str(),
                  core::to_string(e.action), static_cast<long long>(e.story_id), what.c_str());
    }
  });
}

void add_rank_command(CLI::App& app, Globals& g) {
  auto* cmd = app.add_subcommand("rank", "Today's top stories for a beat, best first, and why");
  static std::string beat_name;
  static bool explain = false, as_json = false;
  static int limit = 20, hours = 72;
  cmd->add_option("--beat", beat_name, "The beat (default: rank.beat)");
  cmd->add_flag("--explain", explain, "Print every term of each story's score");
  cmd->add_flag("--json", as_json, "One JSON object per story");
  cmd->add_option("--limit", limit, "Stories to show")->check(CLI::Range(1, 10000));
  cmd->add_option("--hours", hours, "Stories updated in the last H hours")->check(CLI::Range(1, 24 * 365));
  static std::string at;
  cmd->add_option("--at", at,
                  "Rank as of this time (RFC 3339, e.g. 2026-11-29T18:00:00Z; default now): freshness then does not move "
                  "with the clock, e.g. to compare two desks");
  cmd->callback([&g] {
    std::optional<core::TimePoint> as_of;
    if (!at.empty()) {
      as_of = core::parse_rfc3339(at);
      if (!as_of) fail_with(kExitUsage, "--at: not an RFC 3339 time: " + at);
    }
    auto config = load(g);
    if (!beat_name.empty()) config.rank.beat = beat_name;
    auto store = open_store(config);
    auto now = as_of ? *as_of : core::SystemClock().now();
    auto ranking = need(rank_recent(*store, config, now, now - std::chrono::hours(hours),
                                    need(core::local_date(now, config.edition.time_zone)), static_cast<size_t>(limit)));
    const auto& stories = ranking.stories;
    const auto& ranked = ranking.ranked;
    std::map<core::Id, const rank::StoryBundle*> by_id;
    for (const auto& s : stories) by_id[s.story.id] = &s;
    int shown = 0;
    for (const auto& r : ranked) {
      if (shown++ >= limit) break;
      const auto& story = *by_id.at(r.story_id);
      if (as_json) {
        nlohmann::json terms = nlohmann::json::array();
        for (const auto& t : r.terms) terms.push_back({{"name", t.name}, {"value", t.value}, {"note", t.note}});
        nlohmann::json j = {{"story", r.story_id}, {"headline", story.story.headline}, {"score", r.score},
                            {"on_beat", r.on_beat}, {"outlets", r.independent_outlets}, {"relevance", r.relevance},
                            {"terms", terms}};
        std::printf("%s\n", j.dump().c_str());
        continue;
      }
      const char* flag = !r.on_beat ? "(off beat) " : r.already_sent ? "(sent) " : r.developing ? "(developing) " : "";
      std::printf("%2d  %7.1f  %s%s  [story %lld, %d outlet(s)]\n", shown, r.score, flag,
                  story.story.headline.c_str(), static_cast<long long>(r.story_id), r.independent_outlets);
      if (explain) {
        for (const auto& t : r.terms) std::printf("        %-10s %8.3f  %s\n", t.name.c_str(), t.value, t.note.c_str());
      }
    }
  });
}

// Subscribers from the command line: for importing a list kept elsewhere
// (with the consent it was gathered under) and for looking at who is on it.
void add_serve_command(CLI::App& app, Globals& g) {
  auto* cmd = app.add_subcommand("serve", "Run the desk: the web site, the poller, and the editions built and sent on schedule");
  static ServeOptions options;
  static bool no_web = false, no_poll = false, no_send = false;
  cmd->add_flag("--no-web", no_web, "Without the web site");
  cmd->add_flag("--no-poll", no_poll, "Without reading feeds");
  cmd->add_flag("--no-send", no_send, "Without building and sending editions");
  cmd->callback([&g] {
    options.web = !no_web;
    options.poll = !no_poll;
    options.send = !no_send;
    need(run_serve(load(g), options));
  });
}

// The message escaped for a JSON string (spdlog's %v is not).
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    for (char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      switch (c) {
        case '"': dest.append(std::string_view("\\\"")); break;
        case '\\': dest.append(std::string_view("\\\\")); break;
        case '\n': dest.append(std::string_view("\\n")); break;
        case '\r': dest.append(std::string_view("\\r")); break;
        case '\t': dest.append(std::string_view("\\t")); break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            const std::string escaped = fmt::format("\\u{:04x}", static_cast<int>(c));
            dest.append(std::string_view(escaped));
          } else {
            dest.push_back(c);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonMessageFlag>(); }
};

// One JSON object a line on stderr: {"time", "level", "msg"}, the time in UTC.
void use_json_log() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<JsonMessageFlag>('*').set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%*"})");
  spdlog::set_formatter(std::move(formatter));
}

void add_cluster_command(CLI::App& app, Globals& g) {
  auto* cmd = app.add_subcommand("cluster", "Group a stream of articles into stories: id<TAB>story-id per line");
  static std::string input;
  cmd->add_option("--jsonl", input, "JSON lines {id, time, source, url, title, text} in stream order, or -")->required();
  cmd->callback([&g] {
    auto config = load(g);
    std::FILE* in = input == "-" ? stdin : std::fopen(input.c_str(), "rb");
    if (in == nullptr) fail_with(kExitFailure, fmt::format("{}: cannot read", input));
    cluster::StoryClusterer clusterer(config.cluster);
    std::string line;
    char buffer[1 << 16];
    core::Id next_article = 1;
    size_t line_number = 0;
    std::vector<std::pair<std::string, core::Id>> assigned;  // (article id, story when it arrived), in stream order
    cluster::MergeLog merges;
    auto handle = [&](const std::string& text) {
      ++line_number;
      if (text.find_first_not_of(" \t\r\n") == std::string::npos) return;
      auto j = nlohmann::json::parse(text, nullptr, false);
      if (j.is_discarded() || !j.is_object()) {
        spdlog::warn("{}:{}: not a JSON object; skipped", input, line_number);
        return;
      }
      auto field = [&](const char* key) {
        auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
      };
      std::string id = j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>()
                       : j.contains("id")                    ? j["id"].dump()
                                                              : std::to_string(line_number);
      cluster::ClusterInput article;
      article.article_id = next_article++;
      article.time = core::parse_date(field("time"));
      article.title = field("title");
      article.text = field("text");
      article.language = field("language").empty() ? field("lang") : field("language");
      auto assignment = clusterer.add(article);
      if (!assignment.note.empty()) spdlog::warn("{}:{} ({}): {}", input, line_number, id, assignment.note);
      merges.record(assignment);
      assigned.emplace_back(std::move(id), assignment.story_id);
    };
    while (std::fgets(buffer, sizeof buffer, in) != nullptr) {
      line += buffer;
      if (!line.empty() && line.back() == '\n') {
        handle(line);
        line.clear();
      }
    }
    if (!line.empty()) handle(line);
    if (in != stdin) std::fclose(in);
    // Each article's story as it stands at the end of the stream: one merged
    // into another is the one it became, as the site shows it.
    for (const auto& [id, story] : assigned) std::printf("%s\t%lld\n", id.c_str(), static_cast<long long>(merges.resolve(story)));
  });
}

void add_demo_command(CLI::App& app, Globals& g) {
  auto* cmd = app.add_subcommand("demo", "Run the whole desk on the sample news web (fiction) served on 127.0.0.1");
  static DemoOptions options;
  static std::string out = "demo-out", work = "demo-work", sample;
  cmd->add_flag("--once", options.once, "Exit after writing the edition instead of serving the pages");
  cmd->add_option("--out", out, "Folder for the edition files")->capture_default_str();
  cmd->add_option("--work", work, "Folder for the demo's database (made afresh)")->capture_default_str();
  cmd->add_option("--sample", sample, "The sample news web (default: the sample/ folder of the source tree)");
  cmd->add_option("--fixture-port", options.fixture_port, "Port of the sample web (0 = any free port)");
  cmd->callback([&g] {
    auto config = need(core::for_edition(load(g), ""));  // [edition] with its own beat, if any
    options.out_dir = out;
    options.work_dir = work;
    options.sample_dir = sample.empty() ? default_sample_dir() : std::filesystem::path(sample);
    need(run_demo(config, options));
  });
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"newsdesk: a self-hosted news desk. Reads outlets, finds the stories, ranks them for a beat, "
               "publishes and mails the Daily Headlines edition."};
  app.set_version_flag("--version", "newsdesk 0.1.0");
  app.require_subcommand(1);
  static Globals g;
  app.add_option("-c,--config", g.config_path, "Configuration file (default: ./newsdesk.toml when present)");
  app.add_option("--db", g.db_path, "the store: an SQLite file or a postgresql:// URL (overrides store.path and store.url)");
  app.footer("Exit codes: 0 success, 1 failure, 2 bad usage, 3 bad configuration. See docs/cli.md.");
  add_sources_commands(app, g);
  add_extract_command(app, g);
  add_feed_command(app, g);
  add_rank_command(app, g);
  add_dkim_command(app);
  add_bounces_command(app, g);
  add_doctor_command(app, g);
  add_api_command(app);
  add_admin_command(app);
  add_store_command(app, g);
  add_backup_commands(app, g);
  add_serve_command(app, g);
  add_subscribers_command(app, g);
  add_pipeline_commands(app, g);
  add_cluster_command(app, g);
  add_demo_command(app, g);
  // Warnings and progress go to stderr; stdout carries results only.
  spdlog::set_default_logger(spdlog::stderr_color_mt("newsdesk"));
  spdlog::set_pattern("%^%l%$: %v");
  app.add_flag_callback("--log-json", use_json_log, "Log lines as JSON objects (time, level, message), for log collectors");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  } catch (const CommandError& e) {
    std::fprintf(stderr, "newsdesk: %s\n", e.message.c_str());
    return e.exit_code;
  }
  return kExitOk;
}

}  // namespace newsdesk::app
