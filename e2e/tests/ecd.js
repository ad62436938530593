// The ECD's side of the browser tests: an API key made with `kring integrator create` (the
// command an operator would use) on the server's own database, and calls to the integration
// API with it.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

function keyFile() {
  return path.join(process.env.KRING_E2E_DATA_DIR, 'e2e-ecd-key.txt');
}

// One key for the whole run, shared by the workers through the data dir.
function ecdKey() {
  const file = keyFile();
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const bin = process.env.KRING_BIN || path.join(__dirname, '..', '..', 'target', 'debug', 'kring');
  const key = execFileSync(bin, ['integrator', 'create', '--organisation', 'demo', '--name', 'ECD (e2e)'], {
    env: { ...process.env, KRING_DATA_DIR: process.env.KRING_E2E_DATA_DIR, KRING_DATABASE_URL: '', RUST_LOG: 'error' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
  fs.writeFileSync(file, key);
  return key;
}

function baseURL() {
  return `http://127.0.0.1:${Number(process.env.KRING_E2E_PORT || 18181)}`;
}

// Calls the integration API as the ECD; returns [status, body].
async function ecd(method, apiPath, body, key = ecdKey()) {
  const response = await fetch(`${baseURL()}${apiPath}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return [response.status, text ? JSON.parse(text) : null];
}

// A unique id for this run and project, so projects running side by side do not collide.
function unique(testInfo, label) {
  return `${label}-${testInfo.project.name}-${Date.now()}`;
}

module.exports = { ecdKey, ecd, unique };
