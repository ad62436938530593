// Shared steps: log in as a person of the test's demo copy, check accessibility, keep a
// screenshot.
const { expect } = require('@playwright/test');
const AxeBuilder = require('@axe-core/playwright').default;

const fs = require('fs');
const path = require('path');

const DEMO_PASSWORD = 'Kring-Demo-2026';

// RFC 6238 with SHA-1, 6 digits, 30-second steps: what an authenticator app computes.
// The app's code now, or `stepsAhead` 30-second steps later.
function totpNow(base32Secret, stepsAhead = 0) {
  const crypto = require('crypto');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of base32Secret.replace(/=+$/, '')) bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  const bytes = Buffer.from(bits.match(/.{8}/g).map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30) + stepsAhead));
  const hmac = crypto.createHmac('sha1', bytes).update(counter).digest();
  const offset = hmac[hmac.length - 1] & 0xf;
  const value = (hmac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(value).padStart(6, '0');
}

function smsFiles() {
  const folder = path.join(process.env.KRING_E2E_DATA_DIR, 'outbox');
  if (!fs.existsSync(folder)) return [];
  return fs.readdirSync(folder).filter((name) => name.includes('-sms-')).sort();
}

// The codes of the SMS messages to `person` (see fixtures.js), newest first, leaving out
// files in `except`.
function codesFor(person, except = new Set()) {
  const folder = path.join(process.env.KRING_E2E_DATA_DIR, 'outbox');
  return smsFiles()
    .filter((name) => !except.has(name))
    .reverse()
    .map((name) => fs.readFileSync(path.join(folder, name), 'utf8'))
    .filter((text) => person.numbers.some((number) => text.startsWith(`To: ${number}\n`)))
    .map((text) => text.match(/\b(\d{6})\b/)[1]);
}

// The code in the newest SMS to the number `e164`.
function latestCodeTo(e164) {
  const folder = path.join(process.env.KRING_E2E_DATA_DIR, 'outbox');
  const text = smsFiles()
    .reverse()
    .map((name) => fs.readFileSync(path.join(folder, name), 'utf8'))
    .find((message) => message.startsWith(`To: ${e164}\n`));
  if (!text) throw new Error(`no SMS to ${e164}`);
  return text.match(/\b(\d{6})\b/)[1];
}

// The code in the newest SMS to `person` in the server's outbox.
function latestCode(person) {
  const [code] = codesFor(person);
  if (!code) throw new Error(`no SMS to ${person.username}`);
  return code;
}

// Logs in as `person` (see fixtures.js) on a new device: password, then the code when asked.
// `username` is what is typed, when a test gave the person another one.
async function login(page, person, password = DEMO_PASSWORD, username = person.username) {
  await page.goto('/inloggen');
  await loginHere(page, person, password, username);
}

// The same, on the login form already on screen (without loading the page).
async function loginHere(page, person, password = DEMO_PASSWORD, username = person.username) {
  await page.getByLabel('Gebruikersnaam').fill(username);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
  const before = new Set(smsFiles());
  const answer = page.waitForResponse((response) => response.url().endsWith('/api/auth/login'));
  await page.getByRole('button', { name: 'Inloggen' }).click();
  const response = await answer;
  if (response.status() !== 200) return;
  const body = await response.json();
  if (body.status === 'authenticated') return signedIn(page);
  if (body.status !== 'verification_required') return;
  await expect(page.getByRole('heading', { name: 'Apparaat verificatie' })).toBeVisible();
  const verified = body.channel === 'totp'
    ? await enterAppCode(page, person)
    : await enterCode(page, person, before);
  // A first login goes on to choose a password (or set up a second factor) on the login page.
  if (verified.status === 'authenticated') await signedIn(page);
}

// After a login the address changes at once, and the page follows when its part of the app
// has arrived (the family portal loads per area): wait until the login page is gone, so a
// test never clicks in the page it just left.
async function signedIn(page) {
  await expect(page.locator('.login-card')).toHaveCount(0);
}

// On the verification step (in any language): types the newest code sent to `person` since
// `before` and checks that it is accepted.
async function enterCode(page, person, before = new Set()) {
  const input = page.locator('#code');
  await expect(input).toBeVisible();
  const [code] = codesFor(person, before);
  const verified = page.waitForResponse((r) => r.url().endsWith('/api/auth/verify'));
  await input.fill(code || latestCode(person));
  await page.locator('.login-card form button[type="submit"]').click();
  const response = await verified;
  expect(response.status(), `the SMS code for ${person.username}`).toBe(200);
  return response.json();
}

// For a person whose authenticator app the test turned on: the app's code now. A code works
// once, so a login right after another one in the same 30 seconds uses the next step's.
async function enterAppCode(page, person) {
  const step = person.lastTotpStep === Math.floor(Date.now() / 30000) ? 1 : 0;
  const verified = page.waitForResponse((r) => r.url().endsWith('/api/auth/verify'));
  await page.locator('#code').fill(totpNow(person.totpSecret, step));
  await page.locator('.login-card form button[type="submit"]').click();
  const response = await verified;
  expect(response.status(), `the app code for ${person.username}`).toBe(200);
  person.lastTotpStep = Math.floor(Date.now() / 30000) + step;
  return response.json();
}

// Zero axe violations against WCAG 2.2 A and AA.
// Below 1024 px the info bar keeps Start, Meldingen (and on a tablet Uitloggen) and puts help
// and the language in the menu; on a phone Uitloggen too. Opens the menu there, so a step
// reads the same at every size.
async function openMenuOnPhone(page) {
  const width = page.viewportSize().width;
  const menu = page.locator('.user-menu');
  if (width < 1024 && !(await menu.evaluate((details) => details.open))) {
    await menu.locator('summary').click();
  }
}

async function clickLogout(page) {
  await openMenuOnPhone(page);
  await page.getByRole('button', { name: 'Uitloggen' }).click();
}

async function expectAccessible(page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary).toEqual([]);
}

async function snapshot(page, testInfo, name) {
  await page.screenshot({ path: `artifacts/${testInfo.project.name}/${name}.png`, fullPage: true });
}

// Opens the menu behind the user's name (at every size), if it is not open yet.
async function openUserMenu(page) {
  const menu = page.locator('.user-menu');
  if (!(await menu.evaluate((details) => details.open))) {
    await menu.locator('summary').click();
  }
  return menu;
}

// Nothing is wider than the screen. Measured against the screen's own width: a phone browser
// widens its layout to fit a too-wide page (and window.innerWidth with it), which would hide it.
// A soft check: a page that is too wide fails the test, and the steps after it still run.
async function expectNoSidewaysScroll(page) {
  const width = page.viewportSize().width;
  const overflow = await page.evaluate((screen) => document.documentElement.scrollWidth - screen, width);
  expect.soft(overflow, `${new URL(page.url()).pathname} scrolls sideways`).toBeLessThanOrEqual(0);
}

// The visible start-screen panels, by their data-panel name, in order.
async function visiblePanels(page) {
  await expect(page.locator('.home')).toBeVisible();
  return page.locator('section.panel').evaluateAll((nodes) => nodes.map((n) => n.dataset.panel));
}

module.exports = {
  openMenuOnPhone,
  openUserMenu,
  expectNoSidewaysScroll,
  clickLogout,
  totpNow, login, loginHere, enterCode, latestCode, latestCodeTo, expectAccessible, snapshot, visiblePanels, DEMO_PASSWORD };
