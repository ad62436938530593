// The start screen shows exactly the panels a person's permissions allow.
const { test, expect } = require('./fixtures');
const { login, expectAccessible, snapshot, visiblePanels } = require('./helpers');

test('a portal administrator sees all four panels around the photo', async ({ page, demo }, testInfo) => {
  await login(page, demo.marieke);
  expect(await visiblePanels(page)).toEqual(['agenda', 'messages', 'dossier', 'details']);
  for (const title of ['Agenda', 'Berichten', 'Dossier', 'Gegevens']) {
    await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
  }
  await expect(page.locator('.client-name')).toHaveText('Johanna de Vries');
  // Berichten: the latest message of the demo (Pieter's answer), unread.
  const messages = page.locator('section.panel-messages');
  await expect(messages).toContainText('Goed idee. Ik kom om drie uur');
  await expect(messages).toContainText('1 ongelezen');
  await expectAccessible(page);
  await snapshot(page, testInfo, 'start-all-panels');
});

test('a contact with Berichten and Afspraken sees only those two panels', async ({ page, demo }, testInfo) => {
  await login(page, demo.pieter);
  expect(await visiblePanels(page)).toEqual(['agenda', 'messages']);
  await expect(page.getByRole('heading', { level: 2, name: 'Dossier' })).toHaveCount(0);
  await expectAccessible(page);
  await snapshot(page, testInfo, 'start-two-panels');
});

test('a contact without permissions sees only the photo and is told why', async ({ page, demo }, testInfo) => {
  await login(page, demo.kees);
  expect(await visiblePanels(page)).toEqual([]);
  await expect(page.getByText('U ziet alleen de foto van Johanna de Vries.')).toBeVisible();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'start-only-photo');
});

test('a client who is their own administrator sees their own portal', async ({ page, demo }) => {
  await login(page, demo.daan);
  expect(await visiblePanels(page)).toEqual(['agenda', 'messages', 'dossier', 'details']);
  await expect(page.locator('.client-name')).toHaveText('Daan Smit');
});

test('a person with two clients chooses one and switches via the photo', async ({ page, demo }, testInfo) => {
  await login(page, demo.sandra);
  await expect(page.getByRole('heading', { level: 1, name: 'Kies een cliënt' })).toBeVisible();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'choose-client');
  await page.getByRole('button', { name: 'Gerrit Bakker' }).click();
  expect(await visiblePanels(page)).toEqual(['agenda', 'messages', 'dossier', 'details']);
  await expect(page.locator('.client-name')).toHaveText('Gerrit Bakker');

  await page.getByRole('button', { name: /Andere cliënt kiezen/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Kies een cliënt' });
  await expect(dialog).toBeVisible();
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Johanna de Vries' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator('.client-name')).toHaveText('Johanna de Vries');
  expect(await visiblePanels(page)).toEqual(['dossier', 'details']);
  await snapshot(page, testInfo, 'switched-client');
});

test('a care worker starts with the clients of their care team', async ({ page, demo }, testInfo) => {
  await login(page, demo.fatima);
  await expect(page.getByRole('heading', { level: 1, name: 'Uw cliënten' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Johanna de Vries' })).toBeVisible();
  await expect(page.getByText('Privé-afspraken ziet u als "Bezet".')).toBeVisible();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'start-care-worker');
});
