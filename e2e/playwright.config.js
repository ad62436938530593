// Kring's browser tests: real Chromium (Debian's, never a downloaded one) against `kring serve`
// with demo data, at phone, tablet and desktop sizes.
const { defineConfig } = require('@playwright/test');

const os = require('os');
const path = require('path');

const port = Number(process.env.KRING_E2E_PORT || 18181);
const baseURL = `http://127.0.0.1:${port}`;
// Where the test SMTP server stores mail; the tests read it (see tests/mail.js).
process.env.KRING_E2E_MAILDIR = process.env.KRING_E2E_MAILDIR || path.join(os.tmpdir(), `kring-e2e-mail-${port}`);
// The server's data dir: the tests read SMS codes from its outbox.
process.env.KRING_E2E_DATA_DIR = process.env.KRING_E2E_DATA_DIR || path.join(os.tmpdir(), `kring-e2e-data-${port}`);

module.exports = defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  // Each test has its own demo copy (tests/fixtures.js), so tests run in any order.
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL,
    // A Dutch browser, as most users have (date fields read dd-mm-jjjj).
    locale: 'nl-NL',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'phone', use: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true } },
    { name: 'tablet', use: { viewport: { width: 768, height: 1024 }, hasTouch: true } },
    { name: 'desktop', use: { viewport: { width: 1280, height: 800 } } },
  ],
  webServer: {
    command: 'bash ./start-server.sh',
    url: `${baseURL}/readyz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      KRING_E2E_PORT: String(port),
      KRING_E2E_MAILDIR: process.env.KRING_E2E_MAILDIR,
      KRING_E2E_DATA_DIR: process.env.KRING_E2E_DATA_DIR,
    },
  },
});
