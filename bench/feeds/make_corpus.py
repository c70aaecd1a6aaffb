#!/usr/bin/env python3
"""Writes the feed parsing benchmark's corpus: feeds of our own writing.

    make_corpus.py OUTDIR [--files N] [--seed S]

Every outlet, place, person and headline is invented here, composed from the
word lists below (military, defence and world-news style); nothing is copied
from a real feed. The output is deterministic for a given --seed and --files:
one random.Random drives everything and no clock, locale or hash order is read.

The mix (for the default 300 files):
  - RSS 2.0 (40%): content:encoded, dc:creator, media:content, categories,
    enclosures, atom:link rel=self, sometimes xml:base with relative links
  - Atom 1.0 (25%): html and xhtml content (per feed, or mixed per entry),
    xml:base at feed and entry level with relative hrefs
  - RSS 1.0 / RDF (15%): rdf:Seq of items, dc:date, dc:subject, content:encoded
  - JSON Feed 1.1 (20%): content_html/content_text, authors, tags, attachments
Sizes follow a log-normal spread with a median of ~50 KB, clamped to 5-200 KB;
10-100 items per feed. Realistic quirks: CDATA sections, numeric character
references, HTML named entities inside escaped or CDATA HTML, a few UTF-8 BOMs
and ISO-8859-1 documents, RFC 822 dates (numeric offsets, GMT, US zone names, no
weekday, no seconds) and RFC 3339 dates (Z, offsets, fractional seconds).

XML feeds are written as *.xml and JSON Feeds as *.json, so a caller can pick a
subset (Debian's feedparser 6.0 cannot read JSON Feed). The last line printed is
machine-readable: `files N items M bytes B xml_files .. xml_items .. xml_bytes ..`.
Python 3 standard library only.
"""
import argparse
import json
import math
import os
import random
import statistics
import sys
from datetime import datetime, timedelta, timezone

# --------------------------------------------------------------------------
# Word lists. All names are invented; the ".example" domains are reserved.
# --------------------------------------------------------------------------

OUTLETS = [
    ("The Meridian Dispatch", "meridian-dispatch"),
    ("Harbor Line Defence Review", "harborline-review"),
    ("Northwatch Wire", "northwatch"),
    ("Granite Coast Herald", "granitecoast"),
    ("The Strait Observer", "strait-observer"),
    ("Continental Security Monitor", "csmonitor"),
    ("Ardmoor Evening Post", "ardmoor-post"),
    ("Bulwark Weekly", "bulwark-weekly"),
    ("The Lantern Brief", "lantern-brief"),
    ("Frontier Ledger", "frontier-ledger"),
    ("Compass Rose World Desk", "compassrose"),
    ("Signal & Sabre", "signal-sabre"),
    ("The Kessan Courier", "kessan-courier"),
    ("Tidewater Strategic", "tidewater-strategic"),
    ("Halden Morning Star", "halden-star"),
    ("Outpost Analysis", "outpost-analysis"),
    ("The Vigil Gazette", "vigil-gazette"),
    ("Redoubt Daily", "redoubt-daily"),
    ("Bastion Global", "bastion-global"),
    ("The Quarterdeck", "quarterdeck"),
    ("Parallel Latitude News", "parallel-latitude"),
    ("The Watchtower Report", "watchtower-report"),
    ("Caldris Times-Union", "caldris-times"),
    ("Sextant Foreign Affairs", "sextant-fa"),
]

COUNTRIES = ["Valdoria", "Karvenia", "Belmora", "Drevnia", "Sorvland", "Altheria", "Marovia", "Kestria",
             "Ulmark", "Zendara", "Pellonia", "the Rhovan Federation", "Tarsenia", "Eskar", "Lunhai", "Qadira",
             "Ostrelia", "Vennmark"]
CITIES = ["Halden", "Vesk", "Ardmoor", "Caldris", "Merrowgate", "Lysk", "Tarnholm", "Brevik", "Sol Anvar",
          "Kessan", "Dunmere", "Ostrel", "Pellan", "Ravensholt", "Izmar", "Corvath", "Saint Aubrel", "Nørrevik",
          "Zaleszów", "Kâmil Bay"]
REGIONS = ["the Kessan Strait", "the northern Drevnian border", "the Ulmark highlands", "the Sorvland Gulf",
           "the Belmoran coast", "the Tarsen basin", "the Eskar archipelago", "the Pellonian frontier",
           "the Marovian corridor", "the Altherian plateau", "the Zendara delta", "the Vennmark shelf"]
UNITS = ["an armoured brigade", "two frigates", "a naval task group", "air-defence batteries",
         "a marine battalion", "reconnaissance drones", "a peacekeeping contingent", "fighter squadrons",
         "coast guard cutters", "an engineering regiment", "mine-clearing teams", "a field hospital",
         "long-range patrol aircraft", "a mechanised infantry division", "special operations units"]
PROGRAMS = ["the next-generation frigate programme", "a long-range air-defence system",
            "the submarine refit programme", "a drone procurement deal", "the armoured vehicle tender",
            "the satellite early-warning project", "the artillery modernisation plan",
            "the coastal radar network", "a new tanker aircraft order", "the reserve forces overhaul",
            "the secure communications upgrade", "the ammunition production expansion"]
