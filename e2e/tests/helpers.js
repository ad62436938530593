// Shared steps: log in as a demo person, check accessibility, keep a screenshot.
const { expect } = require('@playwright/test');
const AxeBuilder = require('@axe-core/playwright').default;

const DEMO_PASSWORD = 'Kring-Demo-2026';

async function login(page, username, password = DEMO_PASSWORD) {
  await page.goto('/inloggen');
  await page.getByLabel('Gebruikersnaam').fill(username);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Inloggen' }).click();
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

module.exports = { login, expectAccessible, snapshot, visiblePanels, DEMO_PASSWORD };
