// The ECD's side of the browser tests: calls to the integration API with an API key of the
// test's own demo copy (`demo.ecdKey()`, made with `kring integrator create` as an operator
// would; see fixtures.js).

function baseURL() {
  return `http://127.0.0.1:${Number(process.env.KRING_E2E_PORT || 18181)}`;
}

// Calls the integration API as the ECD; returns [status, body].
async function ecd(method, apiPath, body, key) {
  if (!key) throw new Error('ecd() needs the API key of the test\'s demo copy: demo.ecdKey()');
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

module.exports = { ecd, unique };
