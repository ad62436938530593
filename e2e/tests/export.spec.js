// Download en "Wie heeft mijn dossier bekeken": de gegevens van de cliënt in eigen hand.
// Fatima (EVV in het zorgteam van Johanna) leest vandaag de berichten van Johanna. Marieke,
// portaalbeheerder van Johanna, ziet op "Wie heeft mijn dossier bekeken" dat Fatima dat deed,
// kiest alleen Fatima en slaat die regels op als CSV-bestand. Daarna slaat ze de gegevens van de
// laatste drie maanden op: het ZIP-bestand komt echt binnen, en het overzicht erin is te lezen
// en toegankelijk. Beide pagina's zijn goed te gebruiken op telefoon, tablet en computer. Pieter
// (zonder vinkje Instellingen) ziet de links niet en krijgt op Download een gewone uitleg. En
// iedereen kan in Profielinstellingen "Mijn gegevens" downloaden als JSON.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
const { execFileSync } = require('child_process');
const { test, expect } = require('./fixtures');
const {
  login, expectAccessible, snapshot, openUserMenu, expectNoSidewaysScroll, DEMO_PASSWORD,
} = require('./helpers');

// The organisation's zone, as a Dutch family member's phone has it: "today" is the same day for
// the browser and the server.
test.use({ timezoneId: 'Europe/Amsterdam' });

// Flows with several people run once, at phone size (the size most people use); the pages are
// checked at every size.
const onPhoneOnly = (testInfo) => test.skip(testInfo.project.name !== 'phone', 'a flow; one size is enough');

// Another person's own phone.
const PHONE = {
  viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam',
};

// Today in Amsterdam: the year and month (1–12), and the day heading the page shows
// ("maandag 30 november").
function today() {
  const now = new Date();
  const [year, month] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' })
    .format(now).split('-').map(Number);
  const heading = new Intl.DateTimeFormat('nl-NL', {
    weekday: 'long', day: 'numeric', month: 'long', timeZone: 'Europe/Amsterdam',
  }).format(now);
  return { year, month, heading };
}

