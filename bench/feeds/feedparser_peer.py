#!/usr/bin/python3
"""The feed parsing benchmark's peer: Python's feedparser on the same files.

    /usr/bin/python3 feedparser_peer.py DIR [--repeat N]

Run with Debian's /usr/bin/python3 and its python3-feedparser (6.0.x). Like
feed_parse_bench, it reads every file of DIR into memory first (no disk I/O is
timed), then times N passes (default 5) of `feedparser.parse(body)` over all of
them on one thread, and prints each pass, the median pass and a last line:

    median items/s X MB/s Y items Z bytes B

Items are len(result.entries); 1 MB = 10^6 bytes. A file from which feedparser
gets no entries at all stops the run (exit 1), the way a parse failure stops
feed_parse_bench: a benchmark that silently skipped files would compare
different work. Note feedparser 6.0 does not read JSON Feed; give it XML only.
"""
import argparse
import os
import statistics
import sys
import time

try:
    import feedparser
except ImportError:
    sys.exit("feedparser_peer.py: feedparser is missing (apt-get install python3-feedparser)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--repeat", type=int, default=5, help="timed passes (default 5)")
    args = ap.parse_args()
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if not os.path.isdir(args.dir):
        sys.exit(f"feedparser_peer.py: {args.dir} is not a folder")

    # Every regular file (symlinks followed), in byte order of the names, as
    # feed_parse_bench reads them.
    names = sorted(n for n in os.listdir(args.dir) if os.path.isfile(os.path.join(args.dir, n)))
    if not names:
        sys.exit(f"feedparser_peer.py: no files in {args.dir}")
    bodies = []
    for name in names:
        with open(os.path.join(args.dir, name), "rb") as f:
            bodies.append((name, f.read()))
    total_bytes = sum(len(b) for _, b in bodies)

    # feedparser takes the document's URL from the Content-Location response
    # header; giving it the base_url newsdesk gets makes it resolve relative
    # links against the same base (the same work). Given any response header,
    # feedparser also wants a Content-Type (else it flags every file as
    # NonXMLContentType): application/xml without a charset defers to the
    # document's own BOM and declaration, as newsdesk does with no http_charset.
    headers = {name: {"content-location": f"https://bench.example/feeds/{name}", "content-type": "application/xml"}
               for name, _ in bodies}

    print(f"feedparser {feedparser.__version__}, Python {sys.version.split()[0]}: {len(bodies)} files, "
          f"{total_bytes / 1e6:.2f} MB, {args.repeat} passes", flush=True)
    seconds, items = [], 0
    for r in range(args.repeat):
        n_items, bozo = 0, []
        start = time.perf_counter()
        for name, body in bodies:
            # bytes: feedparser parses them as the document itself.
            result = feedparser.parse(body, response_headers=headers[name])
            if not result.entries:
                why = result.get("bozo_exception", "no entries")
                sys.exit(f"feedparser_peer.py: {name}: feedparser found no entries ({why})")
            n_items += len(result.entries)
            if result.bozo:
                bozo.append(name)
        elapsed = time.perf_counter() - start
        seconds.append(elapsed)
        items = n_items
        print(f"repeat {r + 1}: files {len(bodies)} items {n_items} MB {total_bytes / 1e6:.2f} seconds {elapsed:.3f} "
              f"items/s {n_items / elapsed:.0f} MB/s {total_bytes / 1e6 / elapsed:.2f}", flush=True)
        if r == 0 and bozo:
            # Entries were recovered, but feedparser flagged the document (often
            # a fallback to its slower loose parser): worth knowing, not fatal.
            print(f"note: feedparser flagged {len(bozo)} file(s) as ill-formed: {' '.join(bozo[:5])}",
                  file=sys.stderr)

    med = statistics.median(seconds)
    print(f"median: files {len(bodies)} items {items} MB {total_bytes / 1e6:.2f} seconds {med:.3f} "
          f"items/s {items / med:.0f} MB/s {total_bytes / 1e6 / med:.2f}")
    print(f"median items/s {items / med:.1f} MB/s {total_bytes / 1e6 / med:.3f} items {items} bytes {total_bytes}")


if __name__ == "__main__":
    main()
