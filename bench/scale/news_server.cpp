// A loopback news web for bench/scale: FEEDS RSS 2.0 feeds of ITEMS items
// each, spread over HOSTS sites, each site its own loopback address
// (127.0.0.1 .. 127.0.0.HOSTS, so each its own registrable domain to
// newsdesk), all on one port. Nothing is kept on disk: every page is made
// from its URL with a seeded generator, the same bytes every time.
//
//   news_server --port P --now EPOCH [--feeds 5000] [--items 20] [--hosts 200]
//               [--seed 1] [--words DIR] [--opml FILE] [--threads 128]
//               [--lifetime SECONDS] [--latency-ms MS]
//
//   /feed/N.xml        feed N (0 <= N < FEEDS), on host N * HOSTS / FEEDS (in
//                      blocks: one outlet's feeds after another's)
//   /article/N-I.html  item I of feed N: a whole article page (head with the
//                      title, Open Graph tags and the published date, JSON-LD,
//                      navigation, a byline, 4-7 paragraphs, a sidebar, a
//                      footer)
//   /robots.txt        allows everything
//   /_counts           requests so far, as JSON (not counted itself)
//
// Every article has sentences of its own (the near-duplicate detection keeps
// them all); three articles of three different feeds share a topic (a place,
// two people, a thing and some forty words of the vocabulary), as coverage of
// one story does, and were published within three hours of each other.
// Topics are spread over the 7 days before --now, so a 1-day cluster window
// holds about a seventh of the articles of a 7-day one.
//
// Every answer carries an ETag and a Last-Modified; If-None-Match (or,
// without it, If-Modified-Since) gets 304: the web never changes. Answers
// are never compressed (Accept-Encoding is ignored).
// --words DIR: the vocabulary is every word (3+ letters) of the .txt files
// under DIR (bench/scale/run gives the sample web's articles); else a built-in
// list of a few hundred. --opml FILE: every feed, for `newsdesk sources
// import-opml`, written before "ready". Prints "ready" when every address
// listens; stops on SIGTERM/SIGINT or after --lifetime seconds (default 3600),
// printing the counts. --latency-ms MS: every answer waits MS milliseconds
// first, as a distant site's does (loopback answers in microseconds, where
// the world's sites take tens to hundreds of milliseconds).
#include <httplib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

// ---- words ---------------------------------------------------------------

// Words that tie a sentence together (stop words to the clusterer).
const char* const kFunction[] = {
    "the", "a", "of", "to", "and", "in", "that", "for", "on", "with", "as", "by", "at", "from", "is", "was", "were",
    "has", "had", "will", "would", "could", "said", "says", "after", "before", "over", "under", "about", "into",
    "through", "during", "against", "between", "while", "since", "until", "within", "without", "because", "although",
    "however", "meanwhile", "instead", "still", "also", "already", "again", "only", "even", "nearly", "almost", "more",
    "most", "less"};

// The words that carry meaning, when no --words folder is given.
const char* const kContent[] = {
    "government", "council", "minister", "ministry", "officials", "residents", "workers", "police", "court", "judge",
    "committee", "report", "city", "town", "region", "province", "country", "border", "coast", "harbour", "port",
    "river", "valley", "district", "village", "capital", "new", "old", "first", "last", "second", "third", "major",
    "local", "national", "public", "private", "regional", "several", "many", "few", "other", "year", "years", "month",
    "months", "week", "weeks", "day", "days", "morning", "evening", "night", "today", "yesterday", "tomorrow", "people",
    "families", "children", "students", "farmers", "drivers", "voters", "companies", "firms", "unions", "teachers",
    "doctors", "plan", "plans", "budget", "tax", "taxes", "money", "funds", "prices", "costs", "wages", "jobs", "market",
    "markets", "trade", "exports", "imports", "road", "roads", "bridge", "bridges", "rail", "line", "trains", "buses",
    "airport", "flights", "ships", "ferry", "power", "water", "energy", "grid", "school", "schools", "hospital",
    "hospitals", "clinic", "housing", "homes", "rents", "land", "farms", "crops", "harvest", "weather", "storm", "flood",
    "floods", "rain", "snow", "heat", "drought", "fire", "fires", "smoke", "wind", "damage", "repairs", "crews",
    "services", "network", "election", "vote", "votes", "campaign", "party", "parties", "mayor", "leader", "leaders",
    "opposition", "coalition", "parliament", "law", "bill", "rules", "reform", "reforms", "inquiry", "investigation",
    "charges", "trial", "verdict", "appeal", "protest", "strike", "talks", "deal", "agreement", "contract", "project",
    "programme", "plant", "factory", "mine", "mill", "warehouse", "office", "centre", "museum", "library", "announced",
    "confirmed", "approved", "rejected", "opened", "closed", "reopened", "delayed", "cancelled", "expanded", "reduced",
    "raised", "warned", "promised", "expected", "planned", "agreed", "refused", "asked", "told", "added", "noted",
    "estimated", "reported", "described", "least", "higher", "lower", "larger", "smaller", "longer", "shorter", "early",
    "late", "recent", "current", "final"};

