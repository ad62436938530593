// Gegevens and Prikbord: a contact posts text with two photos from a phone; another contact
// sees it appear without reloading, opens a photo, gives a heart and replies, and the first
// sees that live too; the client himself posts his mood; the Gegevens tabs show what the ECD
// sent, with "Kloppen de gegevens niet?"; sharing one's e-mail shows it under Contactpersonen.
const zlib = require('zlib');
const { test, expect } = require('./fixtures');
const { login, expectAccessible, snapshot } = require('./helpers');
const { unique } = require('./ecd');

// Flows with two people run once, at phone size (the size most people use); the pages are
// checked at every size.
const onPhoneOnly = (testInfo) => test.skip(testInfo.project.name !== 'phone', 'a flow; one size is enough');

// CRC-32 as PNG chunks need it.
function crc32(bytes) {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

// A small, valid RGB PNG: a soft gradient from `from` to `to`, so each test photo differs.
function png(width, height, from, to) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // RGB
  const rows = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0, then the pixels
    for (let x = 0; x < width; x += 1) {
      const t = x / (width - 1);
      for (let c = 0; c < 3; c += 1) row[1 + x * 3 + c] = Math.round(from[c] + (to[c] - from[c]) * t);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const photos = [
  { name: 'markt.png', mimeType: 'image/png', buffer: png(64, 48, [30, 120, 200], [250, 200, 60]) },
  { name: 'bloemen.png', mimeType: 'image/png', buffer: png(48, 64, [200, 40, 90], [60, 180, 90]) },
];

// Nothing is wider than the screen.
async function expectNoSidewaysScroll(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'the page scrolls sideways').toBeLessThanOrEqual(0);
}

// From the start screen to the Prikbord, once the Prikbord listens for changes. The start
// screen listens too, so the stream that counts is the one opened with a ticket asked for
// after the click: tickets are matched, not timings.
async function openPinboard(page) {
  const asked = new Set();
  const tickets = new Set();
  const opened = new Set();
  let clicking = false;
  const onRequest = (request) => {
    if (clicking && request.url().endsWith('/events/ticket')) asked.add(request);
  };
  const onResponse = async (response) => {
    const url = response.url();
    if (asked.has(response.request())) {
      const body = await response.json().catch(() => null);
      if (body) tickets.add(body.ticket);
    }
    const stream = url.match(/\/events\?ticket=([^&]+)/);
    if (stream) opened.add(decodeURIComponent(stream[1]));
  };
  page.on('request', onRequest);
  page.on('response', onResponse);
  clicking = true;
  await page.locator('section.panel-details').getByRole('link', { name: 'Naar het prikbord' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Gegevens van / })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Prikbord', exact: true })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { level: 2, name: 'Berichten op het prikbord' })).toBeVisible();
  await expect.poll(() => [...opened].some((ticket) => tickets.has(ticket)), { message: 'the Prikbord listens' }).toBe(true);
  page.off('request', onRequest);
  page.off('response', onResponse);
}

test('a contact posts two photos from the phone; another reacts, and both see it live', async ({ page, browser, demo }, testInfo) => {
  onPhoneOnly(testInfo);
  const text = `Vandaag met mama naar de markt. ${unique(testInfo, 'p')}\nZe kocht bloemen.`;
  const firstLine = text.split('\n')[0];
  const reply = `Wat mooi! ${unique(testInfo, 'r')}`;

  // Sandra, mentor of Johanna (and of Gerrit), has the pinboard open in her own browser.
  const sandraContext = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const sandra = await sandraContext.newPage();
  await login(sandra, demo.sandra);
  await sandra.getByRole('button', { name: 'Johanna de Vries' }).click();
  await openPinboard(sandra);

  // Marieke posts from her phone.
  await login(page, demo.marieke);
  await openPinboard(page);
  // Only the client has a mood to choose.
  await expect(page.getByRole('group', { name: 'Hoe voelt u zich?' })).toHaveCount(0);
  await page.getByLabel('Uw bericht', { exact: true }).fill(text);
  await page.getByLabel("Foto's toevoegen").setInputFiles(photos);
  const chosen = page.getByRole('list', { name: "Gekozen foto's" });
  await expect(chosen.locator('img.photo-thumb')).toHaveCount(2);
  await expect(chosen.getByRole('button', { name: /^Weghalen/ })).toHaveCount(2);
  await expectAccessible(page);
  await snapshot(page, testInfo, 'pinboard-composer');
  const post = page.getByRole('button', { name: 'Plaatsen' });
  await expect(post).toBeEnabled();
  await post.click();
  await expect(page.getByRole('status').filter({ hasText: 'Uw bericht staat op het prikbord.' })).toBeVisible();
  await expect(page.getByLabel('Uw bericht', { exact: true })).toHaveValue('');
  const mine = page.getByRole('article').filter({ hasText: firstLine });
  await expect(mine).toHaveCount(1);
  await expect(mine.getByRole('heading', { level: 3, name: 'Marieke de Vries' })).toBeVisible();
  await expect(mine.locator('.post-text').first()).toHaveText(text);
  await expect(mine.locator('img.photo-thumb')).toHaveCount(2);

  // Sandra sees it without reloading, photos and all.
  const seen = sandra.getByRole('article').filter({ hasText: firstLine });
  await expect(seen).toBeVisible({ timeout: 3000 });
  await expect(seen.locator('img.photo-thumb')).toHaveCount(2);
  await expect(seen.getByRole('button', { name: /^Foto 1 van 2, geplaatst door Marieke de Vries/ })).toBeVisible();

  // A photo opens large and closes again.
  await seen.getByRole('button', { name: /^Foto 2 van 2/ }).click();
  const viewer = sandra.getByRole('dialog', { name: 'Foto 2 van 2, geplaatst door Marieke de Vries' });
  await expect(viewer.locator('img.photo-large')).toBeVisible();
  await expectAccessible(sandra);
  await viewer.getByRole('button', { name: 'Sluiten' }).click();
  await expect(viewer).toBeHidden();

  // A heart, then a reply.
  const heart = seen.getByRole('button', { name: /^Hartje/ });
  await expect(heart).toHaveAccessibleName('Hartje, 0 keer gegeven');
  await expect(heart).toHaveAttribute('aria-pressed', 'false');
  await heart.click();
  await expect(heart).toHaveAttribute('aria-pressed', 'true');
  await expect(heart).toHaveAccessibleName('Hartje, 1 keer gegeven');
  await seen.getByLabel('Uw reactie').fill(reply);
  await seen.getByRole('button', { name: 'Reageren' }).click();
  await expect(seen.locator('.reply', { hasText: reply })).toBeVisible();
  await expect(seen.locator('.reply', { hasText: reply })).toContainText('Sandra Visser');
  await expectAccessible(sandra);
  await snapshot(sandra, testInfo, 'pinboard-reacted');

  // Marieke sees the heart and the reply without reloading.
  await expect(mine.getByRole('button', { name: 'Hartje, 1 keer gegeven' })).toBeVisible({ timeout: 3000 });
  await expect(mine.getByRole('button', { name: 'Hartje, 1 keer gegeven' })).toHaveAttribute('aria-pressed', 'false');
  await expect(mine.locator('.reply', { hasText: reply })).toBeVisible({ timeout: 3000 });
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
  await snapshot(page, testInfo, 'pinboard-live');

  // Deleting asks first; the reply is gone for both.
  await mine.locator('.reply', { hasText: reply }).getByRole('button', { name: 'Reactie verwijderen' }).click();
  const question = page.getByRole('dialog', { name: 'Reactie verwijderen?' });
  await expect(question).toBeVisible();
  await question.getByRole('button', { name: 'Ja, verwijderen' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'De reactie is verwijderd.' })).toBeVisible();
  await expect(mine.locator('.reply', { hasText: reply })).toHaveCount(0);
  await expect(seen.locator('.reply', { hasText: reply })).toHaveCount(0, { timeout: 3000 });

  // Sandra was told under Meldingen, which leads to the pinboard.
  await sandra.goto('/meldingen');
  const notice = sandra.locator('.notification', { hasText: 'Nieuw bericht op het prikbord van Johanna de Vries' }).first();
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('Van Marieke de Vries');
  await notice.getByRole('button', { name: 'Bekijk het prikbord' }).click();
  await expect(sandra.getByRole('article').filter({ hasText: firstLine })).toBeVisible();

  // The start panel shows the newest post with its first photo.
  await page.getByRole('link', { name: 'Start', exact: true }).click();
  const panel = page.locator('section.panel-details');
  await expect(panel).toContainText(firstLine);
  await expect(panel.locator('img.latest-post-photo')).toBeVisible();
  await expect(panel.getByText('+1 foto')).toBeVisible();
  await expectAccessible(page);
  await sandraContext.close();
});

