// Beheer, the organisation admin console: only the organisation's administrator gets in; the
// user list searches; sending a temporary password asks first.
const { test, expect } = require('./fixtures');
const { login, expectAccessible, snapshot, visiblePanels } = require('./helpers');
const { waitForMail } = require('./mail');

test('the organisation admin finds a user and is asked before a temporary password is sent', async ({ page, demo }, testInfo) => {
  await login(page, demo.beheer);
  await expect(page).toHaveURL(/\/start/);
  await page.locator('.user-menu summary').click();
  await page.locator('.user-menu').getByRole('link', { name: 'Beheer' }).click();
  await expect(page.getByRole('heading', { name: 'Beheer', level: 1 })).toBeVisible();
  // Each part of Beheer is a page of its own; client portals open first.
  const parts = page.getByRole('navigation', { name: 'Onderdelen van Beheer' });
  await expect(parts.getByRole('link', { name: 'Cliëntportalen' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('region', { name: 'Cliëntportalen' })).toBeVisible();
  await parts.getByRole('link', { name: 'Gebruikers' }).click();
  await expect(page).toHaveURL(/\/beheer\/gebruikers$/);
  await expect(parts.getByRole('link', { name: 'Gebruikers' })).toHaveAttribute('aria-current', 'page');
  const users = page.getByRole('region', { name: 'Gebruikers' });
  await expect(users.getByText('Marieke de Vries')).toBeVisible();
  await users.getByLabel('Zoek op naam, gebruikersnaam of e-mailadres').fill('visser');
  await users.getByRole('button', { name: 'Zoeken' }).click();
  await expect(users.locator('.admin-user')).toHaveCount(1);
  const row = users.locator('.admin-user', { hasText: 'Sandra Visser' });
  await expect(row).toBeVisible();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'admin-users');

  // Asking first; "Nee" sends nothing.
  await row.getByRole('button', { name: 'Tijdelijk wachtwoord sturen' }).click();
  await expect(row).toContainText('krijgt een e-mail met een nieuw tijdelijk wachtwoord');
  await expect(row.getByRole('button', { name: 'Ja, versturen' })).toBeFocused();
  await expectAccessible(page);
  await row.getByRole('button', { name: 'Nee' }).click();
  await expect(row.getByRole('button', { name: 'Tijdelijk wachtwoord sturen' })).toBeVisible();
  // Sending it, and the user replacing it, is followed through in accounts.spec.js.
});

test('an unknown part of Beheer says so, once, instead of loading again and again', async ({ page, demo }) => {
  await login(page, demo.beheer);
  await expect(page).toHaveURL(/\/start/);
  let loads = 0;
  page.on('load', () => { loads += 1; });
  await page.goto('/beheer/bestaat-niet');
  await expect(page.getByRole('heading', { level: 1, name: 'Pagina niet gevonden' })).toBeVisible();
  await page.waitForTimeout(1000);
  expect(loads).toBe(1);
});

test('someone who is not the organisation admin cannot use Beheer', async ({ page, demo }) => {
  await login(page, demo.marieke);
  await expect(page).toHaveURL(/\/start/);
  await page.locator('.user-menu summary').click();
  await expect(page.locator('.user-menu').getByRole('link', { name: 'Beheer' })).toHaveCount(0);
  await page.goto('/beheer');
  await expect(page.getByText('Deze pagina is alleen voor de beheerder van de zorgorganisatie.')).toBeVisible();
  await expectAccessible(page);
});

test('the organisation admin changes the brand colour and the portal shows it; a bad colour is refused', async ({ browser, demo }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'changes the organisation; runs once');
  const phone = { viewport: { width: 360, height: 740 } };
  const adminContext = await browser.newContext(phone);
  const admin = await adminContext.newPage();
  await login(admin, demo.beheer);
  await admin.goto('/beheer/instellingen');
  const settings = admin.getByRole('region', { name: 'Instellingen van de organisatie' });
  const colour = settings.getByLabel('Huisstijlkleur (bijvoorbeeld #1d5b79)');
  await expect(colour).toHaveValue('#1d5b79');

  await colour.fill('#ffcc00');
  await settings.getByRole('button', { name: 'Instellingen opslaan' }).click();
  await expect(settings.locator('#setting-primary_colour-error')).toHaveText(/te licht/);
  await expectAccessible(admin);
  await snapshot(admin, testInfo, 'organisation-settings');

  await colour.fill('#1f5f3a');
  await settings.getByRole('button', { name: 'Instellingen opslaan' }).click();
  await expect(settings.getByRole('status')).toHaveText('De instellingen zijn opgeslagen.');

  const userContext = await browser.newContext(phone);
  const user = await userContext.newPage();
  await login(user, demo.marieke);
  await expect(user.locator('.infobar')).toHaveCSS('background-color', 'rgb(31, 95, 58)');
  await expectAccessible(user);
  await adminContext.close();
  await userContext.close();
});

