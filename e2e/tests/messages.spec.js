// Berichten: a care worker on holiday says so; a daughter writes to her brother, the whole care
// team and that care worker, and is told before sending that she is away, how soon care answers
// and that Berichten are not for emergencies; another care worker finds it unread in the team
// inbox and answers; the daughter sees the answer and "Gelezen door" without reloading, and her
// brother reads it too. The list and a conversation read well at every size; a mentor without
// Berichten is told so; a message without anyone to send it to is refused in plain Dutch.
const { test, expect } = require('./fixtures');
const { login, expectAccessible, snapshot, visiblePanels } = require('./helpers');
const { unique } = require('./ecd');

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

// Nothing is wider than the screen. Measured against the screen's own width: a phone browser
// widens its layout to fit a too-wide page (and window.innerWidth with it), which would hide it.
// A soft check: a page that is too wide fails the test, and the steps after it still run.
async function expectNoSidewaysScroll(page) {
  const width = page.viewportSize().width;
  const overflow = await page.evaluate((screen) => document.documentElement.scrollWidth - screen, width);
  expect.soft(overflow, `${new URL(page.url()).pathname} scrolls sideways`).toBeLessThanOrEqual(0);
}

// The day `days` after today in Amsterdam: as a date field takes it (YYYY-MM-DD), and in
// words as Berichten says it ("12 december", with the year when it is not this year's).
function dayFromToday(days) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());
  const [year, month, day] = today.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day + days, 12));
  const options = { day: 'numeric', month: 'long', timeZone: 'UTC' };
  if (date.getUTCFullYear() !== year) options.year = 'numeric';
  return { iso: date.toISOString().slice(0, 10), words: new Intl.DateTimeFormat('nl-NL', options).format(date) };
}

// Does `action` (a click that opens a page) and waits until that page listens for changes:
// the start screen listens too, so the stream that counts is the one opened with a ticket asked
// for after the click. Tickets are matched, not timings.
async function untilListening(page, action) {
  const asked = new Set();
  const tickets = new Set();
  const opened = new Set();
  const onRequest = (request) => {
    if (request.url().endsWith('/events/ticket')) asked.add(request);
  };
  const onResponse = async (response) => {
    if (asked.has(response.request())) {
      const body = await response.json().catch(() => null);
      if (body) tickets.add(body.ticket);
    }
    const stream = response.url().match(/\/events\?ticket=([^&]+)/);
    if (stream) opened.add(decodeURIComponent(stream[1]));
  };
  page.on('request', onRequest);
  page.on('response', onResponse);
  await action();
  await expect.poll(() => [...opened].some((ticket) => tickets.has(ticket)), { message: 'the page listens' }).toBe(true);
  page.off('request', onRequest);
  page.off('response', onResponse);
}

// The info bar's Berichten link (an envelope below 1024 px; its name keeps the word and count).
function messagesLink(page) {
  return page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: /^Berichten/ });
}

