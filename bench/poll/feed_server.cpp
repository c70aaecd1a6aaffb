// A loopback feed server for bench/poll: answers GET /feed/<n>.xml on every
// address it is given with a ~50 KB RSS feed of our own writing (the same
// items, the feed number in the title), keep-alive, no robots.txt (404).
//   feed_server PORT ADDRESS... (prints "ready" when listening; stops on SIGTERM)
#include <httplib.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

std::string feed_body() {
  std::string items;
  for (int i = 0; items.size() < 49000; ++i) {
    items += "<item><title>Fleet exercise day " + std::to_string(i) +
             ": destroyers and a supply ship drill off the northern coast</title>"
             "<link>https://bench.example/news/" + std::to_string(i) + ".html</link><guid>bench-" + std::to_string(i) +
             "</guid><pubDate>Sun, 29 Nov 2026 08:00:00 GMT</pubDate><description>The exercise tests resupply at sea, "
             "air defence and the coordination of three navies over five days, officials said on Sunday.</description>"
             "<category>Navy</category></item>\n";
  }
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>Bench Daily</title>"
         "<link>https://bench.example/</link>\n" + items + "</channel></rss>\n";
}

std::vector<std::unique_ptr<httplib::Server>>* g_servers = nullptr;
extern "C" void on_term(int) {
  if (g_servers) for (auto& s : *g_servers) s->stop();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: feed_server PORT ADDRESS...\n");
    return 2;
  }
  int port = std::atoi(argv[1]);
  const std::string body = feed_body();
  std::vector<std::unique_ptr<httplib::Server>> servers;
  std::vector<std::thread> threads;
  for (int a = 2; a < argc; ++a) {
    auto s = std::make_unique<httplib::Server>();
    s->new_task_queue = [] { return new httplib::ThreadPool(8); };
    s->set_keep_alive_max_count(100000);
    s->Get(R"(/feed/(\d+)\.xml)", [&body](const httplib::Request&, httplib::Response& res) {
      res.set_header("ETag", "\"bench\"");
      res.set_content(body, "application/rss+xml");
    });
    if (!s->bind_to_port(argv[a], port)) {
      std::fprintf(stderr, "feed_server: cannot listen on %s:%d\n", argv[a], port);
      return 1;
    }
    servers.push_back(std::move(s));
  }
  g_servers = &servers;
  std::signal(SIGTERM, on_term);
  std::signal(SIGINT, on_term);
  for (auto& s : servers) threads.emplace_back([&s] { s->listen_after_bind(); });
  for (auto& s : servers) {
    while (!s->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::printf("ready %zu bytes per feed\n", body.size());
  std::fflush(stdout);
  for (auto& t : threads) t.join();
  return 0;
}
