// The family portal's first load, as a phone gets it: index.html and every asset it loads
// (js, wasm, css, icon), each with `Accept-Encoding: br`, counted as sent over the wire.
// Later features must fit in the budget; it moves only in a commit of its own that says why.
const { test, expect } = require('./fixtures');

// KB (1024 bytes) as served with brotli. The goal of issue 13 is 250 KB. The staff tools are a
// bundle of their own, and the pages no longer watch actions with effects (348 → 341 KB); what
// is left is Leptos' own weight, which trunk cannot split per route. Until it is split, the limit
// holds the line a little above what ships now, so nothing grows it unnoticed.
// 350 → 390 with the agenda (issue 14): its pages, form and start panel add 45 KB (after
// i18n.tr took 6.5 KB off the whole app). A bundle of its own would keep them off the first
// load but turn every move between Start and the agenda into a full page load; per-route
// splitting (wasm-split) is the way to get both — see the closing note.
// 390 → 445 with Gegevens and the Prikbord (issue 15): six tabs, the pinboard with its composer,
// photo viewer, replies and emoji, and the profile's sharing choices add 55 KB. Issue 13 stays
// open: this is the debt per-route splitting has to pay back.
// 445 → 500 with Berichten (issue 16): the conversation list with search and archive, the new
// message form (recipients with absences, the answer-time notice, attachments), a conversation
// with read receipts and answers, the Start panel, the envelope in the info bar and the e-mail
// choice in the profile add 55 KB (441 → 496 KB). The care worker's inbox is in the staff
// bundle. Per-route splitting (issue 13) would take all of Berichten off the first load.
const FAMILY_FIRST_LOAD_BUDGET_KB = 500;

async function served(request, path) {
  const response = await request.get(path, { headers: { 'Accept-Encoding': 'br' } });
  expect(response.status(), path).toBe(200);
  const length = Number(response.headers()['content-length']);
  return {
    path,
    encoding: response.headers()['content-encoding'] || 'identity',
    vary: response.headers()['vary'] || '',
    bytes: Number.isFinite(length) && length > 0 ? length : (await response.body()).length,
    text: path === '/' ? await response.text() : null,
  };
}

test('the family portal first load fits its budget and is sent compressed', async ({ request }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one measurement is enough');
  const page = await served(request, '/');
  const assets = [...page.text.matchAll(/(?:href|src)="(\/[^"]+\.(?:js|wasm|css|svg))"/g)].map((m) => m[1]);
  expect(assets.some((a) => a.endsWith('.wasm')), 'index.html preloads the wasm').toBe(true);
  const files = [page];
  for (const asset of new Set(assets)) files.push(await served(request, asset));
  for (const file of files.slice(1)) {
    if (file.path.endsWith('.wasm') || file.path.endsWith('.js') || file.path.endsWith('.css')) {
      expect(file.encoding, `${file.path} is sent as brotli`).toBe('br');
      expect(file.vary.toLowerCase(), `${file.path} varies by encoding`).toContain('accept-encoding');
    }
  }
  const total = files.reduce((sum, file) => sum + file.bytes, 0);
  for (const file of files) console.log(`[budget] ${file.path} ${(file.bytes / 1024).toFixed(1)} KB (${file.encoding})`);
  console.log(`[budget] family portal first load: ${(total / 1024).toFixed(1)} KB brotli (limit ${FAMILY_FIRST_LOAD_BUDGET_KB} KB)`);
  expect(total / 1024).toBeLessThanOrEqual(FAMILY_FIRST_LOAD_BUDGET_KB);
});

test('a browser without brotli gets gzip, and one without either gets the file itself', async ({ request }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one measurement is enough');
  const index = await (await request.get('/')).text();
  const wasm = index.match(/href="(\/[^"]+\.wasm)"/)[1];
  const gzip = await request.get(wasm, { headers: { 'Accept-Encoding': 'gzip' } });
  expect(gzip.headers()['content-encoding']).toBe('gzip');
  expect(gzip.headers()['content-type']).toBe('application/wasm');
  const plain = await request.get(wasm, { headers: { 'Accept-Encoding': 'identity' } });
  expect(plain.headers()['content-encoding']).toBeUndefined();
  const body = await plain.body();
  // The WebAssembly magic number: the plain file, not a compressed one labelled as plain.
  expect([...body.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]);
});
