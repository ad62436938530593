// The login lifecycle in the browser: first login with a forced password change, block and
// unblock through a real e-mail, changing the password, sessions, and staying signed in
// across a reload (the HttpOnly refresh cookie).
const { test, expect } = require('./fixtures');
const {
  login, loginHere, expectAccessible, snapshot, latestCodeTo, totpNow,
  DEMO_PASSWORD, clickLogout,
} = require('./helpers');
const { waitForMail, linkIn } = require('./mail');
const { ecd, unique } = require('./ecd');

// Flows that change an account run once, at phone size (the size most people use); the
// pages themselves are checked at every size below.
const onPhoneOnly = (testInfo) => test.skip(testInfo.project.name !== 'phone', 'a flow; one size is enough');

test('a new user logs in with the temporary password, chooses a username and a password, and starts', async ({ page, demo }, testInfo) => {
  onPhoneOnly(testInfo);
  await login(page, demo.anouk);
  await expect(page.getByRole('heading', { name: 'Kies een nieuw wachtwoord' })).toBeVisible();
  await expect(page.getByText('U kunt maar één keer uw gebruikersnaam instellen.')).toBeVisible();
  const username = page.getByLabel('Gebruikersnaam');
  await expect(username).toHaveValue(demo.anouk.username);

  // The rules are ticked off while typing.
  const newPassword = page.getByLabel('Nieuw wachtwoord', { exact: true });
  await newPassword.fill('kort');
  await expect(page.locator('[data-rule="too_short"]')).toHaveClass(/rule-open/);
  await expect(page.locator('[data-rule="needs_lowercase"]')).toHaveClass(/rule-met/);
  await expectAccessible(page);
  await snapshot(page, testInfo, 'first-password');
  await newPassword.fill('Welkom2026');
  for (const rule of ['too_short', 'needs_lowercase', 'needs_uppercase', 'needs_digit']) {
    await expect(page.locator(`[data-rule="${rule}"]`)).toHaveClass(/rule-met/);
  }

  // A common password is refused by the server and the rule is marked.
  await page.getByLabel('Herhaal nieuw wachtwoord').fill('Welkom2026');
  await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
  await expect(page.locator('#new-password-error')).toHaveText(/te veel gebruikt/);
  await expect(page.locator('[data-rule="too_common"]')).toHaveClass(/rule-broken/);

  // A username of her own choice (with the copy's number, so that it is free).
  const chosen = demo.anouk.username.replace('anouk', 'anouk.bakker');
  await username.fill(chosen);
  await newPassword.fill('Zonnebloem-Tuin-7');
  await page.getByLabel('Herhaal nieuw wachtwoord').fill('Zonnebloem-Tuin-7');
  await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
  await expect(page).toHaveURL(/\/start$/);
  await expect(page.getByRole('heading', { name: 'Start – Gerrit Bakker' })).toBeVisible();

  // A reload keeps the session (refresh cookie), without asking for the password again.
  await page.reload();
  await expect(page).toHaveURL(/\/start$/);
  await expect(page.getByRole('heading', { name: 'Start – Gerrit Bakker' })).toBeVisible();

  // The chosen name and password are the ones that work now.
  await page.context().clearCookies();
  await login(page, demo.anouk, 'Zonnebloem-Tuin-7', chosen);
  await expect(page).toHaveURL(/\/start$/);
});