// The month `count` months before (year, month).
function monthsBefore({ year, month }, count) {
  const index = year * 12 + (month - 1) - count;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

// What a download event brought, as text (without a UTF-8 byte-order mark).
async function downloadedText(download) {
  return fs.readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
}

// Follows `link` to its page: the address becomes the link's. Download and Wie heeft mijn
// dossier bekeken live in the second bundle, so from the family portal this is one full page
// load.
async function follow(page, link) {
  const href = await link.getAttribute('href');
  const target = new RegExp(`${href.replace(/[/.]/g, '\\$&')}$`);
  await link.click();
  await expect(page, `the link to ${href} opens it`).toHaveURL(target);
}

// A Wie-heeft-bekeken line without its time: "Fatima El Amrani (…) las de berichten."
const FATIMA_READ = 'Fatima El Amrani (EVV, Zorggroep De Linde) las de berichten.';

test('Marieke sees that Fatima read the messages today, and downloads three months and reads them', async ({ page, browser, demo }, testInfo) => {
  // Two people sign in with an SMS code, and the server makes a ZIP: more than 30 seconds on
  // two cores.
  test.setTimeout(90_000);
  onPhoneOnly(testInfo);

  // Fatima, EVV in Johanna's care team, opens the team's conversation "Nieuwe bril" about
  // Johanna on her phone: that is reading Johanna's messages.
  const fatimaContext = await browser.newContext(PHONE);
  const fatima = await fatimaContext.newPage();
  await login(fatima, demo.fatima);
  await expect(fatima.getByRole('heading', { level: 1, name: 'Uw cliënten' })).toBeVisible();
  await fatima.locator('#inhoud').getByRole('link', { name: 'Berichten', exact: true }).click();
  await expect(fatima.getByRole('heading', { level: 1, name: 'Berichten' })).toBeVisible();
  await fatima.getByRole('navigation', { name: 'Postvakken' }).getByRole('link', { name: /^Team/ }).click();
  await fatima.locator('a.conversation', { hasText: 'Nieuwe bril' }).click();
  await expect(fatima.getByRole('heading', { level: 1, name: 'Nieuwe bril' })).toBeVisible();
  await expect(fatima.getByText('Over Johanna de Vries')).toBeVisible();
  await fatimaContext.close();

  // Marieke, portal administrator of her mother, opens "Wie heeft mijn dossier bekeken" from
  // the menu behind her name (the second bundle: one full page load).
  await login(page, demo.marieke);
  await expect(page.locator('.home')).toBeVisible();
  const menu = await openUserMenu(page);
  await follow(page, menu.getByRole('link', { name: 'Wie heeft mijn dossier bekeken' }));
  await expect(page.getByRole('heading', { level: 1, name: 'Wie heeft mijn dossier bekeken' })).toBeVisible();

  // Newest first: today on top, with Fatima's reading in plain words.
  const { heading } = today();
  const days = page.locator('section.day');
  await expect(days.first().locator('h2.day-heading')).toHaveText(heading);
  const fatimaLines = days.first().locator('li.audit-entry').filter({ hasText: FATIMA_READ });
  await expect(fatimaLines.first()).toBeVisible();
  await expect(fatimaLines.first().locator('p').first())
    .toHaveText(new RegExp(`^\\d{1,2}:\\d{2} — ${FATIMA_READ.replace(/[().]/g, '\\$&')}$`));
  await expect(fatimaLines.first().locator('time')).toHaveAttribute('datetime', /^\d{4}-\d{2}-\d{2}T/);
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
  await snapshot(page, testInfo, 'viewed-fatima');

  // Only Fatima: every line left is hers.
  const person = page.getByLabel('Persoon');
  await expect(person.locator('option').first()).toHaveText('Iedereen');
  await person.selectOption({ label: 'Fatima El Amrani' });
  const lines = page.locator('li.audit-entry');
  await expect.poll(async () => {
    const texts = await lines.allTextContents();
    return texts.length > 0 && texts.every((text) => text.includes('Fatima El Amrani'));
  }, { message: 'only Fatima\'s lines remain' }).toBe(true);
  await expect(lines.filter({ hasText: FATIMA_READ }).first()).toBeVisible();
  await expect(lines.filter({ hasNotText: 'Fatima El Amrani' })).toHaveCount(0);

  // The same lines as a CSV file that a Dutch spreadsheet program reads.
  const csvDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download als CSV' }).click();
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toBe('kring-dossier-bekeken.csv');
  const rows = (await downloadedText(csv)).trim().split(/\r?\n/);
  expect(rows[0]).toBe('"Datum";"Tijd";"Wie";"Relatie";"Rol";"Organisatie";"Wat"');
  expect(rows.length).toBeGreaterThan(1);
  const fatimaRow = rows.find((row) => row.includes('"Fatima El Amrani"') && row.includes('las de berichten'));
  expect(fatimaRow, rows.join('\n')).toBeTruthy();
  expect(fatimaRow).toMatch(/^"\d{4}-\d{2}-\d{2}";"\d{2}:\d{2}";"Fatima El Amrani";"[^"]*";"EVV";"Zorggroep De Linde";"las de berichten\.?"$/);
  expect(rows.slice(1).every((row) => row.includes('"Fatima El Amrani"')), 'only Fatima\'s rows').toBe(true);

  // Download, from the same menu: the warning, and the last three months through this one.
  await follow(page, (await openUserMenu(page)).getByRole('link', { name: 'Download', exact: true }));
  await expect(page.getByRole('heading', { level: 1, name: 'Download' })).toBeVisible();
  await expect(page.locator('p.notice-warning'))
    .toHaveText(/persoonlijke en\/of gevoelige informatie/);
  const now = today();
  const start = monthsBefore(now, 2);
  await expect(page.locator('#download-from-month')).toHaveValue(String(start.month));
  await expect(page.locator('#download-from-year')).toHaveValue(String(start.year));
  await expect(page.locator('#download-until-month')).toHaveValue(String(now.month));
  await expect(page.locator('#download-until-year')).toHaveValue(String(now.year));
  await expect(page.getByRole('group', { name: 'Van' }).getByLabel('Maand')).toHaveValue(String(start.month));

  // Gegevens opslaan: the page follows the file being made until it is ready.
  const started = page.waitForResponse((response) => response.request().method() === 'POST'
    && /\/api\/clients\/[0-9a-f-]{36}\/exports$/.test(response.url()));
  await page.getByRole('button', { name: 'Gegevens opslaan' }).click();
  expect((await started).status()).toBe(202);
  const status = page.locator('p.export-status[role="status"]');
  await expect(status).toHaveText('Het bestand is klaar.', { timeout: 30_000 });
  await expect(page.locator('#export-progress')).toHaveCount(0);
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
  await snapshot(page, testInfo, 'download-ready');

  // The browser saves the ZIP itself, through a one-time link.
  const zipDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: /^Download het bestand/ }).click();
  const zip = await zipDownload;
  expect(zip.suggestedFilename()).toMatch(/^kring-johanna-de-vries-\d{4}-\d{2}-\d{4}-\d{2}\.zip$/);
  expect(await zip.failure()).toBeNull();
  const zipPath = testInfo.outputPath(zip.suggestedFilename());
  await zip.saveAs(zipPath);

  // Unpacked: the readable overview (HTML and PDF), the FHIR bundle and the read-me.
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kring-export-'));
  try {
    execFileSync('unzip', ['-q', zipPath, '-d', folder]);
    for (const name of ['overzicht.html', 'overzicht.pdf', 'fhir.json', 'LEESMIJ.txt']) {
      expect(fs.existsSync(path.join(folder, name)), `${name} in the ZIP`).toBe(true);
    }
    expect(fs.readFileSync(path.join(folder, 'overzicht.pdf')).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const bundle = JSON.parse(fs.readFileSync(path.join(folder, 'fhir.json'), 'utf8'));
    expect(bundle.resourceType).toBe('Bundle');
    const types = new Set(bundle.entry.map((entry) => entry.resource.resourceType));
    for (const type of ['Patient', 'RelatedPerson', 'CareTeam', 'Communication']) {
      expect(types.has(type), `a ${type} in the bundle`).toBe(true);
    }
    const patient = bundle.entry.find((entry) => entry.resource.resourceType === 'Patient').resource;
    expect(JSON.stringify(patient.name)).toContain('Johanna');

    // Marieke opens the overview in her browser: her mother's data in plain Dutch,
    // including the family's messages, and readable for everyone.
    await page.goto(pathToFileURL(path.join(folder, 'overzicht.html')).href);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Gegevens van Johanna de Vries');
    const sections = await page.getByRole('heading', { level: 2 }).allTextContents();
    for (const name of ['Gegevens', 'Contactpersonen', 'Zorgteam', 'Rapportages', 'Aantekeningen',
      'Vragenlijsten', 'Zorgplannen', 'Agenda: afspraken van het zorgteam', 'Agenda: eigen afspraken',
      'Berichten', 'Prikbord']) {
      expect(sections, `the section ${name}`).toContain(name);
    }
    const messages = page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name: 'Berichten', exact: true }) });
    await expect(messages).toContainText('Verjaardag van mama');
    await expect(messages).toContainText('Nieuwe bril');
    await expectAccessible(page);
    await expectNoSidewaysScroll(page);
    await snapshot(page, testInfo, 'export-overview');
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }

  // Back on Download the file is under Eerdere downloads, ready; and the download itself is
  // in the access log.
  await page.goto('/download');
  await expect(page.getByRole('heading', { level: 1, name: 'Download' })).toBeVisible();
  const earlier = page.getByRole('region', { name: 'Eerdere downloads' });
  await expect(earlier.locator('li.export-item')).toHaveCount(1);
  await expect(earlier.locator('li.export-item')).toContainText('Klaar');
  await expect(earlier.getByRole('button', { name: /^Download het bestand/ })).toBeVisible();
  await page.goto('/bekeken');
  await expect(page.locator('section.day').first().locator('li.audit-entry')
    .filter({ hasText: /Marieke de Vries \(.+\) downloadde de gegevens van / }).first()).toBeVisible();
});