test('the organisation admin creates a client portal; the primary contact gets the e-mail and manages it', async ({ browser, demo }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'creates a client; runs once');
  test.setTimeout(90_000);
  const phone = { viewport: { width: 360, height: 740 } };
  const adminContext = await browser.newContext(phone);
  const admin = await adminContext.newPage();
  await login(admin, demo.beheer);
  await admin.goto('/beheer');
  const portals = admin.getByRole('region', { name: 'Cliëntportalen' });
  await portals.getByRole('button', { name: 'Nieuw cliëntportaal' }).click();
  const form = portals.getByRole('form', { name: 'Nieuw cliëntportaal' });
  const client = form.getByRole('group', { name: 'Cliënt' });
  await client.getByLabel('Voornaam').fill('Willem');
  await client.getByLabel('Achternaam').fill('Jansen');
  await client.getByLabel('Geboortedatum').fill('1940-05-17');
  const primary = form.getByRole('group', { name: /Eerste contactpersoon/ });
  // An existing account is suggested by name; a new address is not.
  await primary.getByLabel('E-mailadres').fill(demo.marieke.email);
  await primary.getByRole('button', { name: 'Zoeken' }).click();
  await expect(primary.getByText('Bedoelde u Marieke de Vries?')).toBeVisible();
  await expect(primary.getByLabel('Ja, Marieke de Vries wordt eerste contactpersoon')).toBeChecked();
  await primary.getByLabel('E-mailadres').fill('els.jansen@example.nl');
  await primary.getByRole('button', { name: 'Zoeken' }).click();
  await expect(primary.getByText('Geen account met dit e-mailadres.')).toBeVisible();
  await primary.getByLabel('Voornaam').fill('Els');
  await primary.getByLabel('Achternaam').fill('Jansen');
  await primary.getByLabel('Geslacht').selectOption('female');
  await primary.getByLabel('Mobiel nummer').fill('020-5551234');
  await form.getByRole('button', { name: 'Portaal maken en uitnodigingen versturen' }).click();
  await expect(primary.locator('#primary-mobile-error')).toHaveText(/geen mobiel nummer/);
  await expectAccessible(admin);
  await snapshot(admin, testInfo, 'new-portal');
  await primary.getByLabel('Mobiel nummer').fill('06-12345670');
  await form.getByRole('button', { name: 'Portaal maken en uitnodigingen versturen' }).click();
  await expect(portals.getByRole('status').first()).toHaveText('Het portaal van Willem Jansen is gemaakt. De uitnodigingen zijn verstuurd.');
  await expect(portals.locator('.contact-card', { hasText: 'Willem Jansen' })).toContainText('Eerste contactpersoon: Els Jansen');

  const mail = await waitForMail('els.jansen@example.nl');
  const temporary = mail.match(/Tijdelijk wachtwoord: (\S+)/)[1];
  const elsJansen = { username: mail.match(/Gebruikersnaam: (\S+)/)[1], numbers: ['+31612345670'] };
  const userContext = await browser.newContext(phone);
  const els = await userContext.newPage();
  await login(els, elsJansen, temporary);
  await els.getByLabel('Nieuw wachtwoord', { exact: true }).fill('Kastanje-Boom-31');
  await els.getByLabel('Herhaal nieuw wachtwoord').fill('Kastanje-Boom-31');
  await els.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
  await expect(els).toHaveURL(/\/start$/);
  await expect(els.locator('.client-name')).toHaveText('Willem Jansen');
  expect(await visiblePanels(els)).toEqual(['agenda', 'messages', 'dossier', 'details']);
  await els.getByRole('link', { name: 'Gebruikersbeheer' }).click();
  await expect(els.locator('.contact-card', { hasText: 'Els Jansen' })).toContainText('Eerste contactpersoon');
  await adminContext.close();
  await userContext.close();
});

