// A reader's whole life on the site, in headless Chromium (playwright-core):
// sign up on the form, take the confirmation link from the email the real
// SMTP server received, confirm, change preferences (pause), then
// unsubscribe in one click (the POST a mailbox provider makes, RFC 8058)
// and see the page say so. Screenshots of each page go to OUT_DIR.
//   node subscriber_flow.mjs PLAYWRIGHT_DIR BASE_URL MAIL_DIR OUT_DIR EMAIL
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

const [playwrightDir, base, mailDir, outDir, email] = process.argv.slice(2);
const require = createRequire(path.join(playwrightDir, 'package.json'));
const { chromium } = require('playwright-core');
mkdirSync(outDir, { recursive: true });

const fail = (why) => { console.error(`subscriber flow: ${why}`); process.exit(1); };
const shot = async (page, name) => {
  const file = path.join(outDir, `subscriber-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (statSync(file).size < 5000) fail(`${file} is (nearly) empty`);
  console.log(file);
};
// The confirmation link in the message (quoted-printable: soft breaks and =3D undone).
const confirmLink = async () => {
  for (let i = 0; i < 100; i++) {
    const files = readdirSync(mailDir).filter((f) => f.endsWith('.eml'));
    for (const f of files) {
      const text = readFileSync(path.join(mailDir, f), 'latin1').replace(/=\r\n/g, '').replace(/=3D/g, '=');
      if (!text.includes(`X-Envelope-To: ${email}`)) continue;
      const m = text.match(/https?:\/\/[^\s"<>]+\/confirm\?t=[0-9A-Za-z._-]+/);
      if (m) return m[0];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  fail('no confirmation email arrived');
};

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });

  await page.goto(`${base}/`);
  await page.getByRole('link', { name: 'Sign up' }).click();
  await page.getByLabel('Email address').fill(email);
  await shot(page, '1-signup-form');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
  await shot(page, '2-check-inbox');

  await page.goto(await confirmLink());
  await shot(page, '3-confirm');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('heading', { name: 'You are subscribed' }).waitFor();
  await shot(page, '4-subscribed');

  await page.getByRole('link', { name: /Choose editions/ }).click();
  await page.getByRole('heading', { name: 'Your subscription' }).waitFor();
  await page.getByLabel(/Pause/).check();
  await page.getByLabel(/Time zone/).fill('Europe/Paris');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved.').waitFor();
  if (!(await page.getByLabel(/Pause/).isChecked())) fail('the pause was not kept');
  await shot(page, '5-preferences-saved');

  // One click: the POST a mailbox provider makes to the List-Unsubscribe URL, no further question.
  const action = await page.locator('form[action^="/unsubscribe"]').getAttribute('action');
  const oneClick = await page.request.post(`${base}${action}`, { form: { 'List-Unsubscribe': 'One-Click' } });
  if (oneClick.status() !== 200) fail(`one-click unsubscribe answered ${oneClick.status()}`);
  await page.goto(`${base}${action}`);
  await page.getByRole('heading', { name: 'Unsubscribed' }).waitFor();
  await shot(page, '6-unsubscribed');
  if (dialogs.length > 0) fail(`a script ran: ${dialogs.join('; ')}`);
} finally {
  await browser.close();
}
console.log('subscriber flow: ok');