INSTITUTIONS = ["the defence ministry", "the joint chiefs", "parliament's security committee",
                "the alliance council", "the foreign ministry", "the UN envoy's office", "naval command",
                "the procurement agency", "the national audit office", "the interior ministry",
                "the border guard service", "the regional security forum"]
TOPICS = ["border demarcation", "prisoner exchanges", "grain shipments", "arms control", "maritime patrol rights",
          "troop withdrawals", "sanctions relief", "airspace violations", "refugee corridors", "energy supplies",
          "cyber defence", "nuclear safeguards", "fishing rights", "mine clearance", "port access"]
INCIDENTS = ["a drone incursion", "an artillery exchange", "a naval collision", "a cyber attack on the grid",
             "a depot explosion", "a helicopter crash", "a border shooting", "a missile test",
             "the seizure of a cargo ship", "a radar lock-on", "a sabotaged pipeline", "a convoy ambush"]
CODENAMES = ["Iron Tide", "Northern Lantern", "Silent Harbor", "Granite Shield", "Blue Meridian", "Steel Compass",
             "Amber Watch", "Winter Anchor", "Falcon Ridge", "Open Horizon", "Trident Dawn", "Quiet Bastion"]
FIRST = ["Anja", "Tomas", "Mirela", "Joren", "Selma", "Dario", "Ilse", "Kasimir", "Noor", "Pavel", "Zoë",
         "Łukasz", "Inès", "Björn", "Ayasha", "Rafael", "Hana", "Oskar", "Leontyne", "Emeric", "Saoirse", "Teodor",
         "Yusra", "Mattias", "Greta", "Ilyas", "Ondřej", "Marit", "Felipe", "Katarzyna"]
LAST = ["Brandt", "Vasquez", "Okonkwo", "Lindqvist", "Marchetti", "Halvorsen", "Novak", "Aziz", "Petrović",
        "Duarte", "Kowalczyk", "Moreau", "Sørensen", "Tanaka", "Abernathy", "Castellanos", "Müller", "Reyes",
        "Ivanova", "Doherty", "Achterberg", "Nakamura", "Fairbairn", "Oyelaran", "Kerrigan", "Țurcanu"]
ROLES = ["a defence analyst", "a former naval officer", "a spokesperson for the ministry", "a senior diplomat",
         "an arms-control researcher", "the regional governor", "a retired general", "a border official",
         "a logistics officer", "an opposition lawmaker", "a security consultant", "a UN monitor"]
TITLES = ["Defence Minister", "Foreign Minister", "General", "Admiral", "President", "Prime Minister",
          "Colonel", "Envoy", "Chief of Staff"]
SECTIONS = [("World", "world"), ("Defence", "defence"), ("Security", "security"), ("Diplomacy", "diplomacy"),
            ("Naval", "naval"), ("Air Power", "air"), ("Procurement", "procurement"), ("Analysis", "analysis"),
            ("Opinion", "opinion"), ("Europe", "europe"), ("Asia-Pacific", "asia-pacific"),
            ("Middle East", "middle-east"), ("Cyber", "cyber"), ("Live", "live")]
WEEKDAYS_TEXT = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

HEADLINES = [
    "{Country} sends {unit} to {region}",
    "{Institution} approves {money} for {program}",
    "Talks on {topic} resume in {city}",
    "Ceasefire in {region} under strain after {incident}",
    "{Country} and {country2} agree on {topic}",
    "Analysis: why {program} keeps slipping",
    "{Country} accuses {country2} of {incident} near {region}",
    "Satellite images show build-up near {region}",
    "{title} {last} visits troops in {city}",
    "Opinion: {country}’s {topic} policy needs a reset",
    "Live: {country} responds to {incident}",
    "{n} injured after {incident} near {city}",
    "Exercise {codename} begins off {region}",
    "Audit finds cost overruns in {program}",
    "{Country} to raise defence spending to {pct}% of GDP",
    "Explainer: what is at stake in the {topic} talks",
    "{Country}’s parliament debates conscription reform",
    "Navy shadows unidentified vessel in {region}",
    "Monitors report {n} violations of the {region} truce",
    "{Country} recalls ambassador from {city} over {topic}",
    "Defence firms bid for {program} as deadline nears",
    "Inside the race to rebuild {city}’s air defences",
    "“We are ready”: {title} {last} on {topic}",
    "{Country} & {country2} sign {topic} memorandum",
]

