// Inloggen: success, failure and validation, in Dutch, accessible at every size.
const { test, expect } = require('./fixtures');
const { login, loginHere, enterCode, expectAccessible, snapshot, openMenuOnPhone, clickLogout } = require('./helpers');

test('the login page is in Dutch and accessible', async ({ page }, testInfo) => {
  await page.goto('/inloggen');
  await expect(page.getByRole('heading', { level: 1, name: 'Inloggen' })).toBeVisible();
  await expect(page).toHaveTitle('Inloggen – Kring');
  await expect(page.locator('html')).toHaveAttribute('lang', 'nl');
  await expectAccessible(page);
  await snapshot(page, testInfo, 'login');
});

test('a wrong password gets a clear Dutch message and the user stays on the login page', async ({ page, demo }, testInfo) => {
  await login(page, demo.fatima, 'Verkeerd-wachtwoord-1');
  await expect(page.getByRole('alert')).toHaveText(/gebruikersnaam of het wachtwoord klopt niet/);
  await expect(page).toHaveURL(/\/inloggen/);
  await expect(page.getByLabel('Wachtwoord', { exact: true })).toHaveValue('');
  await expectAccessible(page);
  await snapshot(page, testInfo, 'login-failed');
});

test('an unknown user gets the same message as a wrong password', async ({ page }) => {
  await login(page, { username: 'niemand-bekend', numbers: [] });
  await expect(page.getByRole('alert')).toHaveText(/gebruikersnaam of het wachtwoord klopt niet/);
});

test('empty fields are named before anything is sent', async ({ page }) => {
  await page.goto('/inloggen');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await expect(page.getByText('Vul uw gebruikersnaam in.')).toBeVisible();
  await expect(page.getByLabel('Gebruikersnaam')).toBeFocused();
  await expect(page.getByLabel('Gebruikersnaam')).toHaveAttribute('aria-invalid', 'true');
});

test('a signed-in user lands on the start screen with the info bar', async ({ page, demo }, testInfo) => {
  await login(page, demo.marieke);
  await expect(page).toHaveURL(/\/start$/);
  const nav = page.getByRole('navigation', { name: 'Hoofdmenu' });
  await expect(nav.getByRole('link', { name: 'Start' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Meldingen' })).toBeVisible();
  // One row at every size: on a phone no taller than a single 44 px target and its padding,
  // elsewhere than one row of the larger bar (two rows would be over 100 px).
  const bar = await page.locator('.infobar').boundingBox();
  expect(bar.height).toBeLessThanOrEqual(page.viewportSize().width < 768 ? 56 : 64);
  await openMenuOnPhone(page);
  await expect(nav.getByRole('link', { name: /Informatie/ })).toHaveAttribute('href', /zorggroepdelinde/);
  await expect(nav.getByText('Marieke de Vries')).toBeVisible();
  await expect(nav.getByRole('button', { name: 'Uitloggen' })).toBeVisible();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'start-marieke');
});

test('a deep link asks for a login first and then opens the page asked for', async ({ page, demo }) => {
  await page.goto('/profiel');
  await expect(page).toHaveURL(/\/inloggen\?terug=\/profiel/);
  await page.getByLabel('Gebruikersnaam').fill(demo.pieter.username);
  await page.getByLabel('Wachtwoord', { exact: true }).fill('Kring-Demo-2026');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await enterCode(page, demo.pieter);
  await expect(page).toHaveURL(/\/profiel$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Profielinstellingen' })).toBeVisible();
  await expect(page.getByText(demo.pieter.email)).toBeVisible();
  await expectAccessible(page);
});

// `?terug=` is followed only to a page of Kring itself: the browser reads `/\evil.example` and a
// tab between two slashes as another host, so such a way back leads to Start instead.
for (const [name, back] of [['a backslash', '/%5Cevil.example'], ['a tab', '/%09/evil.example']]) {
  test(`a way back after login with ${name} stays on Kring`, async ({ page, demo }, testInfo) => {
    test.skip(testInfo.project.name !== 'desktop', 'one browser is enough');
    const elsewhere = [];
    page.on('request', (request) => {
      if (new URL(request.url()).hostname.includes('evil')) elsewhere.push(request.url());
    });
    await page.goto(`/inloggen?terug=${back}`);
    await loginHere(page, demo.marieke);
    await expect(page).toHaveURL(/\/start$/);
    await expect(page.getByRole('link', { name: 'Naar de agenda' })).toBeVisible();
    expect(elsewhere).toEqual([]);
  });
}

test('logging out asks for confirmation and ends the session', async ({ page, demo }, testInfo) => {
  await login(page, demo.marieke);
  await expect(page).toHaveURL(/\/start$/);
  await clickLogout(page);
  const dialog = page.getByRole('dialog', { name: 'Weet u zeker dat u wilt uitloggen?' });
  await expect(dialog).toBeVisible();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'logout-confirm');
  await dialog.getByRole('button', { name: 'Nee' }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/\/start$/);
  await clickLogout(page);
  await dialog.getByRole('button', { name: 'Ja, uitloggen' }).click();
  await expect(page).toHaveURL(/\/inloggen$/);
  await page.goto('/start');
  await expect(page).toHaveURL(/\/inloggen/);
});
