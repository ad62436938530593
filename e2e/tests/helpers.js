// Shared steps: log in as a demo person, check accessibility, keep a screenshot.
const { expect } = require('@playwright/test');
const AxeBuilder = require('@axe-core/playwright').default;

const fs = require('fs');
const path = require('path');

const DEMO_PASSWORD = 'Kring-Demo-2026';

// The demo people's mobile numbers (crates/api/src/services/demo.rs).
const MOBILES = {
  marieke: '+31612345601', pieter: '+31612345602', kees: '+31612345603', sandra: '+31612345604',
  daan: '+31612345605', fatima: '+31612345606', thomas: '+31612345607', lotte: '+31612345608',
  beheer: '+31612345609', anouk: '+31612345610', 'anouk.bakker': '+31612345610',
};

// A test that gives a demo person a new mobile number notes it here, so that every worker
// still finds that person's codes.
function changedNumbersFile() {
  return path.join(process.env.KRING_E2E_DATA_DIR, 'e2e-changed-mobiles.json');
}

function rememberNumber(username, e164) {
  const file = changedNumbersFile();
  const known = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  known[username] = [...new Set([...(known[username] || []), e164])];
  fs.writeFileSync(file, JSON.stringify(known));
}

function numbersOf(username) {
  const file = changedNumbersFile();
  const known = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  return [MOBILES[username], ...(known[username] || [])];
}

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

// The authenticator-app secret of a demo person, while a test has the app turned on.
function totpFile(username) {
  return path.join(process.env.KRING_E2E_DATA_DIR, `e2e-totp-${username}.txt`);
}

function rememberTotp(username, secret) {
  fs.writeFileSync(totpFile(username), secret);
}

function forgetTotp(username) {
  fs.rmSync(totpFile(username), { force: true });
}

function smsFiles() {
  const folder = path.join(process.env.KRING_E2E_DATA_DIR, 'outbox');
  if (!fs.existsSync(folder)) return [];
  return fs.readdirSync(folder).filter((name) => name.includes('-sms-')).sort();
}

// The codes of the SMS messages to `username`, newest first, leaving out files in `except`.
function codesFor(username, except = new Set()) {
  const folder = path.join(process.env.KRING_E2E_DATA_DIR, 'outbox');
  return smsFiles()
    .filter((name) => !except.has(name))
    .reverse()
    .map((name) => fs.readFileSync(path.join(folder, name), 'utf8'))
    .filter((text) => numbersOf(username).some((number) => text.startsWith(`To: ${number}\n`)))
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

// The code in the newest SMS to `username` in the server's outbox.
function latestCode(username) {
  const [code] = codesFor(username);
  if (!code) throw new Error(`no SMS to ${username}`);
  return code;
}

// Logs in as a person on a new device would: password, then the SMS code when asked.
async function login(page, username, password = DEMO_PASSWORD) {
  await page.goto('/inloggen');
  await loginHere(page, username, password);
}

// The same, on the login form already on screen (without loading the page).
async function loginHere(page, username, password = DEMO_PASSWORD) {
  await page.getByLabel('Gebruikersnaam').fill(username);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
  const before = new Set(smsFiles());
  const answer = page.waitForResponse((response) => response.url().endsWith('/api/auth/login'));
  await page.getByRole('button', { name: 'Inloggen' }).click();
  const response = await answer;
  if (response.status() !== 200) return;
  const body = await response.json();
  if (body.status !== 'verification_required') return;
  await expect(page.getByRole('heading', { name: 'Apparaat verificatie' })).toBeVisible();
  if (body.channel === 'totp') {
    await enterAppCode(page, username);
  } else {
    await enterCode(page, username, before);
  }
}

// On the verification step (in any language): types the code from the SMS and checks it.
// Another test may log in as the same person at the same moment, so every code sent since
// `before` is tried, newest first, until one is accepted.
async function enterCode(page, username, before = new Set()) {
  const input = page.locator('#code');
  await expect(input).toBeVisible();
  const codes = codesFor(username, before);
  for (const code of (codes.length ? codes : [latestCode(username)]).slice(0, 3)) {
    const verified = page.waitForResponse((r) => r.url().endsWith('/api/auth/verify'));
    await input.fill(code);
    await page.locator('.login-card form button[type="submit"]').click();
    if ((await verified).status() === 200) return;
  }
  throw new Error(`no SMS code for ${username} was accepted`);
}

// For a person whose app another test turned on: the app's codes (each works once, so the
// next steps are tried too).
async function enterAppCode(page, username) {
  const secret = fs.readFileSync(totpFile(username), 'utf8').trim();
  for (const step of [1, 2, 0]) {
    const verified = page.waitForResponse((r) => r.url().endsWith('/api/auth/verify'));
    await page.locator('#code').fill(totpNow(secret, step));
    await page.locator('.login-card form button[type="submit"]').click();
    if ((await verified).status() === 200) return;
  }
  throw new Error(`no app code for ${username} was accepted`);
}

// Zero axe violations against WCAG 2.2 A and AA.
// On a phone the info bar keeps Start, Meldingen and the menu; help, the language and
// Uitloggen are in the menu. Opens it there, so a step reads the same at every size.
async function openMenuOnPhone(page) {
  const width = page.viewportSize().width;
  const menu = page.locator('.user-menu');
  if (width < 768 && !(await menu.evaluate((details) => details.open))) {
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

// The visible start-screen panels, by their data-panel name, in order.
async function visiblePanels(page) {
  await expect(page.locator('.home')).toBeVisible();
  return page.locator('section.panel').evaluateAll((nodes) => nodes.map((n) => n.dataset.panel));
}

module.exports = {
  openMenuOnPhone,
  clickLogout,
  rememberTotp, forgetTotp, totpNow, login, loginHere, enterCode, latestCode, latestCodeTo, rememberNumber, expectAccessible, snapshot, visiblePanels, DEMO_PASSWORD };
