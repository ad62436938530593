"""Runs schemathesis against every operation of openapi/openapi.json on a fresh Kring server with
demo data, signed in, and fails on any finding (`--checks all`): a 5xx, a status or content type
the document does not list, a body that breaks its schema, valid input refused, bad input
accepted, auth that is ignored.

    python3 scripts/api_fuzz.py --bin target/debug/kring [--examples N]

Each identity fuzzes the operations it can reach, once with generated ids and once with ids
that exist in the demo data:
  - a family member who is portal administrator (Marieke): the portal, contacts, dossier
  - the organisation administrator (Ingrid): Beheer
  - a service-account API key: the integration API
  - Marieke again for the operations that re-authenticate (change password, contact details,
    authenticator app) or end sessions, and then signing in without a token: last, because
    wrong passwords block her account.
What may answer what is in scripts/schemathesis.toml. The per-IP sign-in throttle is raised for
this server so the sign-in operations are exercised, not only answered 429.
"""

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "Kring-Demo-2026"

# Operations that re-authenticate or end the caller's own sessions: fuzzed near the end.
# (Logging out is fuzzed without a token with the other sign-in operations: with a token, its
# first success would end the session the rest of that run needs.)
CREDENTIAL_OPERATIONS = r"^/api/(me/password|me/contact.*|me/totp/.*|me/sessions/\{id\})$"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(base, method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, method=method, data=data)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req) as response:
        text = response.read()
        return json.loads(text) if text else None


def newest_code(outbox, seen):
    """The 6-digit code of the newest SMS in the outbox that was not there before."""
    for _ in range(50):
        fresh = sorted(name for name in os.listdir(outbox) if "-sms-" in name and name not in seen)
        if fresh:
            with open(os.path.join(outbox, fresh[-1]), encoding="utf-8") as message:
                return re.search(r"\b(\d{6})\b", message.read()).group(1)
        time.sleep(0.1)
    raise SystemExit("no SMS code arrived in the outbox")


def sign_in(base, outbox, username):
    seen = set(os.listdir(outbox)) if os.path.isdir(outbox) else set()
    answer = request(base, "POST", "/api/auth/login", {"username": username, "password": PASSWORD})
    if answer.get("status") == "verification_required":
        code = newest_code(outbox, seen)
        answer = request(
            base, "POST", "/api/auth/verify", {"attempt_token": answer["attempt_token"], "code": code}
        )
    if answer.get("status") != "authenticated":
        raise SystemExit(f"{username} could not sign in: {answer}")
    return answer["access_token"]


