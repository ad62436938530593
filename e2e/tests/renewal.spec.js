// An access token that runs out while a page loads several things at once: every request meets
// a 401, the app renews the token once (a second refresh with the same cookie would look like a
// stolen cookie to the server, which then ends the session), and the page loads as if nothing
// happened.
const { test, expect } = require('./fixtures');
const { login } = require('./helpers');

test('an expired token on a busy page is renewed once and nobody is logged out', async ({ page, demo }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one browser is enough for the client logic');
  await login(page, demo.marieke);
  await expect(page).toHaveURL(/\/start/);

  // Loading the start screen again resumes the session with one refresh and then asks for
  // several things at once (the start screen, the notifications count, the live dossier's
  // ticket). Until the app renews again, the server sees a token that is no longer valid, as it
  // would after the token's fifteen minutes.
  let refreshes = 0;
  let refused = 0;
  let signedIn = false;
  await page.route('**/api/**', async (route) => {
    const request = route.request();
    if (request.url().endsWith('/api/auth/refresh')) {
      refreshes += 1;
      return route.continue();
    }
    // The page first reads who is signed in; the requests after it are the page's own.
    if (request.url().endsWith('/api/me') && !signedIn) {
      signedIn = true;
      return route.continue();
    }
    const authorization = request.headers()['authorization'];
    if (signedIn && refreshes === 1 && authorization) {
      refused += 1;
      return route.continue({ headers: { ...request.headers(), authorization: 'Bearer expired.token.value' } });
    }
    return route.continue();
  });
  await page.reload();
  await expect(page.locator('.client-name')).toHaveText('Johanna de Vries');
  await expect(page.getByRole('heading', { level: 2, name: 'Dossier' })).toBeVisible();
  await expect(page.locator('section.panel-dossier .panel-items li')).toHaveCount(3);

  expect(refused, 'several requests met the expired token').toBeGreaterThan(1);
  // One refresh to resume the session on the new page, one renewal for all refused requests.
  expect(refreshes).toBe(2);
  // Still signed in: a later page loads without the login screen.
  await page.unroute('**/api/**');
  await page.goto('/meldingen');
  await expect(page).toHaveURL(/\/meldingen/);
  await expect(page.getByRole('heading', { level: 1 })).not.toHaveText(/Inloggen/);
});
