// The HTML edition in headless Chromium (playwright-core): screenshots at
// phone and desktop widths, light and dark, and the checks a reader's eye
// would make: nothing wider than the screen, every story's headline shown,
// every image with alt text and dimensions, dark mode actually dark.
//   node edition_screenshots.mjs PLAYWRIGHT_DIR EDITION.html EDITION.json OUT_DIR
import { createRequire } from 'node:module';
import { readFileSync, mkdirSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [playwrightDir, htmlPath, jsonPath, outDir] = process.argv.slice(2);
const require = createRequire(path.join(playwrightDir, 'package.json'));
const { chromium } = require('playwright-core');
const edition = JSON.parse(readFileSync(jsonPath, 'utf8'));
mkdirSync(outDir, { recursive: true });

const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  for (const [width, scheme] of [[375, 'light'], [1024, 'light'], [375, 'dark']]) {
    const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: scheme });
    await page.goto(pathToFileURL(path.resolve(htmlPath)).href);
    const facts = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      text: document.body.innerText,
      images: [...document.images].map((i) => ({ alt: i.getAttribute('alt'), w: i.getAttribute('width'), h: i.getAttribute('height') })),
      background: getComputedStyle(document.body).backgroundColor,
    }));
    check(facts.scrollWidth <= width, `${width}px ${scheme}: the page is ${facts.scrollWidth}px wide`);
    for (const item of edition.items) check(facts.text.includes(item.headline), `${width}px: headline missing: ${item.headline}`);
    for (const img of facts.images) check(img.alt !== null && img.w && img.h, `${width}px: an image without alt or dimensions`);
    const [r, g, b] = (facts.background.match(/\d+/g) || [255, 255, 255]).map(Number);
    const dark = r + g + b < 3 * 80;
    check(scheme === 'dark' ? dark : !dark, `${width}px ${scheme}: background ${facts.background}`);
    const file = path.join(outDir, `edition-${width}-${scheme}.png`);
    await page.screenshot({ path: file, fullPage: true });
    check(statSync(file).size > 10000, `${file} is (nearly) empty`);
    console.log(file);
    await page.close();
  }
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
