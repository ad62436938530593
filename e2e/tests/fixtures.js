// Every test that signs in gets its own copy of the demo organisation (`kring demo --copy`):
// the same people, clients and dossiers under their own usernames and mobile numbers. A test
// may change passwords, numbers, settings or networks without another test noticing, so tests
// run in any order and in parallel.
//
//   test('…', async ({ page, demo }) => { await login(page, demo.marieke); … });
//
// `demo.marieke` is { username, mobile, numbers, email, totpSecret }: `numbers` are the mobile
// numbers whose SMS codes belong to the person (a test that changes the number adds to it), and
// `totpSecret` is set by a test that turns on the authenticator app.
const base = require('@playwright/test');
const { execFileSync } = require('child_process');
const path = require('path');

function kring(args) {
  const bin = process.env.KRING_BIN || path.join(__dirname, '..', '..', 'target', 'debug', 'kring');
  return execFileSync(bin, args, {
    env: { ...process.env, KRING_DATA_DIR: process.env.KRING_E2E_DATA_DIR, KRING_DATABASE_URL: '', RUST_LOG: 'error' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

// A new copy of the demo. The command takes the first free copy number from the one asked
// for, so parallel workers never share a copy; starting at a random one keeps that quick.
function newDemoCopy() {
  const start = 1 + Math.floor(Math.random() * 9000);
  const copy = JSON.parse(kring(['demo', '--copy', String(start)]));
  const demo = { organisation: copy.organisation, password: copy.password };
  for (const [name, person] of Object.entries(copy.people)) {
    demo[name] = {
      username: person.username,
      mobile: person.mobile,
      numbers: [person.mobile],
      email: `${person.username}@demo.kring.nl`,
      totpSecret: null,
    };
  }
  let key = null;
  // An integration key of this copy's organisation, made as an operator would.
  demo.ecdKey = () => {
    key = key || kring(['integrator', 'create', '--organisation', copy.organisation, '--name', 'ECD (e2e)']);
    return key;
  };
  return demo;
}

const test = base.test.extend({
  // eslint-disable-next-line no-empty-pattern
  demo: async ({}, use) => {
    await use(newDemoCopy());
  },
});

module.exports = { test, expect: base.expect };