const char* const kSyllables[] = {"ka",  "ri",  "lo",  "ven", "tor", "sa",  "mi",  "del", "an",  "os",
                                  "ur",  "bel", "cor", "fen", "gal", "hol", "jar", "kes", "lun", "mor",
                                  "nar", "pel", "quin", "ros", "sel", "tam", "vor", "wil", "zan", "dra",
                                  "esk", "bri", "tov", "mal"};
const char* const kThings[] = {"bridge", "harbour", "school", "hospital", "rail line", "power plant", "dam",
                               "market", "airport", "festival", "mine", "ferry", "stadium", "water works",
                               "tram network", "library", "court house", "steel mill"};
const char* const kVerbs[] = {"opens", "closes", "delays", "expands", "approves", "rejects", "reviews", "rebuilds",
                              "defends", "questions", "funds", "halts"};
const char* const kPapers[] = {"Gazette", "Herald", "Courier", "Tribune", "Post", "Chronicle", "Observer", "Ledger"};
const char* const kSections[] = {"Home",     "News",   "World",   "Politics", "Business", "Money", "Tech",
                                 "Science",  "Health", "Sport",   "Culture",  "Travel",   "Food",  "Opinion",
                                 "Weather",  "Local",  "Video",   "Podcasts", "Puzzles",  "Obituaries"};

std::vector<std::string> g_function, g_content;

void load_words(const std::string& folder) {
  std::set<std::string> words;
  std::set<std::string> function(g_function.begin(), g_function.end());
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".txt") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string word;
    for (size_t i = 0; i <= text.size(); ++i) {
      char c = i < text.size() ? text[i] : ' ';
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c >= 'a' && c <= 'z') {
        word += c;
        continue;
      }
      if (word.size() >= 3 && function.count(word) == 0) words.insert(word);
      word.clear();
    }
  }
  if (words.size() >= 100) g_content.assign(words.begin(), words.end());
}

// ---- a seeded generator ---------------------------------------------------

std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct Rng {
  std::uint64_t state;
  Rng(std::uint64_t seed, std::uint64_t kind, std::uint64_t a, std::uint64_t b = 0)
      : state(mix(mix(mix(seed * 0x100000001b3ULL + kind) + a) + b)) {}
  std::uint64_t next() { return state = mix(state); }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
  int between(int lo, int hi) { return lo + static_cast<int>(below(static_cast<size_t>(hi - lo + 1))); }
  double real() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  template <class T, size_t N>
  const T& pick(const T (&list)[N]) { return list[below(N)]; }
  const std::string& pick(const std::vector<std::string>& list) { return list[below(list.size())]; }
};