test('the organisation admin mails a temporary password; the user must replace it at the next login', async ({ browser, demo }, testInfo) => {
  onPhoneOnly(testInfo);
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const admin = await context.newPage();
  await login(admin, demo.beheer);
  await expect(admin).toHaveURL(/\/start/);
  await admin.goto('/beheer/gebruikers');
  const users = admin.getByRole('region', { name: 'Gebruikers' });
  await users.getByLabel('Zoek op naam, gebruikersnaam of e-mailadres').fill(demo.pieter.username);
  await users.getByRole('button', { name: 'Zoeken' }).click();
  // The search answer replaces the list: wait for it before asking (a click on the old list
  // would be lost).
  await expect(users.locator('.admin-user')).toHaveCount(1);
  const row = users.locator('.admin-user', { hasText: 'Pieter de Vries' });
  await row.getByRole('button', { name: 'Tijdelijk wachtwoord sturen' }).click();
  await row.getByRole('button', { name: 'Ja, versturen' }).click();
  await expect(users.getByRole('status')).toHaveText('Pieter de Vries heeft een e-mail gekregen met een tijdelijk wachtwoord.');
  const mail = await waitForMail(demo.pieter.email);
  const temporary = mail.match(/\b[A-Z][a-z]{3}\d-[A-Z][a-z]{3}\d-[a-z]{4}\d\b/)[0];

  // His own password no longer works; the temporary one leads to "choose a new password".
  const user = await context.newPage();
  await login(user, demo.pieter);
  await expect(user.getByRole('alert')).toContainText('klopt niet');
  await login(user, demo.pieter, temporary);
  await expect(user.getByRole('heading', { name: 'Kies een nieuw wachtwoord' })).toBeVisible();
  await user.getByLabel('Nieuw wachtwoord', { exact: true }).fill('Regenboog-Fiets-4');
  await user.getByLabel('Herhaal nieuw wachtwoord').fill('Regenboog-Fiets-4');
  await user.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
  await expect(user).toHaveURL(/\/start$/);
  await context.close();
});

test('five wrong passwords block the account; a new password through the e-mail link unblocks it', async ({ page, demo }, testInfo) => {
  onPhoneOnly(testInfo);
  // Every wrong password gets the same answer, with the seeds' warning; only the right
  // password learns that the account is now blocked.
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    await login(page, demo.lotte, `Verkeerd-${attempt}`);
    await expect(page.getByRole('alert')).toHaveText(/klopt niet.*te vaak een verkeerd wachtwoord/);
  }
  await login(page, demo.lotte);
  await expect(page.getByRole('alert')).toContainText('Uw account is geblokkeerd');
  await expectAccessible(page);
  await snapshot(page, testInfo, 'account-blocked');

  await page.getByRole('link', { name: /deblokkeren/ }).click();
  await expect(page).toHaveURL(/\/wachtwoord-vergeten$/);
  await page.getByLabel('Gebruikersnaam').fill(demo.lotte.username);
  await page.getByLabel('E-mailadres').fill(demo.lotte.email);
  await page.getByRole('button', { name: 'Link versturen' }).click();
  await expect(page.getByRole('status')).toContainText('krijgt u nu een e-mail');

  const mail = await waitForMail(demo.lotte.email);
  expect(mail).toContain('Beste Lotte');
  const link = linkIn(mail, '/wachtwoord-herstellen');
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Nieuw wachtwoord kiezen' })).toBeVisible();
  await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill('Lente-Bloesem-42');
  await page.getByLabel('Herhaal nieuw wachtwoord').fill('Lente-Bloesem-42');
  await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
  await expect(page.getByRole('status')).toContainText('Uw wachtwoord is gewijzigd');
  await snapshot(page, testInfo, 'reset-done');

  // The link works once.
  await page.goto(link);
  await expect(page.getByRole('alert')).toContainText('Deze link werkt niet meer');

  await login(page, demo.lotte, 'Lente-Bloesem-42');
  await expect(page).toHaveURL(/\/start$/);
});

test('the forgot-password page answers the same for unknown details and is accessible', async ({ page }, testInfo) => {
  await page.goto('/inloggen');
  await page.getByRole('link', { name: 'Wachtwoord vergeten?' }).click();
  await expect(page.getByRole('heading', { name: 'Wachtwoord vergeten' })).toBeVisible();
  await page.getByRole('button', { name: 'Link versturen' }).click();
  await expect(page.locator('#forgot-username-error')).toHaveText('Vul uw gebruikersnaam in.');
  await expect(page.locator('#forgot-email-error')).toHaveText('Vul uw e-mailadres in.');
  await expectAccessible(page);
  await page.getByLabel('Gebruikersnaam').fill('niemand');
  await page.getByLabel('E-mailadres').fill('niemand@example.org');
  await page.getByRole('button', { name: 'Link versturen' }).click();
  await expect(page.getByRole('status')).toContainText('Als de gebruikersnaam en het e-mailadres kloppen');
  await expectAccessible(page);
  await snapshot(page, testInfo, 'forgot-sent');
});

