// The edition as readers' mail systems receive it: sent by send_edition to a
// real SMTP server (aiosmtpd) that keeps every message, each message is
// parsed by Python's email package (headers, both parts, the unsubscribe
// link in each), its DKIM signature verified offline by libopendkim, and
// its one-click unsubscribe (RFC 8058) posted to the running site.
#include <gtest/gtest.h>
#include <httplib.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "app/sender.hpp"
#include "core/clock.hpp"
#include "core/time.hpp"
#include "desk_fixture.hpp"
#include "dkim_verify.hpp"
#include "mail/dkim.hpp"
#include "smtp_servers.hpp"
#include "store/store.hpp"
#include "web/server.hpp"

using namespace newsdesk;
using namespace smtp_servers;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buf{};
  while (size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  ::pclose(pipe);
  return out;
}

// What Python's email package reads in each message: "FILE<TAB>List-Unsubscribe URL", after
// checking the headers, the two parts and that each part carries that same link.
constexpr const char* kReader = R"PY(
import email, email.policy, os, re, sys
folder = sys.argv[1]
for name in sorted(os.listdir(folder)):
    raw = open(os.path.join(folder, name), "rb").read()
    raw = raw.split(b"\r\n", 2)[2]  # the server's two X-Envelope lines
    m = email.message_from_bytes(raw, policy=email.policy.default)
    for h in ("From", "To", "Subject", "Date", "Message-ID", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post",
              "Feedback-ID", "DKIM-Signature", "MIME-Version"):
        assert m[h], (name, h)
    assert m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", name
    assert m.get_content_type() == "multipart/alternative", name
    parts = {p.get_content_type(): p.get_content() for p in m.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}, (name, list(parts))
    url = re.search(r"<(https?://[^>]+)>", m["List-Unsubscribe"]).group(1)
    assert url in parts["text/plain"], (name, "text part lacks the link")
    assert url.replace("&", "&amp;") in parts["text/html"] or url in parts["text/html"], (name, "html part lacks the link")
    assert "1 Example Street" in parts["text/plain"] and "1 Example Street" in parts["text/html"], (name, "no postal address")
    assert all(len(line) <= 998 for line in raw.split(b"\r\n")), name
    print(name + "\t" + url)
)PY";

// On each store backend: the sender and the site each hold a store on the desk.
class EditionMail : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Backends, EditionMail, desk_fixture::backends(), test_support::BackendName());

}  // namespace