std::string name(Rng& rng, int lo = 2, int hi = 3) {
  std::string out;
  for (int i = rng.between(lo, hi); i > 0; --i) out += rng.pick(kSyllables);
  out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

// ---- the web --------------------------------------------------------------

struct Topic {
  std::string place, people[2], thing;
  std::vector<const std::string*> vocabulary;
  long offset_seconds = 0;  // before now
};

struct Web {
  int feeds = 5000, items = 20, hosts = 200, port = 0;
  std::uint64_t seed = 1;
  std::time_t now = 0;

  int host_of(int feed) const { return static_cast<int>(static_cast<long long>(feed) * hosts / feeds); }
  std::string address(int host) const { return "127.0.0." + std::to_string(host + 1); }
  std::string base(int feed) const { return "http://" + address(host_of(feed)) + ":" + std::to_string(port); }
  std::string outlet(int feed) const {
    Rng rng(seed, 'O', static_cast<std::uint64_t>(host_of(feed)));
    std::string n = name(rng, 2, 2);
    return "The " + n + " " + rng.pick(kPapers);
  }
  std::string feed_name(int feed) const { return outlet(feed) + ": feed " + std::to_string(feed); }

  // Three articles (of feeds a third of the web apart) per topic.
  long topics() const { return std::max<long>(1, static_cast<long>(feeds) * items / 3); }
  long topic_of(int feed, int item) const {
    const long n = static_cast<long>(feed) * items + item;
    return (n * 7919) % topics();
  }
  Topic topic(long t) const {
    Rng rng(seed, 'T', static_cast<std::uint64_t>(t));
    Topic out;
    out.place = name(rng);
    for (auto& p : out.people) p = name(rng) + " " + name(rng, 2, 3);
    out.thing = rng.pick(kThings);
    const size_t want = std::min<size_t>(40, g_content.size());
    std::set<size_t> chosen;
    while (chosen.size() < want) chosen.insert(rng.below(g_content.size()));
    for (size_t i : chosen) out.vocabulary.push_back(&g_content[i]);
    // The story broke between 3 h 5 min and 7 days before now.
    const long lo = 3 * 3600 + 300, hi = 7 * 86400 - 60;
    out.offset_seconds = lo + static_cast<long>(rng.below(static_cast<size_t>(hi - lo)));
    return out;
  }
  // Within three hours after its topic broke.
  std::time_t published(int feed, int item, const Topic& t) const {
    Rng rng(seed, 'P', static_cast<std::uint64_t>(feed), static_cast<std::uint64_t>(item));
    return now - t.offset_seconds + static_cast<long>(rng.below(3 * 3600));
  }
  std::string headline(int feed, int item, const Topic& t) const {
    Rng rng(seed, 'H', static_cast<std::uint64_t>(feed), static_cast<std::uint64_t>(item));
    switch (rng.below(4)) {
      case 0: return t.place + " " + rng.pick(kVerbs) + " its " + t.thing + " as " + t.people[0] + " speaks";
      case 1: return t.people[0] + " and " + t.people[1] + " clash over the " + t.place + " " + t.thing;
      case 2: return "What the " + t.place + " " + t.thing + " decision means for " + t.people[1];
      default: return t.place + " " + t.thing + ": " + t.people[1] + " " + rng.pick(kVerbs) + " the plan";
    }
  }
  // A sentence of the topic's words (and a few of anyone's), each its own.
  static std::string sentence(Rng& rng, const Topic& t) {
    std::vector<const std::string*> words;
    const int n = rng.between(9, 18);
    for (int i = 0; i < n; ++i) {
      double r = rng.real();
      if (r < 0.35) {
        words.push_back(nullptr);  // a function word, below
      } else if (r < 0.9) {
        words.push_back(t.vocabulary[rng.below(t.vocabulary.size())]);
      } else {
        words.push_back(&g_content[rng.below(g_content.size())]);
      }
    }
    std::string out;
    const std::string* topic_words[] = {&t.place, &t.thing, &t.people[0], &t.people[1]};
    const int extra = rng.between(1, 3);
    std::vector<size_t> at;
    for (int i = 0; i < extra; ++i) at.push_back(rng.below(words.size() + 1));
    for (size_t i = 0; i <= words.size(); ++i) {
      for (size_t a : at) {
        if (a != i) continue;
        if (!out.empty()) out += ' ';
        out += *topic_words[rng.below(4)];
      }
      if (i == words.size()) break;
      if (!out.empty()) out += ' ';
      out += words[i] != nullptr ? *words[i] : g_function[rng.below(g_function.size())];
    }
    if (out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
    out += '.';
    return out;
  }
};

std::string escape(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string http_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}
std::string iso_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}
std::optional<std::time_t> parse_http_date(const std::string& s) {
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr) return std::nullopt;
  return timegm(&tm);
}

