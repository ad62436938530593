// Reads the mail the test SMTP server (aiosmtpd) stored, and finds links in it.
const fs = require('fs');
const path = require('path');

function decodePart(headers, body) {
  if (/content-transfer-encoding:\s*base64/i.test(headers)) {
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  if (/content-transfer-encoding:\s*quoted-printable/i.test(headers)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

// The text/plain part of a raw MIME message.
function plainText(raw) {
  const boundary = (raw.match(/boundary="?([^";\r\n]+)"?/i) || [])[1];
  const parts = boundary ? raw.split(`--${boundary}`) : [raw];
  for (const part of parts) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const headers = part.slice(0, split);
    if (boundary && !/content-type:\s*text\/plain/i.test(headers)) continue;
    return decodePart(headers, part.slice(split).trim());
  }
  return '';
}

// Waits for a mail to `address` and returns its plain text.
async function waitForMail(address, { timeout = 15000 } = {}) {
  const folder = path.join(process.env.KRING_E2E_MAILDIR, 'new');
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const files = fs.existsSync(folder) ? fs.readdirSync(folder) : [];
    for (const file of files) {
      const raw = fs.readFileSync(path.join(folder, file), 'utf8');
      const to = (raw.match(/^To:.*$/im) || [''])[0];
      if (to.toLowerCase().includes(address.toLowerCase())) return plainText(raw);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no mail to ${address} arrived`);
}

function linkIn(text, pathPart) {
  const match = text.match(new RegExp(`https?://\\S*${pathPart}\\S*`));
  if (!match) throw new Error(`no ${pathPart} link in:\n${text}`);
  return match[0];
}

module.exports = { waitForMail, linkIn };
