// The sample news web: invented outlets and articles (sample/, see
// sample/FORMAT.md), rendered as real pages and feeds, and served over HTTP on
// loopback for the demo and the tests. Nothing in the pipeline reads the
// intended grouping (`story`); only tests do.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/types.hpp"

namespace newsdesk::sampleweb {

struct SampleOutlet {
  std::string slug;
  std::string name;
  std::string feed_format;  // rss2 | atom | jsonfeed
  std::string language;
  std::string country;
  std::string tagline;
  std::string article_template;
  std::string front_template;
};

struct SampleArticle {
  std::string file;  // path below sample/articles, for error messages
  std::string outlet;
  std::string story;  // the intended grouping: for tests only
  std::string slug;
  std::string author;
  std::string section;
  std::string title;
  std::string summary;
  std::string image;
  std::string caption;
  std::string copy_of;  // "wire--<slug>" for wire copies
  int day = 0;          // 0 = today, -1 = yesterday, ...
  int minute = 0;       // minutes after midnight
  std::vector<std::string> paragraphs;
};

struct SampleWeb {
  std::vector<SampleOutlet> outlets;
  std::vector<SampleArticle> articles;  // wire originals included (outlet "wire"), never served
};

// Reads sample/outlets and sample/articles. Errors name the file and line.
core::Result<SampleWeb> load_sample(const std::filesystem::path& dir);

// Parses one article file (exposed for tests).
core::Result<SampleArticle> parse_article(std::string_view text, const std::string& file);

struct Page {
  int status = 200;
  std::string content_type;
  std::string body;
};

// Renders the sample web under `base_url` (e.g. "http://127.0.0.1:8181"),
// dated so that its newest article appeared 30 minutes before `now`.
// Pure after construction; safe to call concurrently.
class SampleSite {
 public:
  SampleSite(SampleWeb web, std::string base_url, core::TimePoint now);
  Page get(std::string_view path) const;

  const SampleWeb& web() const { return web_; }
  std::string outlet_url(const SampleOutlet& outlet) const;
  std::string feed_url(const SampleOutlet& outlet) const;
  std::string article_url(const SampleArticle& article) const;  // canonical, without tracking
  core::TimePoint published(const SampleArticle& article) const;

 private:
  Page article_page(const SampleOutlet& outlet, const SampleArticle& article) const;
  Page front_page(const SampleOutlet& outlet) const;
  Page feed(const SampleOutlet& outlet) const;
  Page opml() const;
  std::vector<const SampleArticle*> served_by(const std::string& outlet) const;  // newest first

  SampleWeb web_;
  std::string base_url_;
  core::TimePoint anchor_;  // when day 0, minute 0 falls
};

// An HTTP server for a SampleSite on 127.0.0.1, on its own threads.
class FixtureServer {
 public:
  // Binds `host:port` (port 0 = any free port) and starts serving. The site's
  // URLs use the bound address.
  static core::Result<std::unique_ptr<FixtureServer>> start(SampleWeb web, const std::string& host, int port,
                                                            core::TimePoint now);
  ~FixtureServer();
  FixtureServer(const FixtureServer&) = delete;
  FixtureServer& operator=(const FixtureServer&) = delete;

  const SampleSite& site() const;
  std::string base_url() const;
  std::string opml_url() const { return base_url() + "/opml.xml"; }

 private:
  FixtureServer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsdesk::sampleweb