std::string etag_of(const std::string& path, std::uint64_t seed) {
  std::uint64_t h = seed;
  for (unsigned char c : path) h = mix(h ^ c);
  char buf[32];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

std::string feed_xml(const Web& web, int feed) {
  const std::string base = web.base(feed);
  struct Item {
    std::time_t when;
    int item;
    std::string title, first;
  };
  std::vector<Item> list;
  for (int i = 0; i < web.items; ++i) {
    Topic t = web.topic(web.topic_of(feed, i));
    Rng rng(web.seed, 'A', static_cast<std::uint64_t>(feed), static_cast<std::uint64_t>(i));
    list.push_back({web.published(feed, i, t), i, web.headline(feed, i, t), Web::sentence(rng, t)});
  }
  std::sort(list.begin(), list.end(), [](const Item& a, const Item& b) { return a.when > b.when; });
  std::string out;
  out.reserve(static_cast<size_t>(web.items) * 600 + 512);
  out += "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>" + escape(web.feed_name(feed)) +
         "</title><link>" + base + "/</link><description>News from " + escape(web.outlet(feed)) +
         "</description><language>en</language><ttl>120</ttl>\n";
  for (const auto& it : list) {
    const std::string url = base + "/article/" + std::to_string(feed) + "-" + std::to_string(it.item) + ".html";
    out += "<item><title>" + escape(it.title) + "</title><link>" + url + "</link><guid isPermaLink=\"false\">outlet-" +
           std::to_string(feed) + "-item-" + std::to_string(it.item) + "</guid><pubDate>" + http_date(it.when) +
           "</pubDate><description>" + escape(it.first) + "</description><category>" +
           kSections[1 + (feed + it.item) % 12] + "</category></item>\n";
  }
  out += "</channel></rss>\n";
  return out;
}

std::string article_html(const Web& web, int feed, int item) {
  const std::string base = web.base(feed);
  const Topic t = web.topic(web.topic_of(feed, item));
  Rng rng(web.seed, 'A', static_cast<std::uint64_t>(feed), static_cast<std::uint64_t>(item));
  const std::string first = Web::sentence(rng, t);  // the feed's description, and the standfirst
  const std::string title = web.headline(feed, item, t);
  const std::string when = iso_date(web.published(feed, item, t));
  const std::string author = name(rng) + " " + name(rng);
  const std::string outlet = web.outlet(feed);
  const std::string url = base + "/article/" + std::to_string(feed) + "-" + std::to_string(item) + ".html";
  const std::string section = kSections[1 + (feed + item) % 12];
  std::string out;
  out.reserve(16000);
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" + escape(title) + " | " + escape(outlet) + "</title>"
         "<meta name=\"description\" content=\"" + escape(first) + "\">"
         "<link rel=\"canonical\" href=\"" + url + "\">"
         "<meta property=\"og:type\" content=\"article\"><meta property=\"og:site_name\" content=\"" + escape(outlet) + "\">"
         "<meta property=\"og:title\" content=\"" + escape(title) + "\"><meta property=\"og:url\" content=\"" + url + "\">"
         "<meta property=\"og:description\" content=\"" + escape(first) + "\">"
         "<meta property=\"og:image\" content=\"" + base + "/img/" + std::to_string(feed) + "-" + std::to_string(item) + ".jpg\">"
         "<meta property=\"article:published_time\" content=\"" + when + "\">"
         "<meta property=\"article:section\" content=\"" + section + "\">"
         "<meta name=\"author\" content=\"" + author + "\">"
         "<link rel=\"stylesheet\" href=\"/static/site.css\">"
         "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\",\"headline\":\"" +
         escape(title) + "\",\"datePublished\":\"" + when + "\",\"author\":{\"@type\":\"Person\",\"name\":\"" + author +
         "\"},\"publisher\":{\"@type\":\"Organization\",\"name\":\"" + escape(outlet) + "\"}}</script>"
         "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('js',new Date());"
         "gtag('config','UA-000000-1',{anonymize_ip:true});</script>"
         "</head><body class=\"article-page\">\n"
         "<div class=\"cookie-banner\" role=\"dialog\"><p>We use cookies to understand how our journalism is read and to "
         "keep the site working. You can change your choice at any time in the privacy settings.</p>"
         "<button>Accept all</button> <button>Only necessary</button></div>\n"
         "<header class=\"site-header\"><a class=\"logo\" href=\"/\">" + escape(outlet) + "</a>"
         "<form class=\"search\" action=\"/search\"><input name=\"q\" placeholder=\"Search\"></form>"
         "<nav class=\"sections\"><ul>";
  for (const char* s : kSections) out += std::string("<li><a href=\"/section/") + s + "\">" + s + "</a></li>";
  out += "</ul></nav><a class=\"subscribe\" href=\"/subscribe\">Subscribe</a> <a href=\"/login\">Sign in</a></header>\n"
         "<div class=\"breadcrumbs\"><a href=\"/\">Home</a> &rsaquo; <a href=\"/section/" + section + "\">" + section +
         "</a></div>\n<main><article class=\"story\"><h1>" + escape(title) + "</h1>"
         "<p class=\"standfirst\">" + escape(first) + "</p>"
         "<div class=\"meta\"><span class=\"byline\">By <a rel=\"author\" href=\"/people/" + std::to_string(feed) + "\">" +
         author + "</a></span>, <time datetime=\"" + when + "\">" + when + "</time></div>"
         "<figure><img src=\"" + base + "/img/" + std::to_string(feed) + "-" + std::to_string(item) +
         ".jpg\" alt=\"The " + escape(t.thing) + " in " + escape(t.place) + "\"><figcaption>The " + escape(t.thing) +
         " in " + escape(t.place) + ". Photograph: " + escape(outlet) + "</figcaption></figure>\n"
         "<div class=\"article-body\">\n";
  const int paragraphs = rng.between(4, 7);
  for (int p = 0; p < paragraphs; ++p) {
    out += "<p>";
    const int sentences = rng.between(2, 5);
    for (int s = 0; s < sentences; ++s) {
      if (s > 0) out += ' ';
      out += escape(Web::sentence(rng, t));
    }
    out += "</p>\n";
    if (p == 1) {
      out += "<aside class=\"inline-promo\"><a href=\"/newsletters\">Sign up for the morning briefing: the day's news "
             "in your inbox before breakfast</a></aside>\n";
    }
  }
  out += "</div><div class=\"share\"><a href=\"/share?u=" + url + "\">Share</a> <a href=\"/print\">Print</a></div>"
         "<div class=\"tags\">Topics: <a href=\"/topic/" + escape(t.place) + "\">" + escape(t.place) + "</a>, <a href=\"/section/" +
         section + "\">" + section + "</a></div></article>\n<aside class=\"most-read\"><h2>Most read</h2><ol>";
  // Five other articles of the same feed: headlines a sidebar would show.
  for (int k = 1; k <= 5 && k < web.items; ++k) {
    const int other = (item + k) % web.items;
    const Topic ot = web.topic(web.topic_of(feed, other));
    out += "<li><a href=\"" + base + "/article/" + std::to_string(feed) + "-" + std::to_string(other) + ".html\">" +
           escape(web.headline(feed, other, ot)) + "</a></li>";
  }
  out += "</ol></aside></main>\n<footer class=\"site-footer\"><nav><ul>";
  for (const char* f : {"About us", "Contact", "Careers", "Advertise", "Corrections", "Terms of use", "Privacy policy",
                        "Cookie settings", "Accessibility", "Newsletters", "Archive", "Sitemap", "RSS feeds"}) {
    out += std::string("<li><a href=\"/about\">") + f + "</a></li>";
  }
  out += "</ul></nav><p class=\"legal\">&copy; " + escape(outlet) + ", a loopback newspaper for newsdesk's benchmarks. "
         "All rights reserved. Registered office: 1 Example Street, Example City. Our journalism is independent and "
         "follows the editors' code of practice; complaints go to the readers' editor.</p></footer>\n"
         "<script src=\"/static/site.js\" defer></script></body></html>\n";
  return out;
}

// ---- counts ---------------------------------------------------------------

struct Counts {
  std::atomic<long> feeds{0}, feeds_304{0}, articles{0}, articles_304{0}, robots{0}, missing{0}, bytes{0};
  std::string json() const {
    std::ostringstream o;
    o << "{\"feeds\":" << feeds << ",\"feeds_304\":" << feeds_304 << ",\"articles\":" << articles
      << ",\"articles_304\":" << articles_304 << ",\"robots\":" << robots << ",\"not_found\":" << missing
      << ",\"bytes\":" << bytes << "}";
    return o.str();
  }
};

// Hands every server's connections to one pool (one thread per connection,
// as cpp-httplib serves them); the pool outlives the servers.
class SharedQueue final : public httplib::TaskQueue {
 public:
  explicit SharedQueue(httplib::ThreadPool& pool) : pool_(pool) {}
  void enqueue(std::function<void()> fn) override { pool_.enqueue(std::move(fn)); }
  void shutdown() override {}

 private:
  httplib::ThreadPool& pool_;
};

std::atomic<bool> g_stop{false};
extern "C" void on_term(int) { g_stop = true; }

bool parse_path(const std::string& path, const char* prefix, const char* suffix, int& a, int* b) {
  const size_t lp = std::strlen(prefix), ls = std::strlen(suffix);
  if (path.size() <= lp + ls || path.compare(0, lp, prefix) != 0 || path.compare(path.size() - ls, ls, suffix) != 0) {
    return false;
  }
  const std::string mid = path.substr(lp, path.size() - lp - ls);
  char* end = nullptr;
  long x = std::strtol(mid.c_str(), &end, 10);
  if (end == mid.c_str()) return false;
  a = static_cast<int>(x);
  if (b == nullptr) return *end == '\0';
  if (*end != '-') return false;
  const char* rest = end + 1;
  long y = std::strtol(rest, &end, 10);
  if (end == rest || *end != '\0') return false;
  *b = static_cast<int>(y);
  return true;
}

// 304 when the client has this version: If-None-Match first (RFC 9110 13.2.2),
// else If-Modified-Since.
bool not_modified(const httplib::Request& req, const std::string& etag, std::time_t last_modified) {
  if (req.has_header("If-None-Match")) {
    const std::string inm = req.get_header_value("If-None-Match");
    return inm == "*" || inm.find(etag) != std::string::npos;
  }
  if (req.has_header("If-Modified-Since")) {
    auto since = parse_http_date(req.get_header_value("If-Modified-Since"));
    return since && *since >= last_modified;
  }
  return false;
}

int usage() {
  std::fprintf(stderr,
               "usage: news_server --port P --now EPOCH [--feeds N] [--items K] [--hosts H] [--seed S] [--words DIR]\n"
               "                   [--opml FILE] [--threads T] [--lifetime SECONDS] [--latency-ms MS]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Web web;
  std::string words_dir, opml;
  int threads = 128;
  long lifetime = 3600;
  long latency_ms = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage();
    const char* v = argv[++i];
    if (a == "--port") web.port = std::atoi(v);
    else if (a == "--now") web.now = static_cast<std::time_t>(std::atoll(v));
    else if (a == "--feeds") web.feeds = std::atoi(v);
    else if (a == "--items") web.items = std::atoi(v);
    else if (a == "--hosts") web.hosts = std::atoi(v);
    else if (a == "--seed") web.seed = static_cast<std::uint64_t>(std::atoll(v));
    else if (a == "--words") words_dir = v;
    else if (a == "--opml") opml = v;
    else if (a == "--threads") threads = std::atoi(v);
    else if (a == "--lifetime") lifetime = std::atol(v);
    else if (a == "--latency-ms") latency_ms = std::atol(v);
    else return usage();
  }
  if (web.port <= 0 || web.now <= 0 || web.feeds < 1 || web.items < 1 || web.hosts < 1 || web.hosts > 254 ||
      threads < 1 || latency_ms < 0) {
    return usage();
  }
  web.hosts = std::min(web.hosts, web.feeds);
  for (const char* w : kFunction) g_function.emplace_back(w);
  for (const char* w : kContent) g_content.emplace_back(w);
  if (!words_dir.empty()) load_words(words_dir);

  Counts counts;
  const std::time_t last_modified = web.now;  // the whole web was last changed then
  const std::string last_modified_text = http_date(last_modified);
  httplib::ThreadPool pool(static_cast<size_t>(threads));
  std::vector<std::unique_ptr<httplib::Server>> servers;
  for (int h = 0; h < web.hosts; ++h) {
    auto s = std::make_unique<httplib::Server>();
    s->new_task_queue = [&pool] { return new SharedQueue(pool); };
    s->set_keep_alive_max_count(1000000);
    s->set_keep_alive_timeout(5);
    s->set_tcp_nodelay(true);
    // Every answer goes uncompressed: cpp-httplib, built with brotli, would
    // compress each page at brotli's slowest setting and the server, not the
    // desk, would be what is measured (loopback bytes cost next to nothing).
    s->set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
      const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
      return httplib::Server::HandlerResponse::Unhandled;
    });
    s->Get(R"(/.*)", [&web, &counts, h, &last_modified_text, last_modified, latency_ms](const httplib::Request& req,
                                                                                          httplib::Response& res) {
      const std::string& path = req.path;
      if (path == "/_counts") {
        res.set_content(counts.json(), "application/json");
        return;
      }
      if (latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(latency_ms));
      int feed = 0, item = 0;
      std::string body, type;
      std::atomic<long>* ok = nullptr;
      std::atomic<long>* unchanged = nullptr;
      if (path == "/robots.txt") {
        body = "User-agent: *\nAllow: /\n";
        type = "text/plain";
        ok = unchanged = &counts.robots;
      } else if (parse_path(path, "/feed/", ".xml", feed, nullptr) && feed >= 0 && feed < web.feeds &&
                 web.host_of(feed) == h) {
        ok = &counts.feeds;
        unchanged = &counts.feeds_304;
        type = "application/rss+xml; charset=utf-8";
      } else if (parse_path(path, "/article/", ".html", feed, &item) && feed >= 0 && feed < web.feeds && item >= 0 &&
                 item < web.items && web.host_of(feed) == h) {
        ok = &counts.articles;
        unchanged = &counts.articles_304;
        type = "text/html; charset=utf-8";
      } else {
        ++counts.missing;
        res.status = 404;
        res.set_content("not found\n", "text/plain");
        return;
      }
      const std::string etag = etag_of(path, web.seed);
      res.set_header("ETag", etag);
      res.set_header("Last-Modified", last_modified_text);
      if (not_modified(req, etag, last_modified)) {
        ++*unchanged;
        res.status = 304;
        return;
      }
      ++*ok;
      if (ok == &counts.feeds) body = feed_xml(web, feed);
      else if (ok == &counts.articles) body = article_html(web, feed, item);
      counts.bytes += static_cast<long>(body.size());
      res.set_content(std::move(body), type.c_str());
    });
    if (!s->bind_to_port(web.address(h).c_str(), web.port)) {
      std::fprintf(stderr, "news_server: cannot listen on %s:%d\n", web.address(h).c_str(), web.port);
      return 1;
    }
    servers.push_back(std::move(s));
  }
  if (!opml.empty()) {
    std::ofstream out(opml, std::ios::binary);
    out << "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<opml version=\"2.0\"><head><title>bench/scale loopback web"
           "</title></head><body>\n";
    for (int f = 0; f < web.feeds; ++f) {
      out << "<outline type=\"rss\" text=\"" << escape(web.feed_name(f)) << "\" title=\"" << escape(web.feed_name(f))
          << "\" xmlUrl=\"" << web.base(f) << "/feed/" << f << ".xml\" htmlUrl=\"" << web.base(f) << "/\"/>\n";
    }
    out << "</body></opml>\n";
    if (!out) {
      std::fprintf(stderr, "news_server: cannot write %s\n", opml.c_str());
      return 1;
    }
  }
  std::signal(SIGTERM, on_term);
  std::signal(SIGINT, on_term);
  std::vector<std::thread> listeners;
  for (auto& s : servers) listeners.emplace_back([&s] { s->listen_after_bind(); });
  for (auto& s : servers) {
    while (!s->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  {
    // A sample of the pages' sizes, for the report.
    size_t feed_bytes = feed_xml(web, 0).size(), page_bytes = 0;
    for (int i = 0; i < std::min(web.items, 10); ++i) page_bytes += article_html(web, 0, i).size();
    std::printf("ready: %d feeds x %d items = %ld articles on %d hosts (127.0.0.1-127.0.0.%d) port %d; "
                "feed ~%zu bytes, page ~%zu bytes; %zu words of vocabulary; %d threads\n",
                web.feeds, web.items, static_cast<long>(web.feeds) * web.items, web.hosts, web.hosts, web.port,
                feed_bytes, page_bytes / static_cast<size_t>(std::min(web.items, 10)), g_content.size(), threads);
    std::fflush(stdout);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(lifetime);
  while (!g_stop && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (auto& s : servers) s->stop();
  for (auto& t : listeners) t.join();
  pool.shutdown();
  std::printf("stopped: %s\n", counts.json().c_str());
  return 0;
}