SENTENCES = [
    "{Official} said on {weekday} that {claim}.",
    "The move follows {incident} earlier this {period}.",
    "Analysts in {city} said the decision could {effect}.",
    "According to {source}, {claim}.",
    "{Country} has repeatedly denied any role in {incident}.",
    "Officials did not say how many troops were involved, but {claim}.",
    "{Program} was first announced in {year} and has since {progress}.",
    "“{quote},” {first} {last}, {role}, told reporters in {city}.",
    "Talks on {topic} are expected to continue next week in {city}.",
    "The ministry put the cost at {money}, {compare}.",
    "Residents of {city} reported hearing {sound} late on {weekday}.",
    "{Institution} is due to publish its review of {program} in {month}.",
    "Neither side has commented on reports that {claim}.",
    "The deployment to {region} is the largest since {year}, when {unit} were sent to {city}.",
    "Satellite imagery reviewed by {outlet} shows {imagery}.",
    "Exercise {codename}, which involves {unit}, is scheduled to last {n} days.",
    "Critics say {program} has cost far more than planned & delivered less.",
    "The decision — announced without warning on {weekday} — surprised {institution}.",
    "“{quote}…” {first} {last} said, before the line went dead.",
    "“It is too early to say what this means for {topic},” {role} said.",
]
CLAIMS = ["the patrols would continue", "talks had made progress", "no casualties were reported",
          "the convoy had been delayed at the border", "reserve units had been placed on alert",
          "the ship was towed to {city}", "the agreement would be reviewed within {n} months",
          "contracts worth {money} had been signed", "observers were denied access to {region}",
          "the budget would be revised", "air traffic had been rerouted around {region}",
          "the exercise was planned long in advance", "the two delegations met for {n} hours"]
EFFECTS = ["raise tensions along {region}", "delay {program} by years", "reshape the alliance’s posture",
           "strain relations with {country}", "open the way for new talks on {topic}",
           "leave {city} without adequate cover"]
SOURCES = ["a statement from {institution}", "two officials familiar with the matter", "local media in {city}",
           "documents seen by {outlet}", "the monitoring mission", "a parliamentary briefing"]
PROGRESS = ["run {n} months behind schedule", "been cut back twice", "passed its first sea trials",
            "drawn criticism from the audit office", "been opened to foreign bidders"]
QUOTES = ["We will not be drawn into a provocation", "The situation is calm but tense",
          "Every option remains on the table", "This is about deterrence, not escalation",
          "Our crews have trained for exactly this", "We need a credible plan, not another announcement",
          "The border is quieter than it was a month ago", "Nobody wants a repeat of last winter"]
COMPARES = ["nearly double the original estimate", "in line with last year’s budget", "a fraction of what {country} spends",
            "up {pct}% on the previous contract"]
SOUNDS = ["explosions", "low-flying jets", "air-raid sirens", "gunfire", "helicopters"]
IMAGERY = ["new revetments at an airbase near {city}", "dozens of vehicles parked along {region}",
           "a pontoon bridge under construction", "two warships berthed at {city}", "fresh trenches near the border"]