test('the client shares how he feels with a smiley', async ({ page, demo }, testInfo) => {
  await login(page, demo.daan);
  await openPinboard(page);
  const mood = page.getByRole('group', { name: 'Hoe voelt u zich?' });
  await expect(mood.getByRole('button')).toHaveCount(5);
  for (const label of ['Heel blij', 'Blij', 'Gaat wel', 'Verdrietig', 'Heel verdrietig']) {
    await expect(mood.getByRole('button', { name: label, exact: true })).toHaveAttribute('aria-pressed', 'false');
  }
  await mood.getByRole('button', { name: 'Heel blij', exact: true }).click();
  await expect(mood.getByRole('button', { name: 'Heel blij', exact: true })).toHaveAttribute('aria-pressed', 'true');
  const text = `Lekker gewandeld in het bos. ${unique(testInfo, 'm')}`;
  await page.getByLabel('Uw bericht', { exact: true }).fill(text);
  await expectAccessible(page);
  await snapshot(page, testInfo, 'pinboard-mood');
  await page.getByRole('button', { name: 'Plaatsen' }).click();
  const post = page.getByRole('article').filter({ hasText: text });
  await expect(post).toBeVisible();
  await expect(post.locator('.post-mood')).toHaveText(/Stemming: Heel blij/);
  await expect(post.locator('.mood-face')).toHaveText('😄');
  await expect(mood.getByRole('button', { name: 'Heel blij', exact: true })).toHaveAttribute('aria-pressed', 'false');
  await expectNoSidewaysScroll(page);

  // The start panel Gegevens shows it, face and words.
  await page.getByRole('link', { name: 'Start', exact: true }).click();
  const panel = page.locator('section.panel-details');
  await expect(panel).toContainText(text);
  await expect(panel).toContainText('Stemming: Heel blij');
  await expect(panel.getByRole('link', { name: 'Naar de gegevens' })).toBeVisible();
  await expectAccessible(page);
});