TEST_P(EditionMail, EachCopyParsesVerifiesAndUnsubscribesInOneClick) {
  Server server = aiosmtpd("mail");
  ASSERT_GT(server.port, 0);
  auto desk = test_support::ScratchDatabase::create(GetParam());
  ASSERT_TRUE(desk) << desk.error().message;
  auto store = store::open_store((*desk)->location());
  ASSERT_TRUE(store) << store.error().message;
  const auto now = *core::parse_rfc3339("2026-11-29T06:00:00Z");

  core::Config config;
  config.store.set_location((*desk)->location());
  config.web.port = 0;
  config.edition.from = "Daily Headlines <headlines@news.example>";
  config.edition.postal_address = "Daily Headlines, 1 Example Street, Example City";
  config.edition.min_stories = 1;  // a one-story edition: the mail itself is under test
  auto key = mail::generate_dkim_key(mail::DkimAlgorithm::kRsaSha256);
  ASSERT_TRUE(key);
  config.mail.dkim_key_pem = key->private_pem;
  config.mail.dkim_domain = "news.example";
  config.mail.dkim_selector = "s1";
  config.mail.relays.push_back(smtp_servers::plaintext_relay("aiosmtpd", server.port, 5));

  // The site first: the links in the mail point at it.
  auto site_store = store::open_store((*desk)->location());
  ASSERT_TRUE(site_store);
  auto site = web::SiteServer::start(config, std::move(*site_store));
  ASSERT_TRUE(site) << site.error().message;
  config.edition.site_url = (*site)->base_url();

  core::Edition edition;
  edition.name = config.edition.name;
  edition.date = "2026-11-29";
  edition.built_at = now;
  edition.subject = "Daily Headlines: Navy drill — and more";
  core::Story story;
  story.id = 1;
  story.headline = "Navy drill off the coast";
  story.first_seen = story.last_updated = now;
  ASSERT_TRUE((*store)->stories().save(story));
  core::EditionItem item;
  item.story_id = 1;
  item.headline = story.headline;
  item.summary = "Three navies tested resupply at sea. Café owners watched from the pier.";
  item.url = "https://outlet.example/drill";
  item.outlet = "Outlet";
  item.outlets = 3;
  item.section = "Top stories";
  edition.items.push_back(item);
  auto id = (*store)->editions().save(edition, {"<p>x</p>", "x", "{}"});
  ASSERT_TRUE(id);
  edition.id = *id;
  std::map<std::string, core::Id> ids;
  for (const char* address : {"ada@reader.example", "grace@reader.example", "lin@reader.example"}) {
    auto sid = (*store)->subscribers().add(address, "", now);
    ASSERT_TRUE(sid);
    ASSERT_TRUE((*store)->subscribers().set_state(*sid, core::SubscriberState::kConfirmed, now));
    ids[address] = *sid;
  }
  auto report = app::send_edition(**store, config, edition, core::FixedClock(now));
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->sent, 3u);
  ASSERT_EQ(server.stored(), 3u);

  // Python's email package reads every message the same way a mail client would.
  const fs::path script = server.dir / "read.py";
  std::ofstream(script) << kReader;
  const std::string read = run(fmt::format("/usr/bin/python3 '{}' '{}' 2>&1", script.string(), (server.dir / "mail").string()));
  std::map<std::string, std::string> urls;  // file -> unsubscribe URL
  std::istringstream lines(read);
  for (std::string line; std::getline(lines, line);) {
    size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << read;
    urls[line.substr(0, tab)] = line.substr(tab + 1);
  }
  ASSERT_EQ(urls.size(), 3u) << read;

  httplib::Client client((*site)->base_url());
  for (const auto& [file, url] : urls) {
    SCOPED_TRACE(file);
    std::string message = slurp(server.dir / "mail" / file);
    message = message.substr(message.find("\r\n", message.find("\r\n") + 2) + 2);  // without the X-Envelope lines
    EXPECT_EQ(verify(message, key->dns_txt), DKIM_STAT_OK);
    const std::string to = message.substr(message.find("\r\nTo: ") + 6, message.find("\r\n", message.find("\r\nTo: ") + 2) - message.find("\r\nTo: ") - 6);
    ASSERT_TRUE(ids.count(to)) << to;
    const std::string path = url.substr((*site)->base_url().size());
    // The page a reader sees has one button; the token's subscriber is the copy's.
    auto page = client.Get(path);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_NE(page->body.find(to), std::string::npos);
    EXPECT_NE(page->body.find("<button type=\"submit\">Unsubscribe</button>"), std::string::npos);
    // A tampered token is refused and changes nothing.
    auto forged = client.Post(path.substr(0, path.size() - 2) + "xx", "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded");
    ASSERT_TRUE(forged);
    EXPECT_EQ(forged->status, 400);
    auto still = (*store)->subscribers().find(ids[to]);
    ASSERT_TRUE(still && *still);
    EXPECT_EQ((*still)->state, core::SubscriberState::kConfirmed);
    // The mailbox provider's one-click POST: done at once, nothing more asked.
    auto click = client.Post(path, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded");
    ASSERT_TRUE(click);
    EXPECT_EQ(click->status, 200);
    auto after = (*store)->subscribers().find(ids[to]);
    ASSERT_TRUE(after && *after);
    EXPECT_EQ((*after)->state, core::SubscriberState::kUnsubscribed);
  }
  (*site)->stop();
}
