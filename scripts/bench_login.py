"""Prints an access token for a demo person on a running bench server: the password, then the
SMS code from the outbox in KRING_DATA_DIR (the bench has no SMS provider). With --cookie it
prints the refresh cookie instead (`kring_refresh=…`), for a browser that opens a signed-in page.
   python3 scripts/bench_login.py BASE_URL USERNAME [--cookie]"""

import json
import os
import re
import sys
import urllib.request


COOKIES = []


def post(base, path, body):
    request = urllib.request.Request(base + path, method="POST", data=json.dumps(body).encode())
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request) as response:
        COOKIES.extend(response.headers.get_all("Set-Cookie") or [])
        return json.loads(response.read())


def sign_in(base, username):
    answer = post(base, "/api/auth/login", {"username": username, "password": "Kring-Demo-2026"})
    if answer.get("status") == "verification_required":
        outbox = os.path.join(os.environ["KRING_DATA_DIR"], "outbox")
        newest = sorted(name for name in os.listdir(outbox) if "-sms-" in name)[-1]
        with open(os.path.join(outbox, newest), encoding="utf-8") as message:
            code = re.search(r"\b(\d{6})\b", message.read()).group(1)
        answer = post(base, "/api/auth/verify", {"attempt_token": answer["attempt_token"], "code": code})
    return answer["access_token"]


if __name__ == "__main__":
    token = sign_in(sys.argv[1], sys.argv[2])
    if "--cookie" in sys.argv[3:]:
        print(next(c.split(";")[0] for c in reversed(COOKIES) if c.startswith("kring_refresh=")))
    else:
        print(token)
