// Screenshot comparisons of the main pages at phone, tablet and desktop size: a change in how
// a page looks (a header that fills the phone, an empty box, a lost margin) fails here rather
// than reaching a user. The approved pictures are in visual.spec.js-snapshots/; after an
// intended change, look at the new ones and approve them with
//   npx playwright test visual --update-snapshots
// Parts that differ from run to run (times, the copy's usernames) are masked.
const { test, expect } = require('./fixtures');
const { login } = require('./helpers');

const options = (page, masked = []) => ({
  fullPage: true,
  animations: 'disabled',
  caret: 'hide',
  mask: masked.map((selector) => page.locator(selector)),
  // Room for anti-aliasing, none for a moved or missing block.
  maxDiffPixelRatio: 0.002,
});

// Nothing is wider than the screen: a page that scrolls sideways on a phone is broken even
// when every part of it looks right.
test.afterEach(async ({ page }) => {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'the page scrolls sideways').toBeLessThanOrEqual(0);
});

test('the login page looks as approved', async ({ page }) => {
  await page.goto('/inloggen');
  await expect(page.getByRole('heading', { level: 1, name: 'Inloggen' })).toBeVisible();
  await expect(page).toHaveScreenshot('login.png', options(page));
});

test('the not-found page looks as approved', async ({ page }) => {
  await page.goto('/bestaat/niet');
  await expect(page.getByRole('heading', { level: 1, name: 'Pagina niet gevonden' })).toBeVisible();
  await expect(page).toHaveScreenshot('not-found.png', options(page));
});

test('the start screen looks as approved', async ({ page, demo }) => {
  await login(page, demo.marieke);
  await expect(page.locator('section.panel-dossier .panel-items li')).toHaveCount(3);
  await expect(page.locator('section.panel-agenda .next-appt')).toBeVisible();
  // The agenda panel's next appointments depend on the day and hour (their lines, so their
  // height, too): they are left out of the comparison; agenda.spec.js checks what they say.
  // (Through the CSSOM: the Content Security Policy forbids a style element.)
  await page.evaluate(() => document
    .querySelectorAll('section.panel-agenda .next-appt, section.panel-agenda .panel-items, section.panel-agenda .panel-note')
    .forEach((node) => { node.style.display = 'none'; }));
  // The dossier panel's latest reports carry today's times, the Gegevens panel's latest post
  // its own.
  await expect(page).toHaveScreenshot('start.png', options(page, ['section.panel-dossier .panel-items', 'section.panel-details time']));
});

test('the agenda looks as approved', async ({ page, demo }) => {
  await login(page, demo.pieter);
  // A week far from today holds only what the demo repeats there: none of its appointments.
  await page.goto('/agenda?weergave=week&datum=2030-01-07');
  await expect(page.getByRole('heading', { level: 1, name: 'Agenda van Johanna' })).toBeVisible();
  await expect(page.getByText('Geen afspraken.').first()).toBeVisible();
  await expect(page).toHaveScreenshot('agenda-week.png', options(page));
});

test('Gebruikersbeheer looks as approved', async ({ page, demo }) => {
  await login(page, demo.marieke);
  await page.getByRole('link', { name: 'Gebruikersbeheer' }).click();
  await expect(page.locator('.contact-card')).toHaveCount(4);
  // "Laatst ingelogd" is the time of this run's logins.
  await expect(page).toHaveScreenshot('user-management.png', options(page, ['.contact-card .hint']));
});

test('Meldingen without notifications looks as approved', async ({ page, demo }) => {
  await login(page, demo.marieke);
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Meldingen' }).click();
  await expect(page.getByText('U heeft geen meldingen.')).toBeVisible();
  await expect(page).toHaveScreenshot('notifications-none.png', options(page));
});

test('the care plan in Plannen looks as approved', async ({ page, demo }) => {
  await login(page, demo.marieke);
  await page.goto('/dossier/plannen');
  await expect(page.getByText('Fysiotherapie voor de knie')).toBeVisible();
  // The plans' periods (".entry-meta", and ".hint" in the list of versions) are dated from
  // today, so they change every day.
  await expect(page).toHaveScreenshot('dossier-plans.png', options(page, ['.entry-meta', '.hint', 'time']));
});

test('Beheer (client portals) looks as approved', async ({ page, demo }) => {
  await login(page, demo.beheer);
  await page.goto('/beheer');
  await expect(page.locator('.contact-card', { hasText: 'Johanna de Vries' })).toBeVisible();
  await expect(page.locator('.contact-card select option', { hasText: 'Marieke de Vries' }).first()).toBeAttached();
  await expect(page).toHaveScreenshot('admin-portals.png', options(page));
});
