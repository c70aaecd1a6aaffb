#!/usr/bin/env python3
"""A loopback news web for the workers' tests: many feeds on several sites.

    news_web.py --feeds N --items K --hosts 127.0.0.1,127.0.0.2 [--words DIR] OUT_DIR

One threaded HTTP server per host (each an IP address, so each its own site),
on a free port. The feeds (RSS 2.0, /feed/N.xml) are shared out among the
hosts in blocks (the first fifth on the first of five hosts, and so on); each
feed's K items link to article pages on the same server (/article/N-I.html):
several paragraphs of prose made from a seeded word list (the words of the
.txt files under --words, e.g. the sample web's articles, else a short list of
a newspaper's), every article its own sentences, three articles (of other
feeds) sharing a topic's names and words, as coverage of one story does.

Writes, once every server listens:
  OUT_DIR/sources.opml  every feed, for `newsdesk sources import-opml`
  OUT_DIR/web.json      {"feeds": [...feed URLs], "articles": [...page URLs]}
  OUT_DIR/ready         last, when the rest is written: HOST:PORT of each server
Serves GET /_counts on every host: {"http://HOST:PORT/PATH": requests, ...},
every request to any of the servers counted (/_counts itself not). Stops on
SIGTERM or SIGINT, or by itself after --lifetime seconds.
"""
import argparse
import datetime
import email.utils
import html
import http.server
import json
import os
import random
import re
import signal
import sys
import threading
import time

# Words that tie a sentence together (stop words to the clusterer), and the
# words that carry its meaning: a few hundred of a newspaper's, or every word
# of the texts under --words (e.g. the sample web's articles) for a larger
# vocabulary. A topic draws its own few dozen of them, so that coverage of one
# story reads alike and other stories do not.
FUNCTION = """the a of to and in that for on with as by at from is was were has had will would could said says
after before over under about into through during against between while since until within without
because although however meanwhile instead still also already again only even nearly almost more most less
""".split()
CONTENT = """government council minister ministry officials residents workers police court judge committee report
city town region province country border coast harbour port river valley district village capital
new old first last second third major local national public private regional several many few other
year years month months week weeks day days morning evening night today yesterday tomorrow
people families children students farmers drivers voters companies firms unions teachers doctors
plan plans budget tax taxes money funds prices costs wages jobs market markets trade exports imports
road roads bridge bridges rail line trains buses airport flights ships ferry power water energy grid
school schools hospital hospitals clinic housing homes rents land farms crops harvest weather storm
flood floods rain snow heat drought fire fires smoke wind damage repairs crews services network
election vote votes campaign party parties mayor leader leaders opposition coalition parliament law
bill rules reform reforms inquiry investigation charges trial verdict appeal protest strike talks deal
agreement contract project programme plant factory mine mill warehouse office centre museum library
announced confirmed approved rejected opened closed reopened delayed cancelled expanded reduced raised
warned promised expected planned agreed refused asked told added noted estimated reported described
least higher lower larger smaller longer shorter early late recent current final
""".split()


def load_words(folder):
    """Every word of three letters or more of the .txt files under `folder`, sorted, each once."""
    words = set()
    for root, _, files in os.walk(folder):
        for f in files:
            if f.endswith(".txt"):
                with open(os.path.join(root, f), encoding="utf-8", errors="replace") as text:
                    words.update(w for w in re.findall(r"[a-z]{3,}", text.read().lower()))
    return sorted(words - set(FUNCTION))

SYLLABLES = "ka ri lo ven tor sa mi del an os ur bel cor fen gal hol jar kes lun mor nar pel quin ros sel tam vor wil zan".split()


def name(rng, parts=(2, 3)):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(*parts))).capitalize()


def sentence(rng, content, vocabulary, topic_words):
    words = []
    for _ in range(rng.randint(9, 18)):
        r = rng.random()
        words.append(rng.choice(FUNCTION if r < 0.35 else vocabulary if r < 0.9 else content))
    for _ in range(rng.randint(1, 3)):
        words.insert(rng.randrange(len(words) + 1), rng.choice(topic_words))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