PERIODS = ["week", "month", "year", "spring"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAY_ABBR = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

# Offsets a feed writes its dates in (minutes east of UTC), and the US zone
# names RFC 822 allows for some of them.
OFFSETS = [0, 60, 120, 180, -300, -240, -480, 330, 540, -420, 600]
RFC822_ZONES = {-300: "EST", -240: "EDT", -480: "PST", -420: "PDT"}

# Everything is dated before this instant, so the corpus never depends on the clock.
EPOCH = datetime(2024, 11, 15, 18, 0, 0, tzinfo=timezone.utc)


# --------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------

def upper_first(text):
    return text[0].upper() + text[1:]  # str.capitalize() would lower "UN"


class Writer:
    """Composes headlines and paragraphs from the word lists."""

    def __init__(self, rng, outlet_name):
        self.rng = rng
        self.outlet = outlet_name

    def pick(self, items):
        return self.rng.choice(items)

    def fill(self, template):
        r = self.rng
        country, country2 = r.sample(COUNTRIES, 2)
        values = {
            "country": country, "Country": upper_first(country), "country2": country2,
            "unit": self.pick(UNITS), "region": self.pick(REGIONS), "city": self.pick(CITIES),
            "program": self.pick(PROGRAMS), "Program": upper_first(self.pick(PROGRAMS)),
            "institution": self.pick(INSTITUTIONS), "Institution": upper_first(self.pick(INSTITUTIONS)),
            "topic": self.pick(TOPICS), "incident": self.pick(INCIDENTS), "codename": self.pick(CODENAMES),
            "title": self.pick(TITLES), "first": self.pick(FIRST), "last": self.pick(LAST), "role": self.pick(ROLES),
            "n": str(r.randint(2, 40)), "pct": str(r.choice([2, 2.5, 3, 3.5, 4])), "year": str(r.randint(2009, 2022)),
            "money": self.money(), "weekday": self.pick(WEEKDAYS_TEXT), "period": self.pick(PERIODS),
            "month": self.pick(MONTHS), "outlet": self.outlet, "sound": self.pick(SOUNDS),
            "quote": self.pick(QUOTES),
        }
        values["Official"] = self.pick([f"{self.pick(TITLES)} {values['last']}", values["Institution"],
                                        f"A spokesperson for {values['institution']}"])
        # Nested slots: the filler phrases have slots of their own.
        for key, pool in (("claim", CLAIMS), ("effect", EFFECTS), ("source", SOURCES), ("progress", PROGRESS),
                          ("compare", COMPARES), ("imagery", IMAGERY)):
            values[key] = self.pick(pool).format(**values)
        return template.format(**values)

    def money(self):
        r = self.rng
        if r.random() < 0.7:
            return r.choice(["€", "$", "£"]) + f"{r.randint(12, 980)} million"
        return f"{r.randint(1, 40)}.{r.randint(0, 9)} billion kroner"

    def headline(self):
        return self.fill(self.pick(HEADLINES))

    def sentence(self):
        return self.fill(self.pick(SENTENCES))

    def paragraph_text(self, low=2, high=5):
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def byline(self):
        return f"{self.pick(FIRST)} {self.pick(LAST)}"


def xml_escape(text, quote=False):
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


def html_text(text, xml_safe):
    """Plain prose as HTML text. A real feed's HTML often uses named entities
    for dashes and ellipses, which are fine in HTML (escaped or CDATA) but not
    in XHTML, where only XML's own five and numeric references are defined."""
    text = xml_escape(text)
    if xml_safe:
        return text.replace("—", "&#8212;")
    return text.replace(" — ", " &mdash; ").replace("…", "&hellip;")


def ncr(text):
    """Some publishers write every non-ASCII character as a numeric reference."""
    return "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in text)


class Article:
    """One story, independent of the format it is written out in."""

    def __init__(self, rng, writer, domain, when, offset, index):
        self.rng = rng
        self.domain = domain
        self.title = writer.headline()
        section_name, section_slug = rng.choice(SECTIONS)
        self.section = section_name
        self.categories = [section_name] + rng.sample([t.title() for t in TOPICS], rng.randint(0, 3))
        slug = "-".join(w.strip("“”’:&,%").lower() for w in self.title.split()[:8] if w.strip("“”’:&,%"))
        slug = "".join(c for c in slug if c.isascii() and (c.isalnum() or c == "-"))
        self.path = f"{section_slug}/{when:%Y/%m/%d}/{slug}-{index}"  # relative to the site root
        self.url = f"https://www.{domain}/{self.path}"
        self.guid = f"{domain}-{rng.randint(100000, 999999)}-{index}"
        self.authors = [writer.byline() for _ in range(rng.choice([1, 1, 1, 2]))]
        self.published = when
        self.updated = when + timedelta(minutes=rng.choice([0, 0, 5, 40, 180]))
        self.offset = offset
        self.summary = writer.paragraph_text(1, 3)
        self.image = f"https://cdn.{domain}/img/{when:%Y%m%d}/{rng.randint(1000, 9999)}.jpg"
        self.image_credit = writer.byline()
        self.has_audio = rng.random() < 0.15
        self.audio = f"https://audio.{domain}/briefing/{when:%Y%m%d}-{index}.mp3"
        self.audio_length = rng.randint(900_000, 40_000_000)
        self.paragraphs = []  # prose; grown by fill_content() to the size wanted

    def add_paragraph(self, writer):
        self.paragraphs.append(writer.paragraph_text())

    def content_html(self, xml_safe, relative_links):
        """The article body as HTML: paragraphs with the odd link, emphasis,
        quote, list, figure and embed, the way a CMS writes them out."""
        rng = random.Random(self.guid)  # per article, so re-rendering gives the same markup
        out = []
        site = "" if relative_links else f"https://www.{self.domain}"
        for i, text in enumerate(self.paragraphs):
            body = html_text(text, xml_safe)
            roll = rng.random()
            if i == 0 and roll < 0.5:
                out.append(f'<figure><img src="{xml_escape(self.image, True)}" alt="" width="1200" height="675"'
                           f'{" /" if xml_safe else ""}><figcaption>Photo: {xml_escape(self.image_credit)}'
                           f'</figcaption></figure>')
            if roll < 0.15:
                out.append(f"<blockquote><p>{body}</p></blockquote>")
            elif roll < 0.22:
                items = "".join(f"<li>{s.strip()}.</li>" for s in body.split(". ") if s.strip())
                out.append(f"<ul>{items}</ul>")
            elif roll < 0.40:
                words = body.split(" ")
                k = rng.randrange(len(words))
                words[k] = f'<a href="{site}/{self.path.split("/")[0]}/related-{rng.randint(1, 999)}">{words[k]}</a>'
                out.append("<p>" + " ".join(words) + "</p>")
            elif roll < 0.50:
                words = body.split(" ")
                k = rng.randrange(len(words))
                words[k] = f"<strong>{words[k]}</strong>" if roll < 0.45 else f"<em>{words[k]}</em>"
                out.append("<p>" + " ".join(words) + "</p>")
            elif roll < 0.52 and not xml_safe:
                out.append(f'<p>{body}</p><iframe src="https://video.example/embed/{rng.randint(1, 99999)}" '
                           f'width="560" height="315" allowfullscreen></iframe>')
            elif roll < 0.53 and not xml_safe:
                out.append(f'<p>{body}</p><script async src="https://widgets.example/embed.js"></script>')
            else:
                out.append(f"<p>{body}</p>")
        return "\n".join(out)


def fill_content(article, writer, budget, cost):
    """Adds paragraphs while the content stays nearer `budget` bytes in the
    feed than without the paragraph; `cost(text)` is what one paragraph of
    prose takes once written out. (Stopping at the first paragraph past the
    budget would overshoot every item by half a paragraph on average.)"""
    used = 0
    while used < budget:
        article.add_paragraph(writer)
        c = cost(article.paragraphs[-1])
        if used + c - budget > budget - used:
            article.paragraphs.pop()
            break
        used += c


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------

def local(when, offset):
    return when.astimezone(timezone(timedelta(minutes=offset)))


def rfc822(when, offset, style):
    t = local(when, offset)
    if offset == 0 and style % 2 == 0:
        zone = "GMT"
    elif offset in RFC822_ZONES and style % 3 == 0:
        zone = RFC822_ZONES[offset]
    else:
        zone = f"{'+' if offset >= 0 else '-'}{abs(offset) // 60:02d}{abs(offset) % 60:02d}"
    day = DAY_ABBR[t.weekday()] + ", "
    if style == 4:  # no weekday, no seconds: legal RFC 822
        return f"{t.day:02d} {MONTH_ABBR[t.month - 1]} {t.year} {t:%H:%M} {zone}"
    if style == 5:  # single-digit day
        return f"{day}{t.day} {MONTH_ABBR[t.month - 1]} {t.year} {t:%H:%M:%S} {zone}"
    return f"{day}{t.day:02d} {MONTH_ABBR[t.month - 1]} {t.year} {t:%H:%M:%S} {zone}"


def rfc3339(when, offset, style):
    t = local(when, offset)
    frac = f".{t.microsecond // 1000:03d}" if style == 2 else ""
    if offset == 0 and style != 1:
        return f"{t:%Y-%m-%dT%H:%M:%S}{frac}Z"
    return f"{t:%Y-%m-%dT%H:%M:%S}{frac}{'+' if offset >= 0 else '-'}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"


# --------------------------------------------------------------------------
# Formats. Each writer gets the feed's options and its articles; `budget` per
# item is met by growing the content (fill_content) before the item is written.
# --------------------------------------------------------------------------

class FeedSpec:
    def __init__(self, rng, outlet, fmt, n_items, target_bytes):
        self.rng = rng
        self.name, self.slug = outlet
        self.domain = f"{self.slug}.example"
        self.fmt = fmt
        self.n = n_items
        self.target = target_bytes
        self.offset = rng.choice(OFFSETS)
        self.date_style = rng.randrange(6)
        self.cdata = rng.random() < 0.7           # HTML in CDATA, else escaped
        self.ncr = rng.random() < 0.15            # non-ASCII as &#NNNN;
        self.xml_base = rng.random() < 0.3        # RSS: xml:base + relative links
        xml = fmt != "jsonfeed"                   # JSON is UTF-8, no BOM
        self.latin1 = xml and rng.random() < 0.05  # ISO-8859-1 document
        self.bom = xml and not self.latin1 and rng.random() < 0.04
        self.compact = rng.random() < 0.2         # no indentation between elements
        self.atom_content = rng.choice(["html", "html", "xhtml", "mixed"])
        self.lean = False                         # set when items must stay small
        self.writer = Writer(rng, self.name)

    def text(self, s):
        """HTML markup as this publisher writes it (before it is put into XML)."""
        return ncr(s) if self.ncr else s

    def xtext(self, s):
        """Plain text as an XML text node, references after escaping."""
        return ncr(xml_escape(s)) if self.ncr else xml_escape(s)

    def articles(self):
        # Newest first, as feeds list them; a few minutes to a few hours apart.
        when = EPOCH - timedelta(minutes=self.rng.randint(0, 60 * 24 * 200))
        out = []
        for i in range(self.n):
            out.append(Article(self.rng, self.writer, self.domain, when, self.offset, i))
            when -= timedelta(minutes=self.rng.randint(4, 400), seconds=self.rng.randint(0, 59),
                              microseconds=self.rng.randint(0, 999) * 1000)
        return out


def encode_document(spec, text):
    if spec.latin1:
        # Characters outside Latin-1 become numeric references, as a CMS does.
        return text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"', 1).encode("iso-8859-1", "xmlcharrefreplace")
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if spec.bom else data


def html_field(spec, html):
    """An HTML field of an RSS/RDF item: in CDATA or XML-escaped."""
    html = spec.text(html)
    return f"<![CDATA[{html}]]>" if spec.cdata else xml_escape(html)


def html_cost(spec):
    return lambda prose: len(html_field(spec, f"<p>{html_text(prose, False)}</p>\n").encode()) + 12


# ---- RSS 2.0 -------------------------------------------------------------

def rss_item(spec, a, nl, ind):
    rng = random.Random(a.guid + "rss")
    link = a.path if spec.xml_base else a.url
    parts = [f"<title>{spec.xtext(a.title)}</title>"]
    permalink_only = rng.random() < 0.1  # guid isPermaLink="true" and no <link>
    if permalink_only:
        parts.append(f'<guid isPermaLink="true">{xml_escape(a.url)}</guid>')
    else:
        parts.append(f"<link>{xml_escape(link)}</link>")
        parts.append(f'<guid isPermaLink="false">{a.guid}</guid>')
    parts.append(f"<pubDate>{rfc822(a.published, a.offset, spec.date_style)}</pubDate>")
    if not spec.lean:
        for author in a.authors:
            parts.append(f"<dc:creator>{html_field(spec, author) if spec.cdata else spec.xtext(author)}"
                         f"</dc:creator>")
        for c in a.categories:
            parts.append(f"<category>{xml_escape(c)}</category>")
    parts.append(f"<description>{html_field(spec, html_text(a.summary, False))}</description>")
    if a.paragraphs:
        parts.append(f"<content:encoded>{html_field(spec, a.content_html(False, spec.xml_base))}</content:encoded>")
    if not spec.lean:
        parts.append(f'<media:content url="{xml_escape(a.image, True)}" medium="image" type="image/jpeg" '
                     f'width="1200" height="675">{nl}{ind}  <media:title type="plain">'
                     f'{spec.xtext(a.title)}</media:title>{nl}{ind}  <media:credit>'
                     f'{spec.xtext(a.image_credit)}</media:credit>{nl}{ind}</media:content>')
        if a.has_audio:
            parts.append(f'<enclosure url="{xml_escape(a.audio, True)}" length="{a.audio_length}" type="audio/mpeg"/>')
        parts.append(f"<comments>{xml_escape(link)}#comments</comments>")
    return f"{ind}<item>{nl}" + "".join(f"{ind}  {p}{nl}" for p in parts) + f"{ind}</item>{nl}"


def write_rss(spec, articles):
    nl, ind = ("", "") if spec.compact else ("\n", "    ")
    base = f' xml:base="https://www.{spec.domain}/"' if spec.xml_base else ""
    head = (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/" '
            f'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel{base}>{nl}'
            f"{ind}<title>{spec.xtext(spec.name)}</title>{nl}"
            f"{ind}<link>https://www.{spec.domain}/</link>{nl}"
            f'{ind}<atom:link href="https://www.{spec.domain}/feeds/rss.xml" rel="self" type="application/rss+xml"/>{nl}'
            f"{ind}<description>World, defence and security news from {xml_escape(spec.name)}</description>{nl}"
            f"{ind}<language>en-{spec.rng.choice(['gb', 'us', 'ie', 'au'])}</language>{nl}"
            f"{ind}<lastBuildDate>{rfc822(articles[0].updated, spec.offset, spec.date_style)}</lastBuildDate>{nl}"
            f"{ind}<ttl>{spec.rng.choice([5, 15, 30, 60])}</ttl>{nl}"
            f"{ind}<generator>Inkwell CMS 4.{spec.rng.randint(0, 9)}</generator>{nl}"
            f"{ind}<image><url>https://cdn.{spec.domain}/logo.png</url><title>{spec.xtext(spec.name)}"
            f"</title><link>https://www.{spec.domain}/</link></image>{nl}")
    if spec.rng.random() < 0.3:
        head += f"{ind}<skipHours><hour>1</hour><hour>2</hour><hour>3</hour></skipHours>{nl}"
    tail = "</channel>\n</rss>\n"
    return head, tail, lambda a: rss_item(spec, a, nl, ind + ("  " if ind else "")), html_cost(spec)


# ---- Atom 1.0 ------------------------------------------------------------

def atom_entry(spec, a, nl, ind):
    rng = random.Random(a.guid + "atom")
    mode = spec.atom_content if spec.atom_content != "mixed" else rng.choice(["html", "xhtml"])
    # Relative hrefs against xml:base: the feed's (site root) or an entry's own (its section).
    entry_base = rng.random() < 0.3
    section, rest = a.path.split("/", 1)
    href = rest if entry_base else a.path
    base_attr = f' xml:base="/{section}/"' if entry_base else ""
    t = ind + "  "
    out = [f"{ind}<entry{base_attr}>{nl}"]
    if rng.random() < 0.3:
        out.append(f'{t}<title type="html">{xml_escape(spec.text(xml_escape(a.title)))}</title>{nl}')
    else:
        out.append(f'{t}<title type="text">{spec.xtext(a.title)}</title>{nl}')
    out.append(f'{t}<link rel="alternate" type="text/html" href="{xml_escape(href, True)}"/>{nl}')
    out.append(f"{t}<id>tag:{spec.domain},{a.published:%Y}:{a.guid}</id>{nl}")
    out.append(f"{t}<published>{rfc3339(a.published, a.offset, spec.date_style % 3)}</published>{nl}")
    out.append(f"{t}<updated>{rfc3339(a.updated, a.offset, spec.date_style % 3)}</updated>{nl}")
    if not spec.lean:
        for author in a.authors:
            slug = "".join(c for c in author.lower().replace(" ", "-") if c.isascii())
            out.append(f"{t}<author><name>{spec.xtext(author)}</name>"
                       f"<uri>/people/{slug}</uri></author>{nl}")
        for c in a.categories:
            out.append(f'{t}<category term="{xml_escape(c.lower(), True)}" label="{xml_escape(c, True)}"/>{nl}')
        out.append(f'{t}<link rel="enclosure" type="image/jpeg" length="{rng.randint(40000, 900000)}" '
                   f'href="{xml_escape(a.image, True)}"/>{nl}')
        if a.has_audio:
            out.append(f'{t}<link rel="enclosure" type="audio/mpeg" length="{a.audio_length}" '
                       f'href="{xml_escape(a.audio, True)}"/>{nl}')
    out.append(f'{t}<summary type="html">{xml_escape(spec.text(html_text(a.summary, False)))}</summary>{nl}')
    if a.paragraphs:
        if mode == "xhtml":
            out.append(f'{t}<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
                       f"{spec.text(a.content_html(True, True))}</div></content>{nl}")
        else:
            out.append(f'{t}<content type="html">{xml_escape(spec.text(a.content_html(False, True)))}</content>{nl}')
    out.append(f"{ind}</entry>{nl}")
    return "".join(out)


def write_atom(spec, articles):
    nl, ind = ("", "") if spec.compact else ("\n", "  ")
    head = (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://www.{spec.domain}/" xml:lang="en">{nl}'
            f"{ind}<title>{spec.xtext(spec.name)}</title>{nl}"
            f"{ind}<subtitle>Defence and world affairs</subtitle>{nl}"
            f'{ind}<link rel="alternate" type="text/html" href="/"/>{nl}'
            f'{ind}<link rel="self" type="application/atom+xml" href="/feeds/atom.xml"/>{nl}'
            f'{ind}<link rel="hub" href="https://hub.{spec.domain}/"/>{nl}'
            f"{ind}<id>tag:{spec.domain},2009:feed</id>{nl}"
            f"{ind}<updated>{rfc3339(articles[0].updated, spec.offset, 0)}</updated>{nl}"
            f"{ind}<author><name>{spec.xtext(spec.name)} newsroom</name></author>{nl}"
            f'{ind}<generator uri="https://inkwell.example/" version="4.2">Inkwell</generator>{nl}'
            f"{ind}<icon>/favicon.ico</icon>{nl}")
    cost = lambda prose: len(xml_escape(spec.text(f"<p>{html_text(prose, False)}</p>\n")).encode()) + 12
    return head, "</feed>\n", lambda a: atom_entry(spec, a, nl, ind), cost


# ---- RSS 1.0 (RDF) ---------------------------------------------------------

def rdf_item(spec, a, nl, ind):
    t = ind + "  "
    out = [f'{ind}<item rdf:about="{xml_escape(a.url, True)}">{nl}',
           f"{t}<title>{spec.xtext(a.title)}</title>{nl}",
           f"{t}<link>{xml_escape(a.url)}</link>{nl}",
           f"{t}<description>{html_field(spec, html_text(a.summary, False))}</description>{nl}",
           f"{t}<dc:date>{rfc3339(a.published, a.offset, spec.date_style % 3)}</dc:date>{nl}"]
    if not spec.lean:
        for author in a.authors:
            out.append(f"{t}<dc:creator>{spec.xtext(author)}</dc:creator>{nl}")
        for c in a.categories:
            out.append(f"{t}<dc:subject>{xml_escape(c)}</dc:subject>{nl}")
    if a.paragraphs:
        out.append(f"{t}<content:encoded>{html_field(spec, a.content_html(False, False))}</content:encoded>{nl}")
    out.append(f"{ind}</item>{nl}")
    return "".join(out)


def write_rdf(spec, articles):
    nl, ind = ("", "") if spec.compact else ("\n", "  ")
    seq = "".join(f'{ind}{ind}{ind}<rdf:li rdf:resource="{xml_escape(a.url, True)}"/>{nl}' for a in articles)
    head = (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            f'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">{nl}'
            f'{ind}<channel rdf:about="https://www.{spec.domain}/feeds/index.rdf">{nl}'
            f"{ind}{ind}<title>{spec.xtext(spec.name)}</title>{nl}"
            f"{ind}{ind}<link>https://www.{spec.domain}/</link>{nl}"
            f"{ind}{ind}<description>Dispatches on security and diplomacy</description>{nl}"
            f"{ind}{ind}<dc:language>en</dc:language>{nl}"
            f"{ind}{ind}<dc:date>{rfc3339(articles[0].updated, spec.offset, 0)}</dc:date>{nl}"
            f"{ind}{ind}<sy:updatePeriod>hourly</sy:updatePeriod>{nl}"
            f"{ind}{ind}<items>{nl}{ind}{ind}<rdf:Seq>{nl}{seq}{ind}{ind}</rdf:Seq>{nl}{ind}{ind}</items>{nl}"
            f"{ind}</channel>{nl}")
    return head, "</rdf:RDF>\n", lambda a: rdf_item(spec, a, nl, ind), html_cost(spec)


# ---- JSON Feed 1.1 ---------------------------------------------------------

def json_item(spec, a):
    rng = random.Random(a.guid + "json")
    item = {"id": a.guid if rng.random() < 0.7 else a.url, "url": a.url, "title": a.title}
    if a.paragraphs:
        item["content_html"] = a.content_html(False, False)
    else:
        item["content_text"] = a.summary
    item["summary"] = a.summary
    if not spec.lean:
        item["image"] = a.image
        item["authors"] = [{"name": n} for n in a.authors]
        item["tags"] = a.categories
        if a.has_audio:
            item["attachments"] = [{"url": a.audio, "mime_type": "audio/mpeg", "size_in_bytes": a.audio_length}]
    item["date_published"] = rfc3339(a.published, a.offset, spec.date_style % 3)
    item["date_modified"] = rfc3339(a.updated, a.offset, spec.date_style % 3)
    return item


def write_json(spec, articles):
    # Some publishers escape every non-ASCII character (\u00e9), some write UTF-8.
    ascii_only, indent = spec.ncr, None if spec.compact else 2
    dump = lambda obj: json.dumps(obj, ensure_ascii=ascii_only, indent=indent)
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": spec.name,
            "home_page_url": f"https://www.{spec.domain}/", "feed_url": f"https://www.{spec.domain}/feed.json",
            "description": "World and defence news", "language": "en",
            "icon": f"https://cdn.{spec.domain}/icon-512.png", "favicon": f"https://cdn.{spec.domain}/favicon.ico",
            "authors": [{"name": f"{spec.name} staff", "url": f"https://www.{spec.domain}/staff"}],
            "hubs": [{"type": "WebSub", "url": f"https://hub.{spec.domain}/"}], "items": []}
    # The items are written one by one so they can be sized like the XML ones;
    # the document is the feed object with the items spliced into its array.
    text = dump(feed)
    cut = text.rindex("[]")
    head, tail = text[:cut] + "[", "]" + text[cut + 2:] + "\n"
    pad = "" if indent is None else "\n    "
    item_text = lambda a: pad + dump(json_item(spec, a)).replace("\n", "\n    ")
    cost = lambda prose: len(json.dumps(f"<p>{html_text(prose, False)}</p>\n", ensure_ascii=ascii_only).encode())
    return head, tail, item_text, cost