test('a daughter writes to her brother and the care team; care answers and she sees it live', async ({ page, browser, demo }, testInfo) => {
  // Four people sign in, each with an SMS code: more than the usual 30 seconds on two cores.
  test.setTimeout(60_000);
  onPhoneOnly(testInfo);
  const subject = `Wandeling zaterdag ${unique(testInfo, 's')}`;
  const text = 'Mag moeder zaterdag mee naar het park?\nIk haal haar om twee uur op.';
  const answer = `Dat kan. We zorgen dat ze om twee uur klaar zit. ${unique(testInfo, 'a')}`;
  const until = dayFromToday(12);

  // Fatima, EVV in Johanna's care team, goes on holiday: from today for twelve days.
  const fatimaContext = await browser.newContext(PHONE);
  const fatima = await fatimaContext.newPage();
  await login(fatima, demo.fatima);
  await expect(fatima.getByRole('heading', { level: 1, name: 'Uw cliënten' })).toBeVisible();
  await fatima.getByRole('link', { name: 'Afwezigheid', exact: true }).click();
  await expect(fatima.getByRole('heading', { level: 1, name: 'Afwezigheid' })).toBeVisible();
  await expect(fatima.getByRole('navigation', { name: 'Menu voor de zorg' }).getByRole('link', { name: 'Afwezigheid' }))
    .toHaveAttribute('aria-current', 'page');
  await fatima.getByLabel('Eerste dag').fill(dayFromToday(0).iso);
  await fatima.getByLabel('Laatste dag').fill(until.iso);
  await fatima.getByLabel('Notitie (mag leeg blijven)').fill('Vakantie');
  await fatima.getByRole('button', { name: 'Opslaan' }).click();
  await expect(fatima.getByRole('status').filter({ hasText: 'Uw afwezigheid is opgeslagen.' })).toBeVisible();
  const away = fatima.getByRole('region', { name: 'U bent afwezig' });
  await expect(away).toContainText('Notitie: Vakantie');
  await expect(away.getByRole('button', { name: 'Ik ben weer aan het werk' })).toBeVisible();
  await expectAccessible(fatima);
  await expectNoSidewaysScroll(fatima);
  await snapshot(fatima, testInfo, 'care-absence');
  await fatimaContext.close();

  // Marieke, on her phone, goes from the start screen's Berichten panel to Nieuw bericht.
  await login(page, demo.marieke);
  const panel = page.locator('section.panel-messages');
  await expect(panel.getByRole('heading', { level: 2, name: 'Berichten' })).toBeVisible();
  await panel.getByRole('link', { name: 'Naar de berichten' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Berichten' })).toBeVisible();
  await page.getByRole('link', { name: 'Nieuw bericht' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Nieuw bericht' })).toBeVisible();

  // Whom to: her brother, the whole care team, and Fatima herself. Before sending she reads,
  // right by Fatima's name, that Fatima is away and the team gets it too.
  const to = page.getByRole('group', { name: 'Aan wie stuurt u dit bericht?' });
  const fatimaBox = to.getByRole('checkbox', { name: /^Fatima El Amrani/ });
  const awayText = new RegExp(`^Fatima is afwezig (van .+ )?tot en met ${until.words} — uw bericht gaat ook naar het team\\.`);
  await expect(page.locator('.recipient-absence')).toHaveCount(1);
  await expect(page.locator('.recipient-absence p').first()).toHaveText(awayText);
  await expect(page.locator('.recipient-absence')).toContainText('Vakantie');
  await expect(fatimaBox).toHaveAccessibleDescription(awayText);
  // Nothing goes to care yet, so no answer time.
  await expect(page.getByText('Berichten zijn niet voor spoed.', { exact: false })).toHaveCount(0);
  await to.getByRole('group', { name: 'Netwerk' }).getByRole('checkbox', { name: /^Pieter de Vries/ }).check();
  await to.getByRole('checkbox', { name: 'Het hele zorgteam' }).check();
  await fatimaBox.check();
  // Something for care: how soon it answers, and that Berichten are not for emergencies.
  const careNotice = page.locator('.care-notice');
  await expect(careNotice).toContainText('De zorg antwoordt binnen 2 werkdagen.');
  await expect(careNotice).toContainText('Is het dringend? Bel dan de afdeling. Berichten zijn niet voor spoed.');
  await page.getByLabel('Onderwerp').fill(subject);
  await page.getByLabel('Uw bericht', { exact: true }).fill(text);
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
  await snapshot(page, testInfo, 'messages-new');

  // Sending opens the conversation, which then listens for answers.
  const send = page.getByRole('button', { name: 'Versturen' });
  await expect(send).toBeEnabled();
  await untilListening(page, () => send.click());
  await expect(page).toHaveURL(/\/berichten\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1, name: subject })).toBeVisible();
  // (Both joined at the same moment, so either may come first.)
  await expect(page.locator('p.thread-people').first())
    .toHaveText(/^Met (Pieter de Vries, Fatima El Amrani|Fatima El Amrani, Pieter de Vries) en het zorgteam$/);
  const mine = page.getByRole('article', { name: 'Marieke de Vries' });
  await expect(mine).toHaveCount(1);
  await expect(mine.locator('.post-text')).toHaveText(text);
  await expect(mine.locator('.thread-read')).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Antwoorden' }).locator('.care-notice')).toBeVisible();
  // A mark that only a reload would wipe.
  await page.evaluate(() => { window.notReloaded = true; });

  // Lotte, in the same care team, finds it unread in the team inbox on her phone.
  const lotteContext = await browser.newContext(PHONE);
  const lotte = await lotteContext.newPage();
  await login(lotte, demo.lotte);
  // Her Start page links to her inbox (so does the envelope in the info bar).
  await lotte.locator('#inhoud').getByRole('link', { name: 'Berichten', exact: true }).click();
  await expect(lotte.getByRole('heading', { level: 1, name: 'Berichten' })).toBeVisible();
  const boxes = lotte.getByRole('navigation', { name: 'Postvakken' });
  await expect(boxes.getByRole('link', { name: /^Aan mij/ })).toHaveAttribute('aria-current', 'page');
  await expect(boxes.getByRole('link', { name: /^Team/ })).toHaveAccessibleName('Team (1 ongelezen)');
  await boxes.getByRole('link', { name: /^Team/ }).click();
  await expect(boxes.getByRole('link', { name: /^Team/ })).toHaveAttribute('aria-current', 'page');
  const row = lotte.locator('a.conversation', { hasText: subject });
  await expect(row).toHaveClass(/conversation-unread/);
  await expect(row.locator('.conversation-client')).toHaveText('Johanna de Vries');
  await expect(row.locator('.badge')).toHaveText('1 ongelezen');
  await expect(row).toContainText('Aan het zorgteam');
  await expect(row.locator('.conversation-preview')).toContainText('Marieke: Mag moeder zaterdag mee naar het park?');
  // Unread stands out: in bold, unlike the read "Nieuwe bril" below it.
  const weight = (locator) => locator.evaluate((node) => Number(getComputedStyle(node).fontWeight));
  expect(await weight(row.locator('.conversation-subject'))).toBeGreaterThanOrEqual(700);
  const read = lotte.locator('a.conversation', { hasText: 'Nieuwe bril' });
  await expect(read).not.toHaveClass(/conversation-unread/);
  expect(await weight(read.locator('.conversation-subject'))).toBeLessThan(700);
  await expectAccessible(lotte);
  await expectNoSidewaysScroll(lotte);
  await snapshot(lotte, testInfo, 'care-team-inbox');

  // She opens it and answers everyone.
  await row.click();
  await expect(lotte).toHaveURL(/\/zorg\/gesprek\/[0-9a-f-]{36}\/[0-9a-f-]{36}\?van=team$/);
  await expect(lotte.getByRole('heading', { level: 1, name: subject })).toBeVisible();
  await expect(lotte.getByText('Over Johanna de Vries')).toBeVisible();
  await expect(lotte.getByRole('link', { name: 'Terug naar Berichten' })).toHaveAttribute('href', '/zorg/team');
  const question = lotte.getByRole('article', { name: 'Marieke de Vries' });
  await expect(question.locator('.post-text')).toHaveText(text);
  await lotte.getByLabel('Uw antwoord').fill(answer);
  await expect(lotte.getByRole('button', { name: 'Versturen' })).toBeEnabled();
  await lotte.getByRole('button', { name: 'Versturen' }).click();
  // She is told it went (a soft check: what follows is still checked without it).
  await expect.soft(lotte.getByRole('status').filter({ hasText: 'Uw antwoord is verstuurd.' })).toBeVisible({ timeout: 3000 });
  const sent = lotte.getByRole('article', { name: /^Lotte de Jong/ });
  await expect(sent.locator('.post-text')).toHaveText(answer);
  await expect(sent.locator('.tag')).toHaveText('U');
  await expect(lotte.getByLabel('Uw antwoord')).toHaveValue('');
  await expectAccessible(lotte);
  await expectNoSidewaysScroll(lotte);
  await snapshot(lotte, testInfo, 'care-conversation');
  await lotteContext.close();

  // Marieke sees the answer appear, and that Lotte read her message, without reloading.
  const reply = page.getByRole('article', { name: 'Lotte de Jong' });
  await expect(reply.locator('.post-text')).toHaveText(answer, { timeout: 5000 });
  await expect(reply.locator('.post-meta')).toContainText('Zorgkundige');
  await expect(mine.locator('.thread-read')).toHaveText(/^Gelezen door Lotte de Jong op .+ om \d{1,2}:\d{2}$/);
  expect(await page.evaluate(() => window.notReloaded), 'the page was not reloaded').toBe(true);
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
  await snapshot(page, testInfo, 'messages-conversation-live');

  // Pieter, on his own phone, sees two unread messages in the info bar and opens them.
  const pieterContext = await browser.newContext(PHONE);
  const pieter = await pieterContext.newPage();
  await login(pieter, demo.pieter);
  await expect(messagesLink(pieter)).toHaveAccessibleName('Berichten (2 ongelezen berichten)');
  await messagesLink(pieter).click();
  await expect(pieter.getByRole('heading', { level: 1, name: 'Berichten' })).toBeVisible();
  await pieter.getByRole('link', { name: new RegExp(`^${subject} ?\\(2 ongelezen berichten\\)$`) }).click();
  await expect(pieter.getByRole('heading', { level: 1, name: subject })).toBeVisible();
  await expect(pieter.getByRole('article', { name: 'Marieke de Vries' }).locator('.post-text')).toHaveText(text);
  await expect(pieter.getByRole('article', { name: 'Lotte de Jong' }).locator('.post-text')).toHaveText(answer);
  // Read now: the count in the info bar goes.
  await expect(messagesLink(pieter)).toHaveAccessibleName('Berichten');
  await pieterContext.close();
});

test('the Berichten list and a conversation read well', async ({ page, demo }, testInfo) => {
  // Marieke has one unread message, from her brother.
  await login(page, demo.marieke);
  await expect(messagesLink(page)).toHaveAccessibleName('Berichten (1 ongelezen bericht)');
  const panel = page.locator('section.panel-messages');
  await expect(panel.locator('.badge')).toHaveText('1 ongelezen');
  await expect(panel).toContainText('Verjaardag van mama');
  await messagesLink(page).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Berichten' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Inbox of archief' }).getByRole('link', { name: 'Inbox' }))
    .toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('link', { name: 'Nieuw bericht' })).toBeVisible();

  // Newest first; the unread one says so, the one with care carries the tag Zorg.
  const threads = page.locator('.thread-list > li');
  await expect(threads).toHaveCount(2);
  await expect(threads.nth(0).getByRole('heading', { level: 2 })).toHaveText(/^Verjaardag van mama/);
  await expect(threads.nth(0)).toHaveClass(/thread-unread/);
  await expect(threads.nth(0).getByRole('link')).toHaveAccessibleName(/^Verjaardag van mama ?\(1 ongelezen bericht\)$/);
  await expect(threads.nth(0).locator('.thread-people')).toHaveText('Met Pieter de Vries');
  await expect(threads.nth(0).locator('.thread-preview')).toHaveText('Pieter: Goed idee. Ik kom om drie uur en neem bloemen mee.');
  await expect(threads.nth(1).getByRole('link')).toHaveAccessibleName('Nieuwe bril');
  await expect(threads.nth(1).locator('.thread-people')).toHaveText('Met Lotte de Jong en het zorgteam Zorg');
  await expect(threads.nth(1).locator('.thread-preview')).toHaveText('Lotte: Dat regelen we. De opticien komt donderdag op de afdeling.');
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
  await snapshot(page, testInfo, 'messages-list');

  // Opening the family conversation reads it: the info bar's count goes.
  await threads.nth(0).getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Verjaardag van mama' })).toBeVisible();
  await expect(page.getByRole('article')).toHaveCount(2);
  await expect(page.getByRole('article', { name: 'Pieter de Vries' })).toContainText('Zoon of dochter');
  await expect(page.getByRole('article', { name: 'Pieter de Vries' }).locator('.post-text'))
    .toHaveText('Goed idee. Ik kom om drie uur en neem bloemen mee.');
  await expect(messagesLink(page)).toHaveAccessibleName('Berichten');
  // Without care in it there is no answer time to promise.
  await expect(page.getByRole('region', { name: 'Antwoorden' })).toBeVisible();
  await expect(page.locator('.care-notice')).toHaveCount(0);
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
  await snapshot(page, testInfo, 'messages-conversation');

  // The one with care: who of the team read her question, and the answer time by the answer form.
  await page.getByRole('link', { name: 'Terug naar Berichten' }).click();
  await page.getByRole('link', { name: 'Nieuwe bril' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Nieuwe bril' })).toBeVisible();
  await expect(page.getByRole('article', { name: 'Marieke de Vries' }).locator('.thread-read'))
    .toHaveText(/^Gelezen door Lotte de Jong op .+ om \d{1,2}:\d{2}$/);
  await expect(page.getByRole('region', { name: 'Antwoorden' }).locator('.care-notice'))
    .toContainText('Berichten zijn niet voor spoed.');
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
});

