// The agenda: a contact plans a weekly private visit, sees it in week and list view and moves
// one occurrence; the conflict warning; a care worker sees a private visit only as "Bezet";
// an ECD push appears on Start without reloading.
const { test, expect } = require('./fixtures');
const { login, expectAccessible, snapshot } = require('./helpers');
const { ecd, unique } = require('./ecd');

// The organisation's zone, as a Dutch family member's phone has it.
test.use({ timezoneId: 'Europe/Amsterdam' });

// The first `weekday` (0 = Sunday) at least `days` days from today, as YYYY-MM-DD.
function dayAhead(days, weekday) {
  const date = new Date();
  date.setHours(12, 0, 0, 0);
  date.setDate(date.getDate() + days);
  while (date.getDay() !== weekday) date.setDate(date.getDate() + 1);
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

async function openAgenda(page) {
  await page.getByRole('link', { name: 'Naar de agenda' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Agenda van Johanna' })).toBeVisible();
}

test('a contact plans a weekly private visit, sees it as week and list, and moves one visit', async ({ page, demo }, testInfo) => {
  await login(page, demo.pieter);
  await openAgenda(page);
  // A phone starts with the list, a tablet or PC with the week.
  const wide = page.viewportSize().width >= 768;
  await expect(page.getByRole('link', { name: wide ? 'Week' : 'Lijst', exact: true })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByText('De medewerker spreekt de tijd met u af.')).toBeVisible();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'agenda-start');

  const title = `Wandelen met Pieter ${unique(testInfo, 'w')}`;
  const wednesday = dayAhead(14, 3);
  await page.getByRole('link', { name: 'Nieuwe afspraak' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Nieuwe afspraak' })).toBeVisible();
  await page.getByLabel('Titel', { exact: true }).fill(title);
  await page.getByLabel('Datum', { exact: true }).fill(wednesday);
  await page.getByLabel('Van', { exact: true }).fill('10:00');
  await page.getByLabel('Tot', { exact: true }).fill('11:00');
  await page.getByLabel('Privé: het zorgteam ziet alleen "Bezet" en hoe laat').check();
  await page.getByLabel('Herhalen').selectOption('weekly');
  await page.getByLabel('Een aantal keer').check();
  await page.getByLabel('Aantal keer', { exact: true }).fill('4');
  await expectAccessible(page);
  await snapshot(page, testInfo, 'agenda-new');
  await page.getByRole('button', { name: 'Opslaan' }).click();
  await expect(page.getByText('De afspraak is opgeslagen.')).toBeVisible();
  const first = page.locator('.appt', { hasText: title }).first();
  await expect(first).toBeVisible();
  await expect(first.getByText('Privé')).toBeVisible();
  await expect(first.getByText('Elke week')).toBeVisible();
  await expect(first.locator('.appt-time')).toHaveText('10:00 – 11:00');

  // The week view: a heading per day, Wednesday holds the visit.
  await page.getByRole('link', { name: 'Week', exact: true }).click();
  await expect(page.getByRole('heading', { level: 3 })).toHaveCount(7);
  await expect(page.locator('.appt', { hasText: title })).toHaveCount(1);
  await expectAccessible(page);
  await snapshot(page, testInfo, 'agenda-week');

  // The list from that day: four visits.
  await page.goto(`/agenda?weergave=lijst&datum=${wednesday}`);
  const visits = page.locator('.appt', { hasText: title });
  await expect(visits).toHaveCount(4);
  await snapshot(page, testInfo, 'agenda-list');

  // Only the second visit moves to the afternoon.
  await visits.nth(1).getByRole('link', { name: 'Wijzigen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Afspraak wijzigen' })).toBeVisible();
  await expect(page.getByLabel('Alleen deze')).toBeChecked();
  await expect(page.getByLabel('Titel', { exact: true })).toHaveValue(title);
  await page.getByLabel('Van', { exact: true }).fill('13:00');
  await page.getByLabel('Tot', { exact: true }).fill('14:00');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Opslaan' }).click();
  await expect(page.getByText('De afspraak is opgeslagen.')).toBeVisible();
  await page.goto(`/agenda?weergave=lijst&datum=${wednesday}`);
  await expect(visits).toHaveCount(4);
  await expect(visits.locator('.appt-time')).toHaveText([
    '10:00 – 11:00', '13:00 – 14:00', '10:00 – 11:00', '10:00 – 11:00',
  ]);

  // Deleting the last one asks first, and which visits.
  await visits.nth(3).getByRole('button', { name: 'Verwijderen' }).click();
  const dialog = page.getByRole('dialog', { name: 'Afspraak verwijderen?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Alleen deze')).toBeChecked();
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Ja, verwijderen' }).click();
  await expect(page.getByText('De afspraak is verwijderd.')).toBeVisible();
  await expect(visits).toHaveCount(3);
});

test('an appointment over a care appointment is warned about and can still be saved', async ({ page, demo }, testInfo) => {
  await login(page, demo.marieke);
  await openAgenda(page);
  // The demo's physiotherapy is on Tuesdays 10:30–11:00 for the next three weeks.
  const tuesday = dayAhead(2, 2);
  await page.getByRole('link', { name: 'Nieuwe afspraak' }).click();
  const title = `Koffie ${unique(testInfo, 'k')}`;
  await page.getByLabel('Titel', { exact: true }).fill(title);
  await page.getByLabel('Datum', { exact: true }).fill(tuesday);
  await page.getByLabel('Van', { exact: true }).fill('10:15');
  await page.getByLabel('Tot', { exact: true }).fill('10:45');
  await page.getByRole('button', { name: 'Opslaan' }).click();
  const warning = page.getByRole('alert').filter({ hasText: 'Er is op dat moment al een zorgafspraak' });
  await expect(warning).toBeVisible();
  await expect(warning).toContainText('Fysiotherapie');
  await expect(warning).toContainText('Neem contact op met het zorgteam');
  await expectAccessible(page);
  await snapshot(page, testInfo, 'agenda-conflict');
  await page.getByRole('button', { name: 'Toch opslaan' }).click();
  await expect(page.getByText('De afspraak is opgeslagen.')).toBeVisible();
  await expect(page.locator('.appt', { hasText: title })).toBeVisible();

  // An end before the start is refused in words, and nothing is saved.
  await page.getByRole('link', { name: 'Nieuwe afspraak' }).click();
  await page.getByLabel('Titel', { exact: true }).fill('Verkeerd om');
  await page.getByLabel('Van', { exact: true }).fill('15:00');
  await page.getByLabel('Tot', { exact: true }).fill('14:00');
  await page.getByRole('button', { name: 'Opslaan' }).click();
  await expect(page.getByText('Het einde moet na het begin liggen.')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Nieuwe afspraak' })).toBeVisible();

  // An end date makes it span the night: Saturday evening to Sunday afternoon, on both days.
  const saturday = dayAhead(3, 6);
  const sunday = dayAhead(4, 0);
  const stay = `Logeren ${unique(testInfo, 's')}`;
  await page.getByLabel('Titel', { exact: true }).fill(stay);
  await page.getByLabel('Datum', { exact: true }).fill(saturday);
  await page.getByLabel('Van', { exact: true }).fill('18:00');
  await page.getByLabel('Tot', { exact: true }).fill('14:00');
  await page.getByLabel('Einddatum (als het over meer dagen gaat)').fill(sunday);
  await page.getByRole('button', { name: 'Opslaan' }).click();
  await expect(page.getByText('De afspraak is opgeslagen.')).toBeVisible();
  await page.goto(`/agenda?weergave=lijst&datum=${saturday}`);
  await expect(page.locator('.appt', { hasText: stay })).toHaveCount(2);
});

test('a care worker sees a private visit only as busy time', async ({ page, demo }, testInfo) => {
  await login(page, demo.fatima);
  await expect(page.getByRole('heading', { level: 1, name: 'Uw cliënten' })).toBeVisible();
  await page.getByRole('button', { name: 'Johanna de Vries' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Agenda van Johanna' })).toBeVisible();
  await page.getByRole('link', { name: 'Lijst', exact: true }).click();
  // Pieter's weekly visit is private: the care team sees when, not what.
  await expect(page.locator('.appt-busy').first()).toBeVisible();
  await expect(page.locator('.appt-busy').first().locator('.appt-title')).toHaveText('Bezet');
  await expect(page.getByText('Bezoek van Pieter')).toHaveCount(0);
  await expect(page.getByText('Samen naar de markt')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Nieuwe afspraak' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Verwijderen' })).toHaveCount(0);
  await expectAccessible(page);
  await snapshot(page, testInfo, 'agenda-care-worker');
});

test('an ECD push appears on the start panel without reloading', async ({ page, demo }, testInfo) => {
  const listening = page.waitForResponse((response) => response.url().includes('/events?ticket='));
  await login(page, demo.marieke);
  const panel = page.locator('section.panel-agenda');
  await expect(panel.locator('.next-appt')).toBeVisible();
  await expect(panel.getByRole('link', { name: 'Naar de agenda' })).toBeVisible();
  await listening;
  const title = `Bezoek tandarts ${unique(testInfo, 't')}`;
  const start = new Date(Date.now() + 5 * 60 * 1000);
  const end = new Date(Date.now() + 20 * 60 * 1000);
  const [status] = await ecd('PUT', `/api/integration/clients/ECD-1001/appointments/${unique(testInfo, 'AF')}`, {
    title, starts_at: start.toISOString(), ends_at: end.toISOString(), care_worker_id: 'MW-2001',
  }, demo.ecdKey());
  expect(status).toBe(201);
  await expect(panel.getByText(title)).toBeVisible({ timeout: 3000 });
  await expectAccessible(page);
  await snapshot(page, testInfo, 'start-agenda-live');
});