test('Gegevens shows what the ECD sent, tab by tab, and what people share', async ({ page, demo }, testInfo) => {
  await login(page, demo.marieke);
  await page.locator('section.panel-details').getByRole('link', { name: 'Naar de gegevens' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Gegevens van Johanna de Vries' })).toBeVisible();
  const tabs = page.getByRole('navigation', { name: 'Onderdelen van Gegevens' });
  await expect(tabs.getByRole('link', { name: 'Cliëntgegevens' })).toHaveAttribute('aria-current', 'page');

  // Cliëntgegevens.
  const client = page.getByRole('region', { name: 'Cliëntgegevens' });
  await expect(client.getByText(/Lindelaan \d+/)).toBeVisible();
  await expect(client.getByText('3511 AB Utrecht')).toBeVisible();
  await expect(client.getByRole('link', { name: '030 111 22 33' })).toHaveAttribute('href', 'tel:0301112233');
  await expect(client.getByText('12 april 1938')).toBeVisible();
  await expect(page.getByText('Kloppen de gegevens niet? Vertel het de zorg.')).toBeVisible();
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
  await snapshot(page, testInfo, 'details-client');

  // Huisarts en apotheek.
  await tabs.getByRole('link', { name: 'Huisarts en apotheek' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Huisarts', exact: true })).toBeVisible();
  await expect(page.getByText('Huisartsenpraktijk De Linde')).toBeVisible();
  await expect(page.getByText('Apotheek De Linde')).toBeVisible();
  await expectAccessible(page);

  // Verzekeringen.
  await tabs.getByRole('link', { name: 'Verzekeringen' }).click();
  await expect(page.getByText('Zilveren Kruis')).toBeVisible();
  await expect(page.getByText('Kloppen de gegevens niet? Vertel het de zorg.')).toBeVisible();
  await expectAccessible(page);

  // Zorgteam, each with their care role.
  await tabs.getByRole('link', { name: 'Zorgteam' }).click();
  const team = page.getByRole('region', { name: 'Zorgteam' });
  await expect(team.getByText('EVV (eerst verantwoordelijke verzorgende)')).toBeVisible();
  await expect(team.getByText('Persoonlijk begeleider')).toBeVisible();
  await expect(team.getByText('Zorgkundige')).toBeVisible();
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);

  // Contactpersonen: nobody shares an e-mail address until they choose to.
  await tabs.getByRole('link', { name: 'Contactpersonen' }).click();
  const me = page.locator('.person-card', { hasText: 'Marieke de Vries' });
  await expect(me.getByText('Eerste contactpersoon')).toBeVisible();
  await expect(me.getByText('Zoon of dochter')).toBeVisible();
  await expect(page.locator('.person-card', { hasText: 'Sandra Visser' }).getByText('Mentor')).toBeVisible();
  await expect(page.getByRole('link', { name: demo.marieke.email })).toHaveCount(0);
  await expectAccessible(page);
  await snapshot(page, testInfo, 'details-contacts');

  // Marieke shares hers in Profielinstellingen; then it is there, as a mail link.
  await page.goto('/profiel');
  const share = page.getByLabel('Deel mijn e-mailadres en mobiele nummer met het netwerk');
  await expect(share).not.toBeChecked();
  await expect(page.getByLabel('Melding bij een nieuw bericht op het prikbord van Johanna de Vries')).toBeChecked();
  await share.check();
  await expect(page.getByRole('status').filter({ hasText: 'Het netwerk ziet nu uw e-mailadres en mobiele nummer.' })).toBeVisible();
  await expectAccessible(page);
  await page.goto('/gegevens/contactpersonen');
  await expect(page.locator('.person-card', { hasText: 'Marieke de Vries' }).getByRole('link', { name: demo.marieke.email }))
    .toHaveAttribute('href', `mailto:${demo.marieke.email}`);

  // The Prikbord tab is a page of its own.
  await page.getByRole('navigation', { name: 'Onderdelen van Gegevens' }).getByRole('link', { name: 'Prikbord' }).click();
  await expect(page).toHaveURL(/\/gegevens\/prikbord$/);
  await expect(page.getByRole('heading', { level: 2, name: 'Berichten op het prikbord' })).toBeVisible();
  await expect(page.getByRole('article').first()).toBeVisible();
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
  await snapshot(page, testInfo, 'details-pinboard');
});

test('a contact without Gegevens is told so instead of seeing the pinboard', async ({ page, demo }) => {
  await login(page, demo.pieter);
  await page.goto('/gegevens/prikbord');
  await expect(page.getByRole('heading', { level: 1, name: 'Gegevens' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText('U heeft geen toegang tot de gegevens van deze cliënt.');
  await expect(page.getByLabel('Uw bericht', { exact: true })).toHaveCount(0);
  await expectAccessible(page);
});