test('a mentor without Berichten for this client is told so', async ({ page, demo }, testInfo) => {
  // Sandra is mentor of Johanna (Dossier and Gegevens) and of Gerrit (Berichten too).
  await login(page, demo.sandra);
  await page.getByRole('button', { name: 'Johanna de Vries' }).click();
  const panels = await visiblePanels(page);
  expect(panels).not.toContain('messages');
  await expect(page.getByRole('link', { name: 'Naar de berichten' })).toHaveCount(0);

  // Berichten in the info bar is there for Gerrit; for Johanna it says why there is nothing.
  await messagesLink(page).click();
  await expect(page).toHaveURL(/\/berichten$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Berichten' })).toBeVisible();
  await expect(page.getByText('U kunt hier geen berichten lezen of sturen. Berichten staat voor u niet aan.')).toBeVisible();
  await expect(page.getByText('Wilt u dit wel? Vraag het aan de portaalbeheerder.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Nieuw bericht' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Terug naar Start' }).first()).toBeVisible();
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
  await snapshot(page, testInfo, 'messages-no-access');

  // Typing the address of a new message loads the app afresh, with no client chosen: it asks
  // her to choose one first and shows no form.
  await page.goto('/berichten/nieuw');
  await expect(page.getByText('Kies eerst een cliënt op de startpagina.')).toBeVisible();
  await expect(page.getByLabel('Onderwerp')).toHaveCount(0);
  await expectAccessible(page);
});

test('a message to nobody is refused in plain Dutch and nothing is stored', async ({ page, demo }, testInfo) => {
  const subject = `Zonder ontvanger ${unique(testInfo, 'n')}`;
  await login(page, demo.marieke);
  await page.locator('section.panel-messages').getByRole('link', { name: 'Naar de berichten' }).click();
  await page.getByRole('link', { name: 'Nieuw bericht' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Nieuw bericht' })).toBeVisible();
  const posted = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && /\/conversations$/.test(request.url())) posted.push(request);
  });

  // Subject and text, but nobody ticked: the page says so and puts her at the first name.
  await page.getByLabel('Onderwerp').fill(subject);
  await page.getByLabel('Uw bericht', { exact: true }).fill('Is er iemand?');
  const send = page.getByRole('button', { name: 'Versturen' });
  await expect(send).toBeEnabled();
  await send.click();
  await expect(page.getByRole('alert').filter({ hasText: 'Kies aan wie u het bericht stuurt.' })).toBeVisible();
  await expect(page.locator('#recipients-error')).toHaveText('Kies aan wie u het bericht stuurt.');
  await expect(page.getByRole('checkbox', { name: /^Pieter de Vries/ })).toBeFocused();
  await expect(page).toHaveURL(/\/berichten\/nieuw$/);
  expect(posted, 'nothing was sent').toHaveLength(0);
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
  await snapshot(page, testInfo, 'messages-no-recipient');

  // The server judges too: the same message with its recipients taken out on the way is
  // refused with the same words.
  await page.route(/\/api\/clients\/[0-9a-f-]{36}\/conversations$/, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    const body = JSON.parse(route.request().postData());
    return route.continue({ postData: JSON.stringify({ ...body, people: [], care_team: false }) });
  });
  await page.getByRole('checkbox', { name: /^Pieter de Vries/ }).check();
  const refused = page.waitForResponse((response) => response.request().method() === 'POST' && /\/conversations$/.test(response.url()));
  await send.click();
  expect((await refused).status()).toBe(422);
  await expect(page.getByRole('alert').filter({ hasText: 'Kies aan wie u het bericht stuurt.' })).toBeVisible();
  await expect(page).toHaveURL(/\/berichten\/nieuw$/);
  await page.unroute(/\/api\/clients\/[0-9a-f-]{36}\/conversations$/);

  // Nothing was stored: the list has only the two conversations it had.
  await page.getByRole('link', { name: 'Terug naar Berichten' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Berichten' })).toBeVisible();
  await expect(page.locator('.thread-list > li')).toHaveCount(2);
  await expect(page.getByText(subject)).toHaveCount(0);
});