test('an unknown or old reset link says so and offers a new one', async ({ page }, testInfo) => {
  await page.goto('/wachtwoord-herstellen?token=oud-of-verzonnen');
  await expect(page.getByRole('alert')).toContainText('Deze link werkt niet meer');
  await expect(page.getByRole('link', { name: 'Vraag een nieuwe link aan' })).toBeVisible();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'reset-invalid');
});

test('Profielinstellingen shows the password rules and where the user is logged in', async ({ page, demo }, testInfo) => {
  await login(page, demo.sandra);
  await expect(page).toHaveURL(/\/start/);
  await page.goto('/profiel');
  await expect(page.getByRole('heading', { name: 'Wachtwoord wijzigen' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Waar u bent ingelogd' })).toBeVisible();
  await expect(page.locator('.session-item .badge').first()).toHaveText('Dit apparaat');
  await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
  await expect(page.locator('#current-password-error')).toHaveText('Vul uw huidige wachtwoord in.');

  // A fixed-line number is refused with a plain reason; nothing is saved.
  const contact = page.getByRole('region', { name: 'Contactgegevens wijzigen' });
  await expect(contact.getByLabel('E-mailadres')).toHaveValue(demo.sandra.email);
  await contact.getByLabel('Mobiel nummer').fill('020-5551234');
  await contact.getByLabel('Huidig wachtwoord').fill(DEMO_PASSWORD);
  await contact.getByRole('button', { name: 'Contactgegevens opslaan' }).click();
  await expect(contact.locator('#contact-mobile-error')).toHaveText(/Dit is geen mobiel nummer/);
  await expectAccessible(page);
  await snapshot(page, testInfo, 'profile');
});

test('a new mobile number is saved only after the code sent to it is entered', async ({ page, demo }, testInfo) => {
  onPhoneOnly(testInfo);
  await login(page, demo.fatima);
  await expect(page).toHaveURL(/\/start/);
  await page.goto('/profiel');
  const contact = page.getByRole('region', { name: 'Contactgegevens wijzigen' });
  // Her number with other last digits, typed the Dutch way (06-…).
  const newNumber = `${demo.fatima.mobile.slice(0, -2)}90`;
  demo.fatima.numbers.push(newNumber);
  await contact.getByLabel('Mobiel nummer').fill(`0${newNumber.slice(3)}`);
  await contact.getByLabel('Huidig wachtwoord').fill(DEMO_PASSWORD);
  await contact.getByRole('button', { name: 'Contactgegevens opslaan' }).click();
  await expect(contact.getByRole('heading', { name: 'Nieuw mobiel nummer bevestigen' })).toBeVisible();
  await expect(contact).toContainText('eindigt op •• ••• •• 90');
  await expect(contact.getByLabel('Verificatiecode')).toBeFocused();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'mobile-code');

  const code = latestCodeTo(newNumber);
  await contact.getByLabel('Verificatiecode').fill(code === '000000' ? '111111' : '000000');
  await contact.getByRole('button', { name: 'Nummer bevestigen' }).click();
  await expect(contact.locator('#mobile-code-error')).not.toBeEmpty();
  await contact.getByLabel('Verificatiecode').fill(code);
  await contact.getByRole('button', { name: 'Nummer bevestigen' }).click();
  await expect(contact.getByRole('status').first()).toHaveText('Uw nieuwe mobiele nummer is opgeslagen.');
  await expect(contact.getByLabel('Mobiel nummer')).toHaveValue(newNumber);
  await page.reload();
  await expect(page.getByRole('region', { name: 'Contactgegevens wijzigen' }).getByLabel('Mobiel nummer')).toHaveValue(newNumber);
});

test('after an idle logout the same user logs in again and finds the unsaved input back', async ({ page, demo }, testInfo) => {
  onPhoneOnly(testInfo);
  await page.clock.install();
  await login(page, demo.sandra);
  await expect(page).toHaveURL(/\/start/);
  await page.goto('/profiel');
  const email = page.getByRole('region', { name: 'Contactgegevens wijzigen' }).getByLabel('E-mailadres');
  await email.fill('sandra.nieuw@example.nl');

  // Two minutes before the organisation's 30 minutes the portal warns; then it logs out.
  await page.clock.fastForward('28:30');
  await expect(page.getByRole('dialog')).toContainText('Wilt u ingelogd blijven?');
  await page.clock.fastForward('02:00');
  await expect(page).toHaveURL(/\/inloggen\?terug=/);
  await expect(page.getByRole('status')).toContainText('omdat u een tijd niets heeft gedaan');
  await loginHere(page, demo.sandra);
  await expect(page).toHaveURL(/\/profiel/);
  await expect(page.getByRole('region', { name: 'Contactgegevens wijzigen' }).getByLabel('E-mailadres'))
    .toHaveValue('sandra.nieuw@example.nl');

  // A normal logout forgets it.
  await clickLogout(page);
  await page.getByRole('button', { name: 'Ja, uitloggen' }).click();
  await expect(page).toHaveURL(/\/inloggen/);
  await loginHere(page, demo.sandra);
  await expect(page).toHaveURL(/\/start/);
  // In the same tab, without loading the page again (memory is where drafts live).
  await page.locator('.user-menu summary').click();
  await page.locator('.user-menu').getByRole('link').first().click();
  await expect(page).toHaveURL(/\/profiel/);
  await expect(page.getByRole('region', { name: 'Contactgegevens wijzigen' }).getByLabel('E-mailadres'))
    .toHaveValue(demo.sandra.email);
});

test('changing the password needs the current one and logs out the other device', async ({ browser, demo }, testInfo) => {
  onPhoneOnly(testInfo);
  const other = await browser.newPage();
  await login(other, demo.thomas);
  await expect(other).toHaveURL(/\/start/);

  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await login(page, demo.thomas);
  await expect(page).toHaveURL(/\/start/);
  await page.goto('/profiel');
  await expect(page.locator('.session-item')).toHaveCount(2);
  await page.getByRole('region', { name: 'Wachtwoord wijzigen' }).getByLabel('Huidig wachtwoord').fill('Verkeerd-1');
  await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill('Herfst-Wandeling-8');
  await page.getByLabel('Herhaal nieuw wachtwoord').fill('Herfst-Wandeling-8');
  await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
  await expect(page.getByRole('alert')).toContainText('Uw huidige wachtwoord klopt niet');

  await page.getByRole('region', { name: 'Wachtwoord wijzigen' }).getByLabel('Huidig wachtwoord').fill(DEMO_PASSWORD);
  await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill('Herfst-Wandeling-8');
  await page.getByLabel('Herhaal nieuw wachtwoord').fill('Herfst-Wandeling-8');
  await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Uw wachtwoord is gewijzigd' })).toBeVisible();
  await expect(page.locator('.session-item')).toHaveCount(1);

  // The other device is signed out at its next step.
  await other.reload();
  await expect(other).toHaveURL(/\/inloggen/);
  await context.close();
  await other.close();
});

test('a new device asks for the SMS code; a wrong code is explained; a remembered device skips it', async ({ page, demo }, testInfo) => {
  const { latestCode } = require('./helpers');
  await page.goto('/inloggen');
  await page.getByLabel('Gebruikersnaam').fill(demo.daan.username);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await expect(page.getByRole('heading', { name: 'Apparaat verificatie' })).toBeVisible();
  await expect(page.getByText('eindigt op •• ••• •• 05')).toBeVisible();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'verify');

  await page.getByLabel('Verificatiecode').fill('12');
  await page.getByRole('button', { name: 'Controleren' }).click();
  await expect(page.locator('#code-error')).toHaveText('Vul de 6 cijfers uit de sms in.');
  const code = latestCode(demo.daan);
  const wrongCode = String((Number(code) + 1) % 1000000).padStart(6, '0');
  await page.getByLabel('Verificatiecode').fill(wrongCode);
  await page.getByRole('button', { name: 'Controleren' }).click();
  await expect(page.locator('#code-error')).toContainText('Deze code klopt niet');

  await page.getByRole('button', { name: 'Geen code ontvangen?' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Wacht even' })).toBeVisible();

  await page.getByLabel('Verificatiecode').fill(code);
  await page.getByLabel(/Dit apparaat 7 dagen onthouden/).check();
  await page.getByRole('button', { name: 'Controleren' }).click();
  await expect(page).toHaveURL(/\/start$/);

  // Log out and in again: this browser is remembered, so no code this time.
  await clickLogout(page);
  await page.getByRole('dialog').getByRole('button', { name: 'Ja, uitloggen' }).click();
  await expect(page).toHaveURL(/\/inloggen$/);
  await page.getByLabel('Gebruikersnaam').fill(demo.daan.username);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await expect(page).toHaveURL(/\/start$/);

  // Profielinstellingen lists the remembered device; forgetting it brings the code back.
  await page.goto('/profiel');
  const devices = page.getByRole('region', { name: 'Onthouden apparaten' });
  await expect(devices.locator('.device-item')).toHaveCount(1);
  await expect(devices.locator('.badge')).toHaveText('Dit apparaat');
  await expectAccessible(page);
  await devices.getByRole('button', { name: 'Vergeten' }).click();
  await expect(devices.getByText('U heeft geen apparaten laten onthouden.')).toBeVisible();
});

test('after a long time without activity the user is warned, can stay, and is logged out otherwise', async ({ page, demo }, testInfo) => {
  await page.clock.install();
  await login(page, demo.marieke);
  await expect(page).toHaveURL(/\/start$/);
  const warning = page.getByRole('dialog', { name: /Over 2 minuten wordt u uitgelogd/ });
  await expect(warning).toBeHidden();

  await page.clock.fastForward('28:30');
  await expect(warning).toBeVisible();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'idle-warning');
  await warning.getByRole('button', { name: 'Ingelogd blijven' }).click();
  await expect(warning).toBeHidden();

  await page.clock.fastForward('31:00');
  await expect(page).toHaveURL(/\/inloggen\?terug=\/start/);
  await expect(page.getByRole('status')).toContainText('omdat u een tijd niets heeft gedaan');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Inloggen' })).toBeVisible();
});

test('the authenticator app is set up with a QR code and then replaces the SMS code', async ({ page, demo }, testInfo) => {
  onPhoneOnly(testInfo);
  await login(page, demo.beheer);
  await expect(page).toHaveURL(/\/start$/);
  await page.goto('/profiel');
  const section = page.getByRole('region', { name: 'Authenticator-app' });
  await section.getByRole('button', { name: 'Authenticator-app instellen' }).click();
  await section.getByLabel('Uw wachtwoord').fill('Verkeerd-1');
  await section.getByRole('button', { name: 'Doorgaan' }).click();
  await expect(section.getByRole('alert')).toContainText('Uw huidige wachtwoord klopt niet');
  await section.getByLabel('Uw wachtwoord').fill(DEMO_PASSWORD);
  await section.getByRole('button', { name: 'Doorgaan' }).click();
  await expect(section.getByRole('img', { name: 'QR-code voor de authenticator-app' })).toBeVisible();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'totp-setup');
  const secret = (await section.locator('.totp-secret').textContent()).trim();
  demo.beheer.totpSecret = secret;
  await section.getByLabel('Code uit de app').fill(totpNow(secret));
  await section.getByRole('button', { name: 'Code controleren' }).click();
  await expect(section.locator('.recovery-codes li')).toHaveCount(10);
  await expect(section.getByText('De authenticator-app staat aan.')).toBeVisible();

  // The next login on a new device asks for the app's code; no SMS, no resend button.
  await page.context().clearCookies();
  await page.goto('/inloggen');
  await page.getByLabel('Gebruikersnaam').fill(demo.beheer.username);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await expect(page.getByText('Vul de code van 6 cijfers uit uw authenticator-app in')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Geen code ontvangen?' })).toHaveCount(0);
  await expectAccessible(page);
  // The code used to set the app up is spent; the app's next code works.
  await page.getByLabel('Verificatiecode').fill(totpNow(secret, 1));
  await page.getByRole('button', { name: 'Controleren' }).click();
  await expect(page).toHaveURL(/\/start$/);

  // Turning it off needs the password; the SMS code comes back.
  await page.goto('/profiel');
  const again = page.getByRole('region', { name: 'Authenticator-app' });
  await again.getByLabel('Uw wachtwoord').fill(DEMO_PASSWORD);
  await again.getByRole('button', { name: 'Authenticator-app uitzetten' }).click();
  await expect(again.getByText('De authenticator-app staat uit. U krijgt weer een sms-code.')).toBeVisible();
  demo.beheer.totpSecret = null;
});

test('an account without a second factor sets up a mobile number before anything else', async ({ browser, demo }, testInfo) => {
  onPhoneOnly(testInfo);
  // A care worker the ECD created without a mobile number, given a temporary password.
  const id = unique(testInfo, 'MW');
  const email = `${id.toLowerCase()}@example.nl`;
  const [status] = await ecd('PUT', `/api/integration/care-workers/${id}`, {
    first_name: 'Nadia', last_name: 'Veldhuis', email,
  }, demo.ecdKey());
  expect([200, 201]).toContain(status);
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const admin = await context.newPage();
  await login(admin, demo.beheer);
  await expect(admin).toHaveURL(/\/start/);
  await admin.goto('/beheer/gebruikers');
  const users = admin.getByRole('region', { name: 'Gebruikers' });
  await users.getByLabel('Zoek op naam, gebruikersnaam of e-mailadres').fill(email);
  await users.getByRole('button', { name: 'Zoeken' }).click();
  await expect(users.locator('.admin-user')).toHaveCount(1);
  const row = users.locator('.admin-user', { hasText: 'Nadia Veldhuis' });
  await row.getByRole('button', { name: 'Tijdelijk wachtwoord sturen' }).click();
  await row.getByRole('button', { name: 'Ja, versturen' }).click();
  const mail = await waitForMail(email);
  const username = mail.match(/Gebruikersnaam: (\S+)/)[1];
  const temporary = mail.match(/\b[A-Z][a-z]{3}\d-[A-Z][a-z]{3}\d-[a-z]{4}\d\b/)[0];

  // The care worker on her own phone: a browser of her own, not the administrator's.
  const own = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await own.newPage();
  await login(page, { username, numbers: [] }, temporary);
  await expect(page.getByRole('heading', { name: 'Extra beveiliging instellen' })).toBeVisible();
  await expectAccessible(page);
  await snapshot(page, testInfo, 'second-factor-setup');
  await page.getByLabel('Mobiel nummer').fill('020-5551234');
  await page.getByRole('button', { name: 'Code sturen' }).click();
  await expect(page.locator('#second-factor-mobile-error')).toHaveText(/geen mobiel nummer/);
  await page.getByLabel('Mobiel nummer').fill('06-2345 6790');
  await page.getByRole('button', { name: 'Code sturen' }).click();
  await expect(page.getByRole('heading', { name: 'Apparaat verificatie' })).toBeVisible();
  await page.locator('#code').fill(latestCodeTo('+31623456790'));
  await page.locator('.login-card form button[type="submit"]').click();
  await expect(page.getByRole('heading', { name: 'Kies een nieuw wachtwoord' })).toBeVisible();
  await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill('Regenboog-Fiets-9');
  await page.getByLabel('Herhaal nieuw wachtwoord').fill('Regenboog-Fiets-9');
  await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
  await expect(page).toHaveURL(/\/start$/);
  await own.close();
  await context.close();
});