WRITERS = {"rss2": write_rss, "atom": write_atom, "rdf": write_rdf, "jsonfeed": write_json}


def build_feed(spec):
    articles = spec.articles()
    writer = WRITERS[spec.fmt]
    head, tail, item_text, cost = writer(spec, articles)
    budget = (spec.target - len(head.encode()) - len(tail.encode())) / spec.n
    # Small feeds with many items keep their items bare (title, link, date, summary).
    bare = len(item_text(articles[0]).encode())
    if bare > budget:
        spec.lean = True
        for a in articles:
            a.summary = spec.writer.sentence()
        head, tail, item_text, cost = writer(spec, articles)
    items = []
    for a in articles:
        fill_content(a, spec.writer, budget - len(item_text(a).encode()) - 60, cost)
        items.append(item_text(a))
    if spec.fmt == "jsonfeed":
        body = head + ",".join(items) + ("" if spec.compact else "\n  ") + tail
        json.loads(body)  # our own splice must stay valid JSON
    else:
        body = head + "".join(items) + tail
    return encode_document(spec, body)


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--files", type=int, default=300, help="how many feeds (default 300)")
    ap.add_argument("--seed", type=int, default=20241115, help="random seed (default 20241115)")
    args = ap.parse_args()
    if args.files < 1:
        ap.error("--files must be at least 1")
    if os.path.isdir(args.outdir) and os.listdir(args.outdir):
        # The benchmark reads every file of the folder: refuse to mix in others.
        sys.exit(f"make_corpus.py: {args.outdir} is not empty")
    os.makedirs(args.outdir, exist_ok=True)

    rng = random.Random(args.seed)
    n = args.files
    # Sizes: evenly spaced quantiles of a log-normal (median 50 KB, sigma 0.75),
    # so the median is 50 KB whatever the seed; clamped to 5-200 KB; shuffled.
    normal = statistics.NormalDist()
    sizes = [min(200_000, max(5_000, int(50_000 * math.exp(0.75 * normal.inv_cdf((i + 0.5) / n))))) for i in range(n)]
    rng.shuffle(sizes)
    formats = (["rss2"] * 40 + ["atom"] * 25 + ["rdf"] * 15 + ["jsonfeed"] * 20)
    formats = [formats[(i * 100) // n] for i in range(n)]
    rng.shuffle(formats)

    totals = {}
    for i, (fmt, size) in enumerate(zip(formats, sizes)):
        outlet = OUTLETS[rng.randrange(len(OUTLETS))]
        # Items: 10-100, but at most one per ~700 bytes, so that small feeds
        # still have room for a headline, link, date and a summary per item.
        n_items = rng.randint(10, max(10, min(100, size // 700)))
        spec = FeedSpec(rng, outlet, fmt, n_items, size)
        data = build_feed(spec)
        ext = "json" if fmt == "jsonfeed" else "xml"
        name = f"{i + 1:03d}-{fmt}-{spec.slug}.{ext}"
        with open(os.path.join(args.outdir, name), "wb") as f:
            f.write(data)
        t = totals.setdefault(fmt, [0, 0, 0, []])
        t[0] += 1
        t[1] += n_items
        t[2] += len(data)
        t[3].append(len(data))

    all_sizes = sorted(s for t in totals.values() for s in t[3])
    for fmt in WRITERS:
        if fmt in totals:
            f, it, b, _ = totals[fmt]
            print(f"{fmt:9s} {f:4d} files {it:6d} items {b / 1e6:7.2f} MB")
    print(f"sizes: min {all_sizes[0] / 1e3:.1f} KB, median {statistics.median(all_sizes) / 1e3:.1f} KB, "
          f"max {all_sizes[-1] / 1e3:.1f} KB")
    xml = [t for fmt, t in totals.items() if fmt != "jsonfeed"]
    print(f"files {n} items {sum(t[1] for t in totals.values())} bytes {sum(t[2] for t in totals.values())} "
          f"xml_files {sum(t[0] for t in xml)} xml_items {sum(t[1] for t in xml)} xml_bytes {sum(t[2] for t in xml)}")


if __name__ == "__main__":
    main()
