#!/usr/bin/python3
"""Peer extractor for bench/extraction/run: readability-lxml (Debian python3-readability).

    /usr/bin/python3 readability_lxml_peer.py PAGES_DIR

For each *.html in PAGES_DIR, in file-name order, prints one JSON line
{"id", "title", "articleBody"}: readability.Document(html).summary() turned into
text with lxml.html text_content(), one line per paragraph-like block, and
short_title() as the title. readability-lxml finds no byline or date.
A page that throws gives an empty articleBody plus an "error" field; the run
never aborts on a page.
"""
import json
import logging
import os
import sys

import lxml.html
from readability import Document

# Elements that start a new line in the text (the gold text separates paragraphs).
BLOCKS = {
    "p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote",
    "pre", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "tr", "td", "th", "figure", "figcaption", "br", "hr", "address",
}


def summary_text(summary_html):
    if not summary_html.strip():
        return ""
    root = lxml.html.fromstring(summary_html)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in BLOCKS:
            el.tail = "\n" + (el.tail or "")
            if el.tag.lower() != "br":
                el.text = "\n" + (el.text or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: readability_lxml_peer.py PAGES_DIR\n")
        return 2
    pages = sys.argv[1]
    logging.disable(logging.CRITICAL)  # readability logs every candidate at INFO/DEBUG
    names = sorted((n for n in os.listdir(pages) if n.endswith(".html")), key=os.fsencode)
    out = sys.stdout
    for name in names:
        rec = {"id": name[: name.index(".")], "title": "", "articleBody": ""}
        try:
            with open(os.path.join(pages, name), encoding="utf-8", errors="replace") as f:
                doc = Document(f.read())
            body = summary_text(doc.summary())
            title = doc.short_title()
            rec["title"] = "" if title == "[no-title]" else title
            rec["articleBody"] = body
        except Exception as e:  # a peer failure is an empty output, never an abort
            rec["error"] = f"{type(e).__name__}: {e}"[:300]
            sys.stderr.write(f"{name}: {rec['error']}\n")
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
