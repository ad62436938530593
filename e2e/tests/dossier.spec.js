// The dossier: Tijdlijn, Lezen, Schrijven, Plannen; live updates from the ECD; a note that
// reaches the ECD's feed; the care-plan notification.
const { test, expect } = require('./fixtures');
const { login, expectAccessible, snapshot } = require('./helpers');
const { ecd, unique } = require('./ecd');

async function openDossier(page) {
  await page.getByRole('link', { name: 'Naar het dossier' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dossier van Johanna de Vries' })).toBeVisible();
}

test('the timeline shows the record per day and an ECD push appears without reloading', async ({ page, demo }, testInfo) => {
  await login(page, demo.marieke);
  const panel = page.locator('section.panel-dossier');
  // The panel lists the latest additions.
  await expect(panel.locator('.panel-items li')).toHaveCount(3);
  await openDossier(page);
  await expect(page.getByRole('link', { name: 'Tijdlijn' })).toHaveAttribute('aria-current', 'page');
  await expect(page.locator('.day-heading').first()).toBeVisible();
  await expect(page.getByText('Mevrouw heeft goed geslapen en met smaak ontbeten.')).toBeVisible();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'dossier-timeline');

  const text = `Live uit het ECD: ${unique(testInfo, 'push')}`;
  const [status] = await ecd('PUT', `/api/integration/clients/ECD-1001/reports/${unique(testInfo, 'R')}`, {
    category: 'Welzijn', author: 'Lotte de Jong', written_at: new Date().toISOString(), text,
  }, demo.ecdKey());
  expect(status).toBe(201);
  // No reload: the open page hears it over server-sent events.
  await expect(page.getByText(text)).toBeVisible({ timeout: 3000 });
  await expect(page.getByText('Er is iets nieuws in het dossier.')).toBeVisible();

  // The start screen's Dossier panel follows too, once it listens (an event sent before the
  // page's stream is open is not replayed to it — see the closing note).
  const listening = page.waitForResponse((response) => response.url().includes('/events?ticket='));
  await page.getByRole('link', { name: 'Terug naar Start' }).click();
  await listening;
  await expect(panel).toBeVisible();
  const category = unique(testInfo, 'Live');
  await ecd('PUT', `/api/integration/clients/ECD-1001/reports/${unique(testInfo, 'S')}`, {
    category, author: 'Lotte de Jong', written_at: new Date().toISOString(), text: 'Nog iets.',
  }, demo.ecdKey());
  await expect(panel.getByText(category)).toBeVisible({ timeout: 3000 });

  // The date bar jumps back in time.
  await openDossier(page);
  const weekAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  await page.getByLabel('Ga naar datum').fill(weekAgo);
  await page.getByRole('button', { name: 'Ga', exact: true }).click();
  await expect(page.getByText('Griepprik gegeven. Geen bijzonderheden.')).toBeVisible();
  await expect(page.getByText(text)).toHaveCount(0);
  await page.getByRole('button', { name: 'Terug naar vandaag' }).click();
  await expect(page.getByText(text)).toBeVisible();
});

test('a note written in the browser shows in the timeline and reaches the ECD feed', async ({ page, demo }, testInfo) => {
  await login(page, demo.marieke);
  await openDossier(page);
  await page.getByRole('link', { name: 'Schrijven' }).click();
  await expect(page.getByText('Heeft u een vraag voor de zorg? Stuur dan een bericht.')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Opslaan' }).click();
  await expect(page.getByText('Schrijf eerst iets op.')).toBeVisible();
  const note = `Moeder wil graag naar de zangmiddag (${unique(testInfo, 'note')}).`;
  await page.getByLabel('Uw aantekening').fill(note);
  await page.getByRole('button', { name: 'Opslaan' }).click();
  await expect(page.getByText('Uw aantekening staat nu in de tijdlijn.')).toBeVisible();
  await expect(page.locator('.entry-card', { hasText: note })).toBeVisible();
  await snapshot(page, testInfo, 'dossier-note-written');

  const [status, feed] = await ecd('GET', '/api/integration/feed?after=0&limit=500', undefined, demo.ecdKey());
  expect(status).toBe(200);
  const item = feed.items.find((entry) => entry.text === note);
  expect(item).toBeTruthy();
  expect(item.author).toEqual({ name: 'Marieke de Vries', relationship: 'child' });
  expect(item.client_external_id).toBe('ECD-1001');
});

test('Lezen groups the record and an entry pages through its kind', async ({ page, demo }, testInfo) => {
  await login(page, demo.marieke);
  await openDossier(page);
  await page.getByRole('link', { name: 'Lezen', exact: true }).click();
  await expect(page.getByRole('link', { name: /Vragenlijsten\s*1/ })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: /Vragenlijsten/ }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Vragenlijsten' })).toBeVisible();
  await page.locator('.group-entries .entry-questionnaire').getByRole('link', { name: /Lees verder/ }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Tevredenheid wonen' })).toBeVisible();
  await expect(page.getByText('Voelt u zich thuis op de afdeling?')).toBeVisible();
  await expect(page.getByText('Ja, meestal wel.')).toBeVisible();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'dossier-questionnaire');

  await page.getByRole('link', { name: 'Terug naar de lijst' }).click();
  await page.getByRole('link', { name: /Rapportages/ }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Rapportages' })).toBeVisible();
  // Wait until the list is the reports' (not the questionnaires' still on screen).
  await expect(page.locator('.group-entries .entry-questionnaire')).toHaveCount(0);
  await expect(page.getByText('Griepprik gegeven. Geen bijzonderheden.')).toBeVisible();
  await page.locator('.group-entries .entry-card').last().getByRole('link', { name: /Lees verder/ }).click();
  // The oldest demo report: nothing older, something newer.
  await expect(page.getByText('Griepprik gegeven. Geen bijzonderheden.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Ouder' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Nieuwer' }).click();
  await expect(page.getByText('Dochter Marieke op bezoek geweest. Mevrouw was daarna vrolijk.')).toBeVisible();
  await page.getByRole('link', { name: 'Ouder' }).click();
  await expect(page.getByText('Griepprik gegeven. Geen bijzonderheden.')).toBeVisible();
});

test('Plannen shows the care plan in force with goals and actions, and earlier versions', async ({ page, demo }, testInfo) => {
  await login(page, demo.marieke);
  await openDossier(page);
  await page.getByRole('link', { name: 'Plannen' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Het zorgplan van nu' })).toBeVisible();
  await expect(page.getByText('Veilig blijven lopen')).toBeVisible();
  await expect(page.getByText('Fysiotherapie voor de knie')).toBeVisible();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'dossier-plans');
  await page.getByRole('link', { name: /Zorgplan voorjaar 2026/ }).click();
  await expect(page.getByText('Wennen op de afdeling')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Nieuwer' })).toBeVisible();
});

test('a new care plan version is announced under Meldingen and opens in Plannen', async ({ page, demo }, testInfo) => {
  const title = `Zorgplan ${unique(testInfo, 'winter')}`;
  const [status] = await ecd('PUT', `/api/integration/clients/ECD-1002/care-plans/${unique(testInfo, 'ZP')}`, {
    title,
    established_at: new Date().toISOString(),
    valid_from: new Date().toISOString().slice(0, 10),
    goals: [{ title: 'Warm de winter door', actions: [{ description: 'Elke dag een wandeling binnen', frequency: 'Dagelijks' }] }],
  }, demo.ecdKey());
  expect(status).toBe(201);
  await login(page, demo.sandra);
  await page.getByRole('link', { name: /Meldingen/ }).click();
  const item = page.locator('li.notification', { hasText: 'Er is een nieuw zorgplan voor Gerrit Bakker.' }).first();
  await expect(item).toBeVisible();
  await expectAccessible(page);
  await item.getByRole('button', { name: 'Bekijk het zorgplan' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dossier van Gerrit Bakker' })).toBeVisible();
  await expect(page.getByText(title)).toBeVisible();
});

test('someone without the Dossier permission has no dossier', async ({ page, demo }) => {
  await login(page, demo.pieter);
  await page.goto('/dossier');
  await expect(page.getByText('U heeft geen toegang tot het dossier van deze cliënt.')).toBeVisible();
});