def first_id(rows, key="id"):
    if not rows:
        raise SystemExit("the demo data has no row to fuzz with")
    return rows[0][key]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="the kring binary")
    parser.add_argument("--spec", default=os.path.join(ROOT, "openapi", "openapi.json"))
    parser.add_argument("--examples", type=int, default=40, help="test cases per operation and phase")
    parser.add_argument("--seed", type=int, default=20261129, help="schemathesis' random seed")
    parser.add_argument("--st", default=os.path.join(os.path.dirname(sys.executable), "st"))
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="kring-fuzz-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        KRING_DATA_DIR=data_dir,
        KRING_LISTEN=f"127.0.0.1:{port}",
        KRING_DEV_OUTBOX="true",
        KRING_AUTH_REQUESTS_PER_MINUTE="100000",
        KRING_ACCESS_TOKEN_MINUTES="120",
        KRING_LOG_FORMAT="json",
    )
    env.pop("KRING_DATABASE_URL", None)
    subprocess.run([args.bin, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    api_key = subprocess.run(
        [args.bin, "integrator", "create", "--organisation", "demo", "--name", "schemathesis"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]

    log = open(os.path.join(data_dir, "server.log"), "w")
    server = subprocess.Popen([args.bin, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz").read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("the server did not start")

        outbox = os.path.join(data_dir, "outbox")
        marieke = sign_in(base, outbox, "marieke")
        beheer = sign_in(base, outbox, "beheer")
        me = request(base, "GET", "/api/me", token=marieke)
        client_id = me["clients"][0]["client"]["id"]
        contacts = request(base, "GET", f"/api/clients/{client_id}/contacts", token=marieke)
        workers = request(base, "GET", "/api/admin/care-workers", token=beheer)
        # Known ids, so the fuzzer also reaches the handlers' rules and not only their 404s.
        # Every identity runs once with generated ids and once with these.
        others = [c for c in contacts if not c["is_primary_contact"]]
        if len(others) < 2:
            raise SystemExit("the demo client needs two contacts besides the primary one")
        family_ids = {
            "path.client_id": client_id,
            # Not the primary contact (Marieke herself), so the rules about her stay reachable.
            "path.contact_id": others[0]["id"],
        }
        # Removing gets a contact of its own: its first success would otherwise leave the
        # invitation and permission operations only a 404 to answer.
        family_overrides = {
            "DELETE /api/clients/{client_id}/contacts/{contact_id}": {"path.contact_id": others[1]["id"]},
        }
        admin_ids = {
            "path.client_id": client_id,
            "path.care_worker_id": first_id(workers),
            "path.user_id": first_id(workers),
        }
        ecd_ids = {"path.client_id": "ECD-1001", "path.care_worker_id": "MW-2003"}

        portal = ["--exclude-tag", "integration", "--exclude-tag", "admin", "--exclude-tag", "auth",
                  "--exclude-path-regex", CREDENTIAL_OPERATIONS]
        runs = [
            ("family member (Marieke)", marieke, portal, {}, {}),
            ("family member (Marieke), her client's ids", marieke, portal, family_ids, family_overrides),
            ("organisation administrator (Ingrid)", beheer, ["--include-tag", "admin"], {}, {}),
            ("organisation administrator (Ingrid), known ids", beheer, ["--include-tag", "admin"], admin_ids, {}),
            ("service account", api_key, ["--include-tag", "integration"], {}, {}),
            ("service account, the ECD's ids", api_key, ["--include-tag", "integration"], ecd_ids, {}),
            # These two last: wrong passwords block Marieke's account and end her sessions.
            ("re-authentication (Marieke)", marieke, ["--include-path-regex", CREDENTIAL_OPERATIONS], {}, {}),
            ("signing in", None, ["--include-tag", "auth"], {}, {}),
        ]
        with open(os.path.join(ROOT, "scripts", "schemathesis.toml"), encoding="utf-8") as handle:
            base_config = handle.read()
        failed = []
        for number, (title, token, selection, parameters, overrides) in enumerate(runs, start=1):
            print(f"\n[fuzz] === {number}/{len(runs)}: {title} ===", file=sys.stderr, flush=True)
            config = os.path.join(data_dir, f"schemathesis-{number}.toml")
            with open(config, "w", encoding="utf-8") as handle:
                handle.write(base_config)
                for name, values in overrides.items():
                    handle.write(f'\n[[operations]]\ninclude-name = "{name}"\n')
                    handle.write("parameters = { " + ", ".join(f'"{k}" = "{v}"' for k, v in values.items()) + " }\n")
                if parameters:
                    handle.write("\n[parameters]\n")
                    for key, value in parameters.items():
                        handle.write(f'"{key}" = "{value}"\n')
            command = [
                args.st, "--config-file", config, "run", args.spec,
                "--url", base,
                "--checks", "all",
                "--max-examples", str(args.examples),
                "--workers", "1",
                "--seed", str(args.seed),
                "--generation-database", "none",
                "--no-color",
                *selection,
            ]
            if token:
                command += ["--header", f"Authorization: Bearer {token}"]
            if subprocess.run(command, cwd=data_dir).returncode != 0:
                failed.append(title)
        if failed:
            print(f"\n[fuzz] FAILED: {', '.join(failed)} (server log: {data_dir}/server.log)", file=sys.stderr)
            return 1
        print("\n[fuzz] schemathesis found nothing", file=sys.stderr)
        return 0
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
