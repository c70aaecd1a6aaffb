// Peer extractor for bench/extraction/run: Mozilla Readability on jsdom.
//
//   node readability_peer.mjs [--modules DIR] PAGES_DIR [TRUTH_JSON]
//
// For each *.html in PAGES_DIR, in file-name order, prints one JSON line
// {id, title, byline, date, articleBody} (articleBody = Readability's textContent,
// date = publishedTime). The page's URL comes from TRUTH_JSON when it has one,
// else a placeholder. A page that throws or yields nothing gives an empty
// articleBody (plus an "error" field on a throw); the run never aborts on a page.
// --modules DIR: the folder holding node_modules/ with jsdom and @mozilla/readability
// (bench/extraction/run installs them into a temporary folder).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const args = process.argv.slice(2);
let modulesDir = null;
if (args[0] === "--modules") {
  modulesDir = args[1];
  args.splice(0, 2);
}
if (args.length < 1 || args.length > 2) {
  process.stderr.write("usage: readability_peer.mjs [--modules DIR] PAGES_DIR [TRUTH_JSON]\n");
  process.exit(2);
}
const [pagesDir, truthPath] = args;

const require = createRequire(path.join(path.resolve(modulesDir ?? path.dirname(new URL(import.meta.url).pathname)), "_.js"));
const { JSDOM, VirtualConsole } = require("jsdom");
const { Readability } = require("@mozilla/readability");

const truth = truthPath ? JSON.parse(fs.readFileSync(truthPath, "utf8")) : {};
const placeholder = "https://example.invalid/article";

// Byte order, like the C++ side (std::filesystem::path comparison).
const files = fs.readdirSync(pagesDir).filter((n) => n.endsWith(".html")).sort((a, b) =>
  Buffer.compare(Buffer.from(a), Buffer.from(b)));

const out = [];
const flush = () => {
  if (out.length) fs.writeSync(1, out.join(""));
  out.length = 0;
};

for (const name of files) {
  const id = name.slice(0, name.indexOf("."));
  const rec = { id, title: "", byline: "", date: "", articleBody: "" };
  let dom = null;
  try {
    const html = fs.readFileSync(path.join(pagesDir, name), "utf8");
    const url = (truth[id] && truth[id].url) || placeholder;
    // A silent virtual console: jsdom would otherwise print every CSS parse error.
    dom = new JSDOM(html, { url, virtualConsole: new VirtualConsole() });
    const article = new Readability(dom.window.document).parse();
    if (article) {
      rec.title = article.title ?? "";
      rec.byline = article.byline ?? "";
      rec.date = article.publishedTime ?? "";
      rec.articleBody = article.textContent ?? "";
    }
  } catch (e) {
    rec.error = String(e && e.message ? e.message : e).slice(0, 300);
    process.stderr.write(`${name}: ${rec.error}\n`);
  } finally {
    if (dom) dom.window.close();
  }
  out.push(JSON.stringify(rec) + "\n");
  if (out.length >= 16) flush();
}
flush();