class Web:
    def __init__(self, feeds, items, hosts, seed, now, content=CONTENT):
        self.feeds, self.items, self.hosts, self.seed, self.now, self.content = feeds, items, hosts, seed, now, content
        self.ports = {}
        self.counts = {}
        self.lock = threading.Lock()

    def host(self, feed):
        # In blocks: consecutive feeds (as sources are added, one outlet's
        # feeds after another's) are on one site.
        return self.hosts[feed * len(self.hosts) // self.feeds]

    def base(self, feed):
        host = self.host(feed)
        return f"http://{host}:{self.ports[host]}"

    def topic(self, feed, item):
        # Three articles (of different feeds) per topic: its place, people and thing.
        n = feed * self.items + item
        t = (n * 7919) % max(1, (self.feeds * self.items) // 3)
        rng = random.Random(self.seed * 1_000_003 + t)
        # Its own words, mostly: coverage of one story reads alike, other stories less so.
        return {"place": name(rng), "people": [name(rng) + " " + name(rng) for _ in range(2)],
                "vocabulary": rng.sample(self.content, min(40, len(self.content))),
                "thing": rng.choice(["bridge", "harbour", "school", "hospital", "rail line", "power plant", "dam",
                                     "market", "airport", "festival", "mine", "ferry"])}

    def published(self, feed, item):
        minutes = (feed * self.items + item) % (20 * 60)
        return self.now - datetime.timedelta(minutes=minutes + 5)

    def headline(self, feed, item):
        t = self.topic(feed, item)
        rng = random.Random((self.seed * 31 + feed) * 1_009 + item)
        verb = rng.choice(["opens", "closes", "delays", "expands", "approves", "rejects", "reviews", "rebuilds"])
        return f"{t['place']} {verb} its {t['thing']} as {t['people'][0]} speaks"

    def feed_xml(self, feed):
        base = self.base(feed)
        out = [f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
               f"<title>Outlet {feed}</title><link>{base}/</link><description>News of outlet {feed}</description>"
               f"<ttl>120</ttl>"]
        for item in range(self.items):
            url = f"{base}/article/{feed}-{item}.html"
            out.append(f"<item><title>{html.escape(self.headline(feed, item))}</title><link>{url}</link>"
                       f"<guid isPermaLink=\"false\">outlet-{feed}-item-{item}</guid>"
                       f"<pubDate>{email.utils.format_datetime(self.published(feed, item))}</pubDate></item>")
        out.append("</channel></rss>\n")
        return "".join(out)

    def article_html(self, feed, item):
        base = self.base(feed)
        t = self.topic(feed, item)
        rng = random.Random((self.seed * 17 + feed) * 100_003 + item)
        topic_words = [t["place"], t["thing"], *t["people"]]
        paragraphs = []
        for _ in range(rng.randint(4, 6)):
            paragraphs.append(" ".join(sentence(rng, self.content, t["vocabulary"], topic_words) for _ in range(rng.randint(2, 4))))
        title = self.headline(feed, item)
        when = self.published(feed, item).isoformat()
        author = name(rng) + " " + name(rng)
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)} | Outlet {feed}</title>"
                f"<link rel=\"canonical\" href=\"{base}/article/{feed}-{item}.html\">"
                f"<meta property=\"og:type\" content=\"article\"><meta property=\"og:title\" content=\"{html.escape(title)}\">"
                f"<meta property=\"article:published_time\" content=\"{when}\"></head><body>"
                f"<header><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a> <a href=\"/sport\">Sport</a></nav></header>"
                f"<main><article><h1>{html.escape(title)}</h1><p class=\"byline\">By {author}</p>"
                f"<time datetime=\"{when}\">{when}</time>\n{body}\n</article></main>"
                f"<footer><p>Outlet {feed}, a loopback newspaper.</p></footer></body></html>\n")

    def count(self, key):
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + 1


def handler_for(web):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, status, body, content_type):
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            host, port = self.server.server_address[:2]
            path = self.path.split("?", 1)[0]
            if path == "/_counts":
                with web.lock:
                    body = json.dumps(web.counts)
                return self.send(200, body, "application/json")
            web.count(f"http://{host}:{port}{path}")
            try:
                if path == "/robots.txt":
                    return self.send(200, "User-agent: *\nDisallow: /private/\n", "text/plain")
                if path.startswith("/feed/") and path.endswith(".xml"):
                    feed = int(path[len("/feed/"):-len(".xml")])
                    if 0 <= feed < web.feeds and web.host(feed) == host:
                        return self.send(200, web.feed_xml(feed), "application/rss+xml; charset=utf-8")
                if path.startswith("/article/") and path.endswith(".html"):
                    feed, item = map(int, path[len("/article/"):-len(".html")].split("-"))
                    if 0 <= feed < web.feeds and 0 <= item < web.items and web.host(feed) == host:
                        return self.send(200, web.article_html(feed, item), "text/html; charset=utf-8")
            except ValueError:
                pass
            self.send(404, "not found\n", "text/plain")

    return Handler


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client killed mid-request (what the crash tests do) is no error of the web's.
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--items", type=int, default=2)
    parser.add_argument("--hosts", default="127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lifetime", type=float, default=600, help="stop by itself after this many seconds")
    parser.add_argument("--words", help="a folder of .txt files whose words make the articles' vocabulary")
    parser.add_argument("out_dir")
    args = parser.parse_args()
    hosts = args.hosts.split(",")
    web = Web(args.feeds, args.items, hosts, args.seed,
              datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0),
              load_words(args.words) if args.words else CONTENT)
    servers = []
    for host in hosts:
        server = Server((host, 0), handler_for(web))
        web.ports[host] = server.server_address[1]
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()

    feeds = [f"{web.base(f)}/feed/{f}.xml" for f in range(args.feeds)]
    articles = [f"{web.base(f)}/article/{f}-{i}.html" for f in range(args.feeds) for i in range(args.items)]
    with open(os.path.join(args.out_dir, "sources.opml"), "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0"><head><title>loopback web</title></head><body>\n')
        for f, url in enumerate(feeds):
            out.write(f'<outline type="rss" text="Outlet {f}" title="Outlet {f}" xmlUrl="{url}" htmlUrl="{web.base(f)}/"/>\n')
        out.write("</body></opml>\n")
    with open(os.path.join(args.out_dir, "web.json"), "w", encoding="utf-8") as out:
        json.dump({"feeds": feeds, "articles": articles}, out)
    with open(os.path.join(args.out_dir, "ready"), "w", encoding="utf-8") as out:
        out.write(" ".join(f"{h}:{web.ports[h]}" for h in hosts) + "\n")

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait(args.lifetime)
    for server in servers:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
