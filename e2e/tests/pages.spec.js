// Language switching, the not-found page, notifications and the API docs.
const { test, expect } = require('./fixtures');
const { login, enterCode, expectAccessible, snapshot, openMenuOnPhone, clickLogout } = require('./helpers');

test('switching to English changes every text and is remembered on this device', async ({ page, demo }, testInfo) => {
  await page.goto('/inloggen');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Log in' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByLabel('Username')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Log in' })).toBeVisible();

  await page.getByLabel('Username').fill(demo.marieke.username);
  await page.getByLabel('Password', { exact: true }).fill('Kring-Demo-2026');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Device verification' })).toBeVisible();
  await expect(page.getByLabel('Verification code')).toBeVisible();
  await enterCode(page, demo.marieke);
  await expect(page.getByRole('heading', { level: 2, name: 'Messages' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Care record' })).toBeVisible();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'start-english');

  await openMenuOnPhone(page);
  await page.getByRole('button', { name: 'Nederlands' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Berichten' })).toBeVisible();
});

test('an unknown address shows a friendly not-found page', async ({ page }, testInfo) => {
  await page.goto('/bestaat/niet');
  await expect(page.getByRole('heading', { level: 1, name: 'Pagina niet gevonden' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Naar de startpagina' })).toBeVisible();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'not-found');
});

test('Meldingen says honestly that there are none', async ({ page, demo }) => {
  await login(page, demo.marieke);
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Meldingen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Meldingen' })).toBeVisible();
  await expect(page.getByText('U heeft geen meldingen.')).toBeVisible();
  // Loaded again on this page, the list waits for the session to resume.
  await page.reload();
  await expect(page.getByText('U heeft geen meldingen.')).toBeVisible();
  await expectAccessible(page);
});

test('the API documentation lists every endpoint', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one size is enough for the docs');
  await page.goto('/docs');
  await expect(page).toHaveURL(/\/docs\/$/);
  for (const path of ['/api/auth/login', '/api/auth/logout', '/api/me', '/api/clients/{client_id}/home', '/healthz', '/readyz']) {
    await expect(page.locator('.opblock-summary-path', { hasText: path }).first()).toBeVisible();
  }
});
