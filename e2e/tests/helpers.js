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

// The code in the newest SMS to `username` in the server's outbox.
function latestCode(username) {
  const folder = path.join(process.env.KRING_E2E_DATA_DIR, 'outbox');
  const files = fs.readdirSync(folder).filter((name) => name.includes('-sms-')).sort().reverse();
  for (const file of files) {
    const text = fs.readFileSync(path.join(folder, file), 'utf8');
    if (text.startsWith(`To: ${MOBILES[username]}\n`)) return text.match(/\b(\d{6})\b/)[1];
  }
  throw new Error(`no SMS to ${username}`);
}

// Logs in as a person on a new device would: password, then the SMS code when asked.
async function login(page, username, password = DEMO_PASSWORD) {
  await page.goto('/inloggen');
  await page.getByLabel('Gebruikersnaam').fill(username);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
  const answer = page.waitForResponse((response) => response.url().endsWith('/api/auth/login'));
  await page.getByRole('button', { name: 'Inloggen' }).click();
  const response = await answer;
  if (response.status() !== 200) return;
  const body = await response.json();
  if (body.status !== 'verification_required') return;
  await expect(page.getByRole('heading', { name: 'Apparaat verificatie' })).toBeVisible();
  await enterCode(page, username);
}

// On the verification step (in any language): types the code from the SMS and checks it.
async function enterCode(page, username) {
  const input = page.locator('#code');
  await expect(input).toBeVisible();
  await input.fill(latestCode(username));
  await page.locator('.login-card form button[type="submit"]').click();
}

// Zero axe violations against WCAG 2.2 A and AA.
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

module.exports = { login, enterCode, latestCode, expectAccessible, snapshot, visiblePanels, DEMO_PASSWORD };