test('the organisation admin adds a care worker and puts them in a care team', async ({ page, demo }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'creates a care worker; runs once');
  await login(page, demo.beheer);
  await page.goto('/beheer/zorgverleners');
  const section = page.getByRole('region', { name: 'Zorgverleners en zorgteams' });
  await expect(section.locator('.contact-card', { hasText: 'Fatima El Amrani' })).toContainText('Johanna de Vries — EVV');
  await section.getByRole('button', { name: 'Nieuwe zorgverlener' }).click();
  const form = section.getByRole('form', { name: 'Nieuwe zorgverlener' });
  await form.getByLabel('Voornaam').fill('Noor');
  await form.getByLabel('Achternaam').fill('Bakker');
  await form.getByLabel('E-mailadres').fill('noor.bakker@delinde.example');
  await form.getByLabel('Geslacht').selectOption('female');
  await form.getByLabel('Mobiel nummer').fill('06-12345672');
  await form.getByRole('button', { name: 'Zorgverlener aanmaken en uitnodigen' }).click();
  await expect(section.getByRole('status').first()).toContainText('Noor Bakker is aangemaakt');
  const mail = await waitForMail('noor.bakker@delinde.example');
  expect(mail).toContain('Gebruikersnaam: noor.bakker');

  const card = section.locator('.contact-card', { hasText: 'Noor Bakker' });
  await expect(card).toContainText('Zit nog in geen enkel zorgteam.');
  await card.getByLabel('Zorgteam van').selectOption({ label: 'Gerrit Bakker' });
  await card.getByLabel('Rol').selectOption('personal_supervisor');
  await card.getByRole('button', { name: 'Toevoegen aan zorgteam' }).click();
  const again = section.locator('.contact-card', { hasText: 'Noor Bakker' });
  await expect(again).toContainText('Gerrit Bakker — Persoonlijk begeleider');
  await expectAccessible(page);
  await again.getByRole('button', { name: /Uit zorgteam halen.*Gerrit Bakker/ }).click();
  await expect(section.locator('.contact-card', { hasText: 'Noor Bakker' })).toContainText('Zit nog in geen enkel zorgteam.');
});

test('the organisation admin makes an integration key, sees it once, and revokes it', async ({ page, demo }, testInfo) => {
  const { ecd } = require('./ecd');
  const name = `ECD ${testInfo.project.name} ${Date.now()}`;
  await login(page, demo.beheer);
  await page.goto('/beheer/koppelingen');
  const section = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Koppelingen' }) });
  await section.getByRole('button', { name: 'Koppeling maken' }).click();
  await expect(section.getByText('Vul een naam in.')).toBeVisible();
  await section.getByLabel('Naam van de koppeling').fill(name);
  await section.getByLabel('Aantekeningen uit het portaal ophalen').uncheck();
  await section.getByRole('button', { name: 'Koppeling maken' }).click();
  const key = await section.getByLabel('Sleutel').inputValue();
  expect(key).toMatch(/^kring_/);
  await expect(section.getByText('U ziet hem maar één keer.')).toBeVisible();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'admin-integration-key');

  // The key works for what it may do, and not for the feed.
  const report = { category: 'Dagrapportage', author: 'Fatima El Amrani', written_at: new Date().toISOString(), text: 'Via de nieuwe koppeling.' };
  const [created] = await ecd('PUT', `/api/integration/clients/ECD-1003/reports/K-${testInfo.project.name}-${Date.now()}`, report, key);
  expect(created).toBe(201);
  const [feed] = await ecd('GET', '/api/integration/feed', undefined, key);
  expect(feed).toBe(403);

  const card = section.locator('li.contact-card', { hasText: name });
  await card.getByRole('button', { name: /Intrekken/ }).click();
  await card.getByRole('button', { name: 'Ja, intrekken' }).click();
  await expect(card.getByText('Ingetrokken')).toBeVisible();
  const [refused] = await ecd('PUT', `/api/integration/clients/ECD-1003/reports/K2-${testInfo.project.name}-${Date.now()}`, report, key);
  expect(refused).toBe(401);
});
