// newsdesk.toml, read once at start into a plain Config and passed down.
// Every key has a default (docs/configuration.md lists them). An unknown key or
// a bad value is an error naming the file, line, column and key.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>
#include <string_view>

#include "core/error.hpp"

namespace newsdesk::core {

struct StoreConfig {
  std::string path = "newsdesk.db";  // SQLite file; relative to the working folder
  // "postgresql://user@host:port/db" (or "sqlite:PATH"): when set, the store
  // is there instead of `path`.
  std::string url;
  // Past this many days after it was fetched, an article's text and page are
  // dropped (metadata, story and links kept); 0 keeps them forever.
  int keep_article_text_days = 90;
  // What store::open_store opens: the URL when one is set, else the file.
  const std::string& location() const { return url.empty() ? path : url; }
  // Where `--db VALUE` puts VALUE: a URL (postgresql://, postgres://,
  // sqlite:) becomes `url`, anything else the SQLite file `path`.
  void set_location(const std::string& value);
};

struct FetchConfig {
  std::string user_agent = "newsdesk/0.1 (+https://newsdesk.example/bot)";
  int timeout_seconds = 20;          // whole transfer
  int connect_timeout_seconds = 10;
  std::int64_t max_body_bytes = 10 * 1024 * 1024;
  int max_redirects = 5;
  int concurrency = 8;                // transfers at once
  bool allow_private_addresses = false;  // loopback/private targets; tests and the demo allow
  int per_domain_concurrency = 2;     // transfers at once to one registrable domain
  int per_domain_delay_ms = 1000;     // at least this long between the starts of two transfers to one domain
  bool respect_robots = true;         // robots.txt (RFC 9309)
  int robots_cache_hours = 24;        // how long a robots.txt is believed
};

// When feeds are polled (newsdesk poll / ingest).
struct PollConfig {
  int min_interval_minutes = 10;    // the floor: never more often, whatever the feed says
  int max_interval_minutes = 360;   // the ceiling: a quiet feed is still read this often
  int max_backoff_hours = 24;       // failing feeds are retried at least this often
  int failing_after_hours = 72;     // a source failing this long is flagged in `sources list`
};

// Workers: the processes (on one machine or many) that share the desk's work
// through the store (newsdesk worker, serve, poll).
struct WorkerConfig {
  int lease_seconds = 120;  // a claim's lease: a dead worker's feeds, pages and sites go to others after it
  int batch = 64;           // feeds or pages claimed at a time
  int idle_seconds = 60;    // the longest wait for work when nothing wakes a worker
};

struct ExtractConfig {
  std::int64_t max_html_bytes = 20 * 1024 * 1024;  // larger pages are refused
  int max_depth = 1000;                              // deeper DOM is flattened
  // Further pages of an article split across pages that ingest fetches and
  // joins to its first (rel="next", numbered pagination); 0 = none.
  int follow_pages = 5;
};

struct ClusterConfig {
  int window_days = 7;            // stories idle longer are closed
  double threshold = 0.30;        // min similarity to join a story
  double copy_containment = 0.70; // share of a text found in an earlier one that makes it a copy
  double merge_threshold = 0.65;  // centroid similarity at which two live stories of full texts become one (lower for headlines)
  int max_terms = 1000000;        // terms remembered before those no live story holds are forgotten
};

// A beat (topic profile) written in the configuration: [beats.NAME]. A beat
// named like a built-in one ("military") extends it.
struct BeatConfig {
  std::string name;
  std::string description;
  std::vector<std::pair<std::string, double>> terms;  // phrase -> weight (negative: another beat's sign)
  std::vector<std::string> exclude;                   // a text with one of these phrases is off the beat
  std::vector<std::pair<std::string, double>> rules;  // RE2 pattern -> weight per match
  std::vector<std::string> sources;                   // preferred sources (names or feed URLs)
  std::vector<std::string> languages;                 // ISO 639-1; empty: any
};

struct RankConfig {
  std::string beat = "military";  // the beat editions are ranked for: built in, or one of [beats.*]
  double fresh_hours = 12.0;      // no recency decay while the last article is this young
  double half_life_hours = 18.0;  // then the recency weight halves every this many hours
  double min_relevance = 0.25;    // a story below this is off-beat
};

// The example configuration's postal address: a default that is no address
// (the pre-send check refuses to mail with it).
inline constexpr std::string_view kExamplePostalAddress = "newsdesk, 1 Example Street, Example City";

struct EditionConfig {
  std::string name = "Daily Headlines";
  int stories = 10;
  int min_stories = 3;       // an edition with fewer is built but not sent (a day the outlets were down), unless forced
  int max_per_outlet = 3;    // at most this many stories led by one outlet (another outlet's article leads, or the story waits)
  int max_per_country = 0;   // at most this many stories led by one country's outlets; 0: no cap
  std::string beat;                // the beat it is ranked for; "" = rank.beat
  int top_stories = 5;             // the first this many third-party stories are "Top stories", the rest "Around the web"
  std::vector<std::string> sections = {"Top stories", "From our newsroom", "Around the web", "Developing"};  // in this order
  std::string templates;           // a folder with edition.html.mustache / edition.txt.mustache overriding the built-in ones
  std::string html_template;       // its contents, read when the configuration is loaded ("" = built in)
  std::string text_template;
  std::string time_zone = "UTC";   // IANA; the edition's date and send time are local to it
  std::string send_time = "06:00"; // HH:MM local: the deadline for the editor's changes
  std::string from = "Daily Headlines <headlines@newsdesk.example>";
  std::string site_url = "http://127.0.0.1:8080";
  std::string postal_address = std::string(kExamplePostalAddress);
  std::string support_url = "";
};

// One SMTP relay the edition goes out through ([mail.relays.NAME]); relays
// are tried in the order the file gives them, the next taking over when one
// cannot be reached or its connections are all in use.
struct RelayConfig {
  std::string name;
  std::string host = "127.0.0.1";
  int port = 587;
  std::string tls = "starttls";    // "starttls" (required), "implicit" (port 465) or "none" (a plaintext relay)
  bool verify_certificate = true;  // the chain and the host name
  std::string ca_file;             // trusted CAs (PEM) instead of the system's
  std::string username;            // AUTH PLAIN/LOGIN when set
  std::string password;
  std::string password_file;       // read when the configuration is loaded, into password
  int connections = 4;             // concurrent sessions to this relay
  double messages_per_second = 0;  // 0: as fast as the relay takes them
  int messages_per_connection = 1000;  // then QUIT and reconnect
  int timeout_seconds = 0;         // 0: RFC 5321's timeout for each step
};

// Sending the edition: DKIM signing (no key file: the mail goes out
// unsigned), the relays, retries and bounces.
struct MailConfig {
  std::string dkim_key_file;      // PEM private key (newsdesk dkim keygen writes one)
  std::string dkim_domain;        // d=
  std::string dkim_selector = "newsdesk";  // s=
  std::string dkim_key_pem;       // the key file's contents, read when the configuration is loaded
  std::string helo_name;          // what EHLO says; "" = the From address's domain
  std::string bounce_local = "bounce";  // the envelope sender's local part: bounce+s<subscriber>-d<edition>@<From domain>
  std::vector<RelayConfig> relays;
  int retry_hours = 24;           // a 4xx is retried with back-off until this long after the first attempt
  int retry_base_minutes = 5;     // the first retry's wait; doubled each time (up to an hour)
  int hard_bounce_limit = 1;      // hard bounces (5xx at sending, or a DSN) that suppress an address
  double domain_rate = 0;         // messages per second to any one destination domain (0: no limit)
  std::vector<std::pair<std::string, double>> domain_rates;  // [mail.domain_rates] "gmail.com" = 20: per domain
};

struct WebConfig {
  std::string listen = "127.0.0.1";
  int port = 8080;
};

// The JSON API ([api]): who may use it. Tokens are kept as SHA-256 hashes
// (`newsdesk api token` makes one and prints its hash); no hash, no API.
struct ApiConfig {
  std::vector<std::string> token_sha256;  // lower-case hex
};

// The admin pages ([admin]); no password hash, no admin pages.
struct AdminConfig {
  std::string password_hash;  // "pbkdf2-sha256$...": newsdesk admin password prints one
  int session_hours = 12;
};

// Signing up on the site ([subscribers]).
struct SubscribersConfig {
  int pending_days = 7;               // an unconfirmed sign-up is forgotten after this many days
  int confirm_hours = 48;             // a confirmation link works this long
  int signups_per_ip_per_hour = 10;   // more from one address of the Internet get 429
  int signups_per_address_per_day = 3;  // confirmation mails to one inbox a day, at most
  bool check_mx = false;              // refuse an address whose domain takes no mail (DNS: MX, else A/AAAA)
  std::string dns_server;             // "IPv4[:PORT]" to ask instead of /etc/resolv.conf's
};

struct Config {
  StoreConfig store;
  FetchConfig fetch;
  ExtractConfig extract;
  PollConfig poll;
  WorkerConfig workers;
  ClusterConfig cluster;
  RankConfig rank;
  EditionConfig edition;
  WebConfig web;
  SubscribersConfig subscribers;
  ApiConfig api;
  AdminConfig admin;
  MailConfig mail;
  std::vector<BeatConfig> beats;  // [beats.*], in file order
  // [editions.NAME]: further editions, each [edition] with its own values
  // (name defaults to NAME). `newsdesk edition ... --edition NAME` picks one.
  std::vector<std::pair<std::string, EditionConfig>> editions;
};

// The configuration for one edition: `key` "" is [edition] itself, else the
// [editions.KEY] table; rank.beat follows the edition's beat. kConfig naming
// the known editions when there is no such one.
Result<Config> for_edition(const Config& config, const std::string& key);

// Parses TOML text; `source_name` is used in error messages ("newsdesk.toml:3:1: ...").
Result<Config> parse_config(std::string_view toml_text, std::string_view source_name);

// Reads and parses a file. A missing file is an error (the caller decides
// whether an absent default file means "all defaults").
Result<Config> load_config(const std::filesystem::path& path);

}  // namespace newsdesk::core