test('Download and Wie heeft mijn dossier bekeken read well', async ({ page, demo }, testInfo) => {
  // Marieke finds both on her Start page too.
  await login(page, demo.marieke);
  const links = page.locator('p.below-panels.start-links');
  await expect(links.getByRole('link', { name: 'Download', exact: true })).toBeVisible();
  await follow(page, links.getByRole('link', { name: 'Wie heeft mijn dossier bekeken' }));
  await expect(page.getByRole('heading', { level: 1, name: 'Wie heeft mijn dossier bekeken' })).toBeVisible();
  // Back goes back to Start in one step, and forward again.
  await page.goBack();
  await expect(page.locator('p.below-panels.start-links')).toBeVisible();
  await page.goForward();
  await expect(page.getByRole('heading', { level: 1, name: 'Wie heeft mijn dossier bekeken' })).toBeVisible();
  await expect(page.getByLabel('Persoon').locator('option').first()).toHaveText('Iedereen');
  await expect(page.getByLabel('Maand').locator('option').first()).toHaveText('Alle maanden');
  await expect(page.getByRole('button', { name: 'Download als CSV' })).toBeVisible();
  // Loaded: days with lines, or the sentence that nobody looked yet.
  await expect(page.locator('section.day h2.day-heading')
    .or(page.locator('p.notice', { hasText: 'Er heeft nog niemand in het dossier gekeken.' })).first()).toBeVisible();
  await expect(page.locator('p.loading')).toHaveCount(0);
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
  await snapshot(page, testInfo, 'viewed');

  await follow(page, (await openUserMenu(page)).getByRole('link', { name: 'Download', exact: true }));
  await expect(page.getByRole('heading', { level: 1, name: 'Download' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Van' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Tot en met' })).toBeVisible();
  await expect(page.locator('p.notice-warning')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Gegevens opslaan' })).toBeEnabled();
  await expect(page.locator('p.loading')).toHaveCount(0);
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
  await snapshot(page, testInfo, 'download');

  // Back to the family portal from the second bundle: Start in the top bar opens Start.
  await follow(page, page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Start', exact: true }));
  await expect(page.locator('p.below-panels.start-links')).toBeVisible();
});

test('a son without Instellingen has no Download and is told so in plain words', async ({ page, demo }, testInfo) => {
  // Pieter (Agenda and Berichten for his mother) sees neither link.
  await login(page, demo.pieter);
  await expect(page.locator('.home')).toBeVisible();
  await expect(page.locator('p.start-links').getByRole('link', { name: 'Download', exact: true })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Wie heeft mijn dossier bekeken' })).toHaveCount(0);
  const menu = await openUserMenu(page);
  await expect(menu.getByRole('link', { name: 'Profielinstellingen' })).toBeVisible();
  await expect(menu.getByRole('link', { name: 'Download', exact: true })).toHaveCount(0);
  await expect(menu.getByRole('link', { name: 'Wie heeft mijn dossier bekeken' })).toHaveCount(0);

  // Typing the address: a plain sentence, no form, no error page.
  await page.goto('/download');
  await expect(page.getByRole('heading', { level: 1, name: 'Download' })).toBeVisible();
  await expect(page.getByText(
    'Download is alleen beschikbaar voor de cliënt zelf en voor portaalbeheerders (vinkje Instellingen).',
    { exact: true },
  )).toBeVisible();
  await expect(page.getByRole('button', { name: 'Gegevens opslaan' })).toHaveCount(0);
  await expect(page.locator('#download-from-month')).toHaveCount(0);
  await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toHaveCount(0);
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
  await snapshot(page, testInfo, 'download-not-allowed');

  await page.goto('/bekeken');
  await expect(page.getByRole('heading', { level: 1, name: 'Wie heeft mijn dossier bekeken' })).toBeVisible();
  await expect(page.getByText(
    'Dit overzicht is alleen beschikbaar voor de cliënt zelf en voor portaalbeheerders (vinkje Instellingen).',
    { exact: true },
  )).toBeVisible();
  await expect(page.getByRole('button', { name: 'Download als CSV' })).toHaveCount(0);
  await expect(page.locator('li.audit-entry')).toHaveCount(0);
});

test('anyone downloads Mijn gegevens as JSON from Profielinstellingen', async ({ page, demo }, testInfo) => {
  onPhoneOnly(testInfo);
  await login(page, demo.pieter);
  await expect(page.locator('.home')).toBeVisible();
  await (await openUserMenu(page)).getByRole('link', { name: 'Profielinstellingen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Profielinstellingen' })).toBeVisible();
  const section = page.getByRole('region', { name: 'Mijn gegevens' });
  await expect(section.locator('#my-data-title')).toHaveText('Mijn gegevens');

  const saved = page.waitForEvent('download');
  await section.getByRole('button', { name: 'Mijn gegevens downloaden (JSON)' }).click();
  const download = await saved;
  expect(download.suggestedFilename()).toBe('kring-mijn-gegevens.json');
  const text = await downloadedText(download);
  const data = JSON.parse(text);
  expect(data.profile.username).toBe(demo.pieter.username);
  // Never a secret in it.
  expect(text).not.toContain(DEMO_PASSWORD);
  expect(text).not.toMatch(/\$argon2/);
  await expect(section.locator('p.form-error')).toBeEmpty();
});
