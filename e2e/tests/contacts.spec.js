// Gebruikersbeheer in the browser: an administrator adds a new contact, ticks a permission and
// sends the login details; the contact gets the real e-mail, logs in and sees only what was
// granted; a removed tick and a removed contact take effect at the next page load; an
// existing user is invited under Meldingen, accepts, and switches between two clients.
const { test, expect } = require('./fixtures');
const { login, expectAccessible, snapshot, visiblePanels } = require('./helpers');
const { waitForMail } = require('./mail');

// Flows run once, at phone size (the size most people use); the pages are checked at every size.
const onPhoneOnly = (testInfo) => test.skip(testInfo.project.name !== 'phone', 'a flow; one size is enough');

test('the permission table shows every contact with their ticks and is accessible', async ({ page, demo }, testInfo) => {
  await login(page, demo.marieke);
  await page.getByRole('link', { name: 'Gebruikersbeheer' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Gebruikersbeheer' })).toBeVisible();
  const pieter = page.locator('.contact-card', { hasText: 'Pieter de Vries' });
  await expect(pieter.getByLabel('Berichten')).toBeChecked();
  await expect(pieter.getByLabel('Dossier')).not.toBeChecked();
  const kees = page.locator('.contact-card', { hasText: 'Kees de Vries' });
  await expect(kees).toContainText('ziet nu alleen een foto');
  // The primary contact cannot be removed; the others can.
  const marieke = page.locator('.contact-card', { hasText: 'Marieke de Vries' });
  await expect(marieke.getByRole('button', { name: 'Verwijderen' })).toHaveCount(0);
  await expectAccessible(page);
  await snapshot(page, testInfo, 'user-management');
});

test('a contact without Instellingen has no Gebruikersbeheer', async ({ page, demo }) => {
  await login(page, demo.pieter);
  await expect(page.getByRole('link', { name: 'Gebruikersbeheer' })).toHaveCount(0);
  await page.goto('/gebruikersbeheer');
  await expect(page.getByText('Alleen een portaalbeheerder (vinkje Instellingen) kan gebruikers beheren.')).toBeVisible();
});

test('an administrator invites a new contact who logs in by e-mail, sees only what is ticked, and is locked out when removed', async ({ browser, demo }, testInfo) => {
  onPhoneOnly(testInfo);
  test.setTimeout(120_000);
  const phone = { viewport: { width: 360, height: 740 } };
  const adminContext = await browser.newContext(phone);
  const admin = await adminContext.newPage();
  await login(admin, demo.marieke);
  await admin.goto('/gebruikersbeheer');

  // A new person: the e-mail address is unknown, so the form asks for the details.
  await admin.getByLabel('E-mailadres').fill('sanne.jansen@example.nl');
  await admin.getByRole('button', { name: 'Zoeken' }).click();
  await expect(admin.getByRole('heading', { name: '+ Nieuwe gebruiker' })).toBeVisible();
  await admin.getByLabel('Voornaam').fill('Sanne');
  await admin.getByLabel('Achternaam').fill('Jansen');
  await admin.getByLabel('Vrouw').check();
  await admin.getByLabel('Relatie tot de cliënt').selectOption('grandchild');
  await admin.getByLabel('Mobiel nummer').fill('06-12345680');
  await admin.getByRole('button', { name: 'Toevoegen' }).click();
  await expect(admin.getByText('Sanne Jansen is toegevoegd.')).toBeVisible();
  const card = admin.locator('.contact-card', { hasText: 'Sanne Jansen' });
  await expect(card).toContainText('ziet nu alleen een foto');
  await expect(card).toContainText('Nog niet uitgenodigd');

  // The first tick offers "Eerste toegang"; sending mails the login details.
  await card.getByLabel('Berichten').check();
  await expect(card.getByRole('heading', { name: 'Eerste toegang' })).toBeVisible();
  await expectAccessible(admin);
  await card.getByRole('button', { name: 'Gegevens versturen' }).click();
  await expect(card.getByRole('status')).toHaveText('De inloggegevens zijn per e-mail verstuurd.');
  const mail = await waitForMail('sanne.jansen@example.nl');
  expect(mail).toContain('Marieke de Vries heeft u toegang gegeven tot het cliëntportaal van Johanna de Vries');
  const username = mail.match(/Gebruikersnaam: (\S+)/)[1];
  const temporary = mail.match(/Tijdelijk wachtwoord: (\S+)/)[1];
  expect(username).toBe('sanne.jansen');

  const userContext = await browser.newContext(phone);
  const sanne = await userContext.newPage();
  await login(sanne, { username, numbers: ['+31612345680'] }, temporary);
  await expect(sanne.getByRole('heading', { name: 'Kies een nieuw wachtwoord' })).toBeVisible();
  await sanne.getByLabel('Nieuw wachtwoord', { exact: true }).fill('Kastanje-Boom-31');
  await sanne.getByLabel('Herhaal nieuw wachtwoord').fill('Kastanje-Boom-31');
  await sanne.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
  await expect(sanne).toHaveURL(/\/start$/);
  expect(await visiblePanels(sanne)).toEqual(['messages']);

  // A tick taken away is gone at the next load of the page.
  await card.getByLabel('Berichten').uncheck();
  await expect(card.getByRole('status')).toHaveText('Opgeslagen.');
  await sanne.reload();
  await expect(sanne.getByText('U ziet alleen de foto van Johanna de Vries.')).toBeVisible();

  // Removed: asked first, then gone, and Sanne no longer sees Johanna.
  await card.getByRole('button', { name: 'Verwijderen' }).click();
  await card.getByRole('button', { name: 'Ja, verwijderen' }).click();
  await expect(admin.locator('.contact-card', { hasText: 'Sanne Jansen' })).toHaveCount(0);
  await sanne.reload();
  await expect(sanne.getByText('Er is nog geen cliëntportaal aan uw account gekoppeld.')).toBeVisible();

  // Every change is in the network's log, newest first, with the ticks before and after.
  await admin.getByText('Wijzigingen in het netwerk').click();
  const changes = admin.locator('.network-changes');
  await expect(changes.locator('.audit-entry').first()).toContainText('verwijderde een contactpersoon: Sanne Jansen');
  await expect(changes).toContainText('Marieke de Vries (Zoon of dochter)');
  await expect(changes).toContainText('Berichten → geen vinkjes');
  await expectAccessible(admin);
  await snapshot(admin, testInfo, 'network-changes');

  // Sandra, administrator of Gerrit, invites Sanne (an existing account now) under Meldingen.
  const sandraContext = await browser.newContext(phone);
  const sandra = await sandraContext.newPage();
  await login(sandra, demo.sandra);
  await sandra.getByRole('button', { name: 'Gerrit Bakker' }).click();
  await sandra.getByRole('link', { name: 'Gebruikersbeheer' }).click();
  await sandra.getByLabel('E-mailadres').fill('sanne.jansen@example.nl');
  await sandra.getByRole('button', { name: 'Zoeken' }).click();
  await expect(sandra.getByRole('heading', { name: 'Bedoelde u Sanne Jansen?' })).toBeVisible();
  await sandra.getByLabel('Relatie tot de cliënt').selectOption('friend');
  await sandra.getByRole('button', { name: 'Toevoegen' }).click();
  const invited = sandra.locator('.contact-card', { hasText: 'Sanne Jansen' });
  await invited.getByLabel('Afspraken').check();
  await invited.getByRole('button', { name: 'Gegevens versturen' }).click();
  await expect(invited.getByRole('status')).toContainText('staat klaar bij Meldingen');

  await sanne.reload();
  await expect(sanne.getByRole('link', { name: /Meldingen.*1 nieuwe melding\)/ })).toBeVisible();
  await sanne.getByRole('link', { name: /Meldingen/ }).click();
  await expect(sanne.getByText('Sandra Visser nodigt u uit voor het portaal van Gerrit Bakker.')).toBeVisible();
  await expectAccessible(sanne);
  await snapshot(sanne, testInfo, 'invitation');
  await sanne.getByRole('button', { name: 'Accepteren' }).click();
  await expect(sanne.getByRole('status')).toHaveText('U heeft de uitnodiging geaccepteerd.');
  await sanne.getByRole('link', { name: 'Start' }).click();
  expect(await visiblePanels(sanne)).toEqual(['agenda']);
  await expect(sanne.locator('.client-name')).toHaveText('Gerrit Bakker');

  for (const context of [adminContext, userContext, sandraContext]) await context.close();
});
