#!/usr/bin/env python3
"""Crash test: an acknowledged write survives the server being killed, and an integration batch
is never half-applied.

    python3 scripts/crash_test.py --bin target/debug/kring [--postgres URL] [--seed N] [--keep]

It starts Kring on a fresh database with demo data (`kring demo`), makes an integration key
(`kring integrator create`) and starts `kring serve` on a free loopback port. Without
--postgres the database is SQLite in a temporary data dir; with --postgres URL (a role that may
CREATE DATABASE, e.g. postgres://kring:kring@127.0.0.1:5432/kring_test) it creates a database of
its own next to the one in URL and drops it at the end. Nothing outside its temporary dir and
that database is touched.

While several client threads write —
  - dossier notes about Johanna, as Marieke and as Sandra (both have the Dossier permission),
  - messages in the demo conversation "Verjaardag van mama", as Marieke and as Pieter, now and
    then a new conversation between them (each user stays under the 60-messages-an-hour limit),
  - integration batches of 10 to 25 reports for ECD-1001, each with ids and texts of its own
    (a batch is applied in one transaction),
— the server is killed with SIGKILL five times, each time at a random moment 0.5 to 3 s after it
became ready (after the writers started, the first time), and started again at once on the same
data. The writers keep going; a refused connection is no write, a write whose answer never
arrived (reset, timeout) may or may not be stored, and only a 2xx answer counts as acknowledged.
Tokens are kept across restarts (the signing key lives in the data dir); a 401 would make the
writer sign in again, and the summary says whether that happened.

After the fifth restart, everything is read back through the API (the dossier timeline for
notes and reports, the conversations for messages) and the run fails (exit 1) when
  - an acknowledged note, message, conversation or batch item is missing or differs,
  - a batch (acknowledged or not) is half there: some of its items stored, others not,
  - a conversation exists without its first message,
  - a kind of write was never acknowledged (then the test proved nothing).
It prints what was written and acknowledged per kind, what was in doubt and how much of that was
stored, the kills and restarts, and how long the server took to come back. The random choices
come from --seed (printed), so a run can be repeated. --keep leaves the temporary dir (server
log, SQLite database) and the PostgreSQL database in place for inspection. Standard library only.
"""

import argparse
import collections
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

PASSWORD = "Kring-Demo-2026"
KILLS = 5
# Random delay, after the server became ready, before it is killed.
KILL_AFTER = (0.5, 3.0)
# How long the writers go on after the last restart before everything is read back.
TAIL_SECONDS = 1.5
# The server allows 60 messages (new conversations and answers) per user per hour and counts
# every attempt that reaches it; stay below that.
MESSAGE_BUDGET = 55
MESSAGE_PAUSE = 0.3
READY_TIMEOUT = 60.0
REQUEST_TIMEOUT = 15.0


def log(text):
    print(f"[crash] {text}", file=sys.stderr, flush=True)


class Failure(Exception):
    """The setup or the run went wrong in a way that is not about lost data."""


# --- HTTP --------------------------------------------------------------------------------------


class Unreachable(Exception):
    """No answer. `refused`: the connection was refused, so the request never reached a server
    (nothing can have been written); otherwise the outcome is unknown."""

    def __init__(self, refused, reason):
        super().__init__(reason)
        self.refused = refused


def call(port, method, path, body=None, token=None, timeout=REQUEST_TIMEOUT):
    """One request on a new connection: (status, parsed JSON body or None)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = "Bearer " + token
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        raw = response.read()
    except ConnectionRefusedError as error:
        raise Unreachable(True, str(error)) from None
    except (OSError, http.client.HTTPException) as error:
        raise Unreachable(False, f"{type(error).__name__}: {error}") from None
    finally:
        connection.close()
    parsed = None
    if raw:
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw.decode("utf-8", "replace")
    return response.status, parsed


def query(path, **params):
    """`path` with the parameters that are set, URL-encoded."""
    given = {key: value for key, value in params.items() if value is not None}
    return path + ("?" + urllib.parse.urlencode(given) if given else "")


# --- the server --------------------------------------------------------------------------------


class Server:
    """`kring serve` on one data dir and port, killed and started again."""

    def __init__(self, binary, env, cwd, port, log_path):
        self.binary, self.env, self.cwd, self.port = binary, env, cwd, port
        self.log_path = log_path
        self.process = None
        self.starts = 0

    def start(self):
        """Starts the server and waits until /readyz answers 200; the seconds that took."""
        began = time.monotonic()
        with open(self.log_path, "a", encoding="utf-8") as log_file:
            log_file.write(f"\n===== start {self.starts + 1} =====\n")
            log_file.flush()
            self.process = subprocess.Popen(
                [self.binary, "serve"], env=self.env, cwd=self.cwd,
                stdout=log_file, stderr=subprocess.STDOUT,
            )
        self.starts += 1
        while time.monotonic() - began < READY_TIMEOUT:
            if self.process.poll() is not None:
                raise Failure(f"the server exited with {self.process.returncode} while starting "
                              f"(start {self.starts}); see {self.log_path}:\n{self.log_tail()}")
            try:
                status, _ = call(self.port, "GET", "/readyz", timeout=2)
                if status == 200:
                    return time.monotonic() - began
            except Unreachable:
                pass
            time.sleep(0.02)
        raise Failure(f"the server was not ready within {READY_TIMEOUT:.0f} s (start {self.starts})")

    def kill(self):
        """SIGKILL, and reap the process."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as log_file:
                return "".join(log_file.readlines()[-lines:])
        except OSError:
            return ""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- signing in --------------------------------------------------------------------------------


class Accounts:
    """Signs demo people in (password, then the SMS code from the outbox in the data dir), one
    at a time so each code is the one just sent."""

    def __init__(self, port, outbox):
        self.port, self.outbox = port, outbox
        self.lock = threading.Lock()
        self.sign_ins = collections.Counter()

    def sign_in(self, username):
        with self.lock:
            seen = set(os.listdir(self.outbox)) if os.path.isdir(self.outbox) else set()
            status, answer = call(self.port, "POST", "/api/auth/login",
                                  {"username": username, "password": PASSWORD})
            if status != 200:
                raise Failure(f"{username} could not sign in: {status} {answer}")
            if answer.get("status") == "verification_required":
                code = self.new_code(seen)
                status, answer = call(self.port, "POST", "/api/auth/verify",
                                      {"attempt_token": answer["attempt_token"], "code": code})
                if status != 200:
                    raise Failure(f"{username}'s code was refused: {status} {answer}")
            if answer.get("status") != "authenticated":
                raise Failure(f"{username} could not sign in: {answer}")
            self.sign_ins[username] += 1
            return answer["access_token"]

    def new_code(self, seen):
        for _ in range(100):
            if os.path.isdir(self.outbox):
                fresh = sorted(n for n in os.listdir(self.outbox) if "-sms-" in n and n not in seen)
                if fresh:
                    with open(os.path.join(self.outbox, fresh[-1]), encoding="utf-8") as message:
                        return re.search(r"\b(\d{6})\b", message.read()).group(1)
            time.sleep(0.05)
        raise Failure("no SMS code arrived in the outbox")


class User:
    """A signed-in demo person. A 401 (the token did not survive) signs in again and repeats the
    request once: a 401 means nothing was written."""

    def __init__(self, accounts, username):
        self.accounts, self.username = accounts, username
        self.token = accounts.sign_in(username)

    def request(self, method, path, body=None):
        status, answer = call(self.accounts.port, method, path, body, self.token)
        if status == 401:
            self.token = self.accounts.sign_in(self.username)
            status, answer = call(self.accounts.port, method, path, body, self.token)
        return status, answer


# --- what was written --------------------------------------------------------------------------


class Ledger:
    """Every write sent, with its outcome. Thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.notes = []           # {text, by, state, id}
        self.messages = []        # {text, by, state, id}
        self.conversations = []   # {subject, text, by, state, id}
        self.batches = []         # {name, markers, state, ids}
        self.other = collections.Counter()   # (kind, status) -> count, for answers not 2xx
        self.first_problem = {}   # (kind, status) -> the first such answer's body
        self.ack_times = collections.defaultdict(list)  # kind -> monotonic times of 2xx answers
        self.crashed = []         # what stopped a writer thread early

    def add(self, records, record):
        with self.lock:
            records.append(record)

    def acked(self, kind, record, **fields):
        with self.lock:
            record.update(fields, state="acked")
            self.ack_times[kind].append(time.monotonic())

    def answered(self, kind, record, status, body):
        with self.lock:
            record["state"] = f"answered {status}"
            self.other[(kind, status)] += 1
            self.first_problem.setdefault((kind, status), body)


def send(ledger, kind, record, attempt):
    """Runs `attempt` (which returns (status, body)) for `record`, notes its outcome and returns
    (status, body); status is None when no answer came."""
    try:
        status, body = attempt()
    except Unreachable as error:
        with ledger.lock:
            record["state"] = "refused" if error.refused else "doubt"
            record["reason"] = str(error)
        return None, None
    if not 200 <= status < 300:
        ledger.answered(kind, record, status, body)
    return status, body


def guarded(ledger, target, arguments):
    """Runs a writer; what stops it early is kept for the main thread to report."""
    try:
        target(*arguments)
    except Exception as error:  # noqa: BLE001 - reported by the main thread
        with ledger.lock:
            ledger.crashed.append(f"{target.__name__}: {type(error).__name__}: {error}")


def note_writer(ledger, stop, user, client_id, run):
    number = 0
    while not stop.is_set():
        number += 1
        text = f"crash-{run} notitie {user.username} #{number}: vandaag even langs geweest."
        record = {"text": text, "by": user.username, "state": "sending"}
        ledger.add(ledger.notes, record)
        status, body = send(ledger, "note", record, lambda: user.request(
            "POST", f"/api/clients/{client_id}/dossier/notes", {"text": text}))
        if status == 201:
            ledger.acked("note", record, id=body["id"])
        elif status is None:
            time.sleep(0.05)
        else:
            time.sleep(0.2)


def message_writer(ledger, stop, user, client_id, conversation_id, partner_id, run):
    """Answers in the shared conversation; every sixth write starts a new conversation with
    `partner_id`. Stops at MESSAGE_BUDGET writes that reached the server, or at a 429."""
    number = 0
    reached = 0
    while not stop.is_set() and reached < MESSAGE_BUDGET:
        number += 1
        text = f"crash-{run} bericht {user.username} #{number}: ik kom zaterdag om twee uur."
        if number % 6 == 0:
            subject = f"crash-{run} gesprek {user.username} #{number}"
            record = {"subject": subject, "text": text, "by": user.username, "state": "sending"}
            kind, records = "conversation", ledger.conversations
            path = f"/api/clients/{client_id}/conversations"
            body = {"people": [partner_id], "subject": subject, "text": text}
        else:
            record = {"text": text, "by": user.username, "state": "sending"}
            kind, records = "message", ledger.messages
            path = f"/api/clients/{client_id}/conversations/{conversation_id}/messages"
            body = {"text": text}
        ledger.add(records, record)
        status, answer = send(ledger, kind, record, lambda: user.request("POST", path, body))
        if status is None and record["state"] == "refused":
            time.sleep(0.05)
            continue
        reached += 1
        if status == 201:
            if kind == "conversation":
                ledger.acked(kind, record, id=answer["summary"]["id"])
            else:
                ledger.acked(kind, record, id=answer["id"])
        elif status == 429:
            log(f"{user.username} reached the message limit after {reached} writes")
            return
        time.sleep(MESSAGE_PAUSE)


def batch_writer(ledger, stop, port, key, writer, run, rng):
    number = 0
    while not stop.is_set():
        number += 1
        size = rng.randint(10, 25)
        name = f"crash-{run}-w{writer}-b{number}"
        markers = [f"{name}-r{index}" for index in range(size)]
        now = time.time()
        items = []
        for index, marker in enumerate(markers):
            written = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                    time.gmtime(now - rng.randint(60, 30 * 24 * 3600)))
            items.append({
                "action": "upsert", "resource": "report", "client_id": "ECD-1001",
                "id": marker.upper(),
                "data": {"category": "Dagrapportage", "author": "Fatima El Amrani",
                         "written_at": written,
                         "text": f"{marker} Mevrouw heeft goed geslapen en met smaak ontbeten."},
            })
        record = {"name": name, "markers": markers, "state": "sending"}
        ledger.add(ledger.batches, record)
        status, answer = send(ledger, "batch", record, lambda: call(
            port, "POST", "/api/integration/batch", {"items": items}, key))
        if status == 200:
            if answer.get("failed") != 0:
                # Every item is valid: a failed item is a problem of its own, not a crash.
                with ledger.lock:
                    record["state"] = "answered 200 with failed items"
                    ledger.other[("batch", "200 with failed items")] += 1
                    ledger.first_problem.setdefault(("batch", "200 with failed items"), answer)
            else:
                ids = [result["outcome"]["id"] for result in answer["results"]]
                ledger.acked("batch", record, ids=ids)
        elif status is None:
            time.sleep(0.05)
        else:
            time.sleep(0.2)


# --- reading back ------------------------------------------------------------------------------


def get(user, path):
    status, answer = user.request("GET", path)
    if status != 200:
        raise Failure(f"GET {path} answered {status}: {answer}")
    return answer


def timeline(user, client_id, kind):
    """Every live entry of `kind`: id -> excerpt."""
    entries = {}
    cursor = None
    while True:
        page = get(user, query(f"/api/clients/{client_id}/dossier/timeline",
                               kind=kind, limit=100, cursor=cursor))
        for entry in page["entries"]:
            entries[entry["id"]] = entry["excerpt"]
        cursor = page.get("next_cursor")
        if not cursor:
            return entries


def conversation_messages(user, client_id, conversation_id):
    """The conversation's summary and all its messages (id -> text), or None when it is not
    there."""
    messages = {}
    before = None
    summary = None
    while True:
        status, answer = user.request(
            "GET", query(f"/api/clients/{client_id}/conversations/{conversation_id}", before=before))
        if status == 404:
            return None, None
        if status != 200:
            raise Failure(f"opening conversation {conversation_id} answered {status}: {answer}")
        summary = answer["summary"]
        for message in answer["messages"]:
            messages[message["id"]] = message["text"]
        before = answer.get("earlier_cursor")
        if not before:
            return summary, messages


def conversations(user, client_id):
    """Every conversation in the user's inbox: id -> subject."""
    found = {}
    cursor = None
    while True:
        page = get(user, query(f"/api/clients/{client_id}/conversations", limit=100, cursor=cursor))
        for summary in page["conversations"]:
            found[summary["id"]] = summary["subject"]
        cursor = page.get("next_cursor")
        if not cursor:
            return found


def verify(ledger, reader, client_id, conversation_id, run):
    """Reads everything back; (losses, stats)."""
    losses = []
    stats = {}

    # Notes: every acknowledged one with its text; how many of those in doubt were stored.
    notes = timeline(reader, client_id, "note")
    by_text = collections.Counter(notes.values())
    acked = [n for n in ledger.notes if n["state"] == "acked"]
    for note in acked:
        if note["id"] not in notes:
            losses.append(f"note {note['id']} ({note['text']!r}, by {note['by']}) was acknowledged "
                          "but is not in the timeline")
        elif notes[note["id"]] != note["text"]:
            losses.append(f"note {note['id']} reads {notes[note['id']]!r}, not {note['text']!r}")
    for text, count in by_text.items():
        if text.startswith(f"crash-{run} ") and count > 1:
            losses.append(f"the note {text!r} is stored {count} times")
    doubt = [n for n in ledger.notes if n["state"] == "doubt"]
    stats["note"] = (len(doubt), sum(1 for n in doubt if by_text[n["text"]]))
    for note in ledger.notes:
        if note["state"] == "refused" and by_text[note["text"]]:
            losses.append(f"the note {note['text']!r} is stored although its connection was refused")

    # Reports: every batch is all there or not at all; an acknowledged one with Kring's ids.
    reports = timeline(reader, client_id, "report")
    marker_ids = collections.defaultdict(list)
    for entry_id, excerpt in reports.items():
        marker = excerpt.split(" ", 1)[0]
        if marker.startswith(f"crash-{run}-"):
            marker_ids[marker].append(entry_id)
    half = 0
    doubt_batches = doubt_stored = 0
    for batch in ledger.batches:
        present = [m for m in batch["markers"] if m in marker_ids]
        for marker in present:
            if len(marker_ids[marker]) > 1:
                losses.append(f"report {marker} of batch {batch['name']} is stored "
                              f"{len(marker_ids[marker])} times")
        if batch["state"] == "acked":
            if len(present) != len(batch["markers"]):
                missing = [m for m in batch["markers"] if m not in marker_ids]
                losses.append(f"batch {batch['name']} was acknowledged but {len(missing)} of its "
                              f"{len(batch['markers'])} reports are missing: {', '.join(missing)}")
            for marker, entry_id in zip(batch["markers"], batch["ids"]):
                if marker in marker_ids and entry_id not in marker_ids[marker]:
                    losses.append(f"report {marker} has id {marker_ids[marker]}, the batch "
                                  f"answered {entry_id}")
        elif 0 < len(present) < len(batch["markers"]):
            half += 1
            losses.append(f"batch {batch['name']} ({batch['state']}) is half-applied: "
                          f"{len(present)} of its {len(batch['markers'])} reports are stored")
        if batch["state"] == "doubt":
            doubt_batches += 1
            doubt_stored += bool(present)
        if batch["state"] == "refused" and present:
            losses.append(f"batch {batch['name']} is stored although its connection was refused")
    stats["batch"] = (doubt_batches, doubt_stored)
    stats["half_applied"] = half
    stats["reports_stored"] = sum(len(ids) for ids in marker_ids.values())

    # Messages in the shared conversation.
    _, messages = conversation_messages(reader, client_id, conversation_id)
    if messages is None:
        raise Failure("the demo conversation is gone")
    message_texts = collections.Counter(messages.values())
    for message in ledger.messages:
        if message["state"] == "acked":
            if message["id"] not in messages:
                losses.append(f"message {message['id']} ({message['text']!r}, by {message['by']}) "
                              "was acknowledged but is not in the conversation")
            elif messages[message["id"]] != message["text"]:
                losses.append(f"message {message['id']} reads {messages[message['id']]!r}, not "
                              f"{message['text']!r}")
        if message_texts[message["text"]] > 1:
            losses.append(f"the message {message['text']!r} is stored "
                          f"{message_texts[message['text']]} times")
        if message["state"] == "refused" and message_texts[message["text"]]:
            losses.append(f"the message {message['text']!r} is stored although its connection "
                          "was refused")
    doubt = [m for m in ledger.messages if m["state"] == "doubt"]
    stats["message"] = (len(doubt), sum(1 for m in doubt if message_texts[m["text"]]))

    # New conversations: each one there is whole (its first message in it); every acknowledged
    # one is there.
    inbox = conversations(reader, client_id)
    sent = {c["subject"]: c for c in ledger.conversations}
    subjects = collections.Counter(inbox.values())
    for found_id, subject in inbox.items():
        if not subject.startswith(f"crash-{run} "):
            continue
        record = sent.get(subject)
        if record is None:
            losses.append(f"conversation {found_id} {subject!r} was never sent")
            continue
        if subjects[subject] > 1:
            losses.append(f"the conversation {subject!r} is stored {subjects[subject]} times")
        _, first = conversation_messages(reader, client_id, found_id)
        if not first or list(first.values()) != [record["text"]]:
            losses.append(f"conversation {found_id} {subject!r} is half-applied: its messages "
                          f"are {list((first or {}).values())!r}, not [{record['text']!r}]")
        if record["state"] == "refused":
            losses.append(f"the conversation {subject!r} is stored although its connection was "
                          "refused")
    for record in ledger.conversations:
        if record["state"] == "acked" and record["id"] not in inbox:
            losses.append(f"conversation {record['id']} {record['subject']!r} was acknowledged but "
                          "is not in Marieke's conversations")
        elif record["state"] == "acked" and inbox[record["id"]] != record["subject"]:
            losses.append(f"conversation {record['id']} is called {inbox[record['id']]!r}, not "
                          f"{record['subject']!r}")
    doubt = [c for c in ledger.conversations if c["state"] == "doubt"]
    stats["conversation"] = (len(doubt), sum(1 for c in doubt if subjects[c["subject"]]))
    return losses, stats


# --- PostgreSQL --------------------------------------------------------------------------------


def psql(url, sql):
    return subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-Atqc", sql],
                          capture_output=True, text=True)


def create_database(url):
    """A fresh database next to the one in `url`: (its URL, its name)."""
    name = f"kring_crash_{uuid.uuid4().hex[:12]}"
    done = psql(url, f'CREATE DATABASE "{name}"')
    if done.returncode != 0:
        raise Failure(f"could not create database {name}: {done.stderr.strip()}")
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name)), name


def drop_database(url, name):
    for _ in range(20):
        done = psql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if done.returncode == 0:
            return
        time.sleep(0.25)
    log(f"could not drop database {name}: {done.stderr.strip()}")


# --- the run -----------------------------------------------------------------------------------


def run_kring(binary, env, cwd, *arguments):
    done = subprocess.run([binary, *arguments], env=env, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise Failure(f"kring {' '.join(arguments)} failed ({done.returncode}):\n"
                      f"{done.stdout}{done.stderr}")
    return done.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", required=True, help="the kring binary")
    parser.add_argument("--postgres", help="run on PostgreSQL: a URL whose role may CREATE DATABASE")
    parser.add_argument("--seed", type=int, help="random seed (kill moments, batch sizes)")
    parser.add_argument("--port", type=int, default=0, help="port to serve on (default: a free one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary dir")
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    if not os.access(binary, os.X_OK):
        raise SystemExit(f"crash test: {binary} is not an executable")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 31)
    rng = random.Random(seed)
    run = uuid.uuid4().hex[:8]
    database = "PostgreSQL" if args.postgres else "SQLite"
    log(f"{database}, seed {seed} (repeat with --seed {seed})")

    temp = tempfile.mkdtemp(prefix="kring-crash-")
    data_dir = os.path.join(temp, "data")
    web_dir = os.path.join(temp, "web")
    os.makedirs(web_dir)
    with open(os.path.join(web_dir, "index.html"), "w", encoding="utf-8") as page:
        page.write("<!DOCTYPE html><title>Kring</title>\n")
    port = args.port or free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("KRING_")}
    env.update(
        KRING_DATA_DIR=data_dir,
        KRING_DATABASE_URL="",
        KRING_LISTEN=f"127.0.0.1:{port}",
        KRING_WEB_DIR=web_dir,
        # Signing in again after a restart must not run into the per-IP sign-in throttle.
        KRING_AUTH_REQUESTS_PER_MINUTE="100000",
        RUST_LOG="error",
    )
    pg_name = None
    server = None
    stop = threading.Event()
    threads = []
    failed = False
    try:
        if args.postgres:
            env["KRING_DATABASE_URL"], pg_name = create_database(args.postgres)
            log(f"database {pg_name}")
        # cwd is the temp dir, so no kring.toml of the checkout is read.
        run_kring(binary, env, temp, "demo")
        key = run_kring(binary, env, temp, "integrator", "create", "--organisation", "demo",
                        "--name", "crash").strip().splitlines()[-1]

        server = Server(binary, env, temp, port, os.path.join(temp, "server.log"))
        first_start = server.start()
        log(f"server ready on port {port} in {first_start:.2f} s")

        accounts = Accounts(port, os.path.join(data_dir, "outbox"))
        marieke = User(accounts, "marieke")
        sandra = User(accounts, "sandra")
        pieter = User(accounts, "pieter")
        me = get(marieke, "/api/me")
        johanna = next(c["client"]["id"] for c in me["clients"])
        inbox = conversations(marieke, johanna)
        family = next((cid for cid, subject in inbox.items() if subject == "Verjaardag van mama"),
                      None)
        if family is None:
            raise Failure("the demo conversation 'Verjaardag van mama' is missing")
        options = get(marieke, f"/api/clients/{johanna}/messages/recipients")
        pieter_id = next(r["person"]["user_id"] for r in options["network"]
                         if r["person"]["first_name"] == "Pieter")
        options = get(pieter, f"/api/clients/{johanna}/messages/recipients")
        marieke_id = next(r["person"]["user_id"] for r in options["network"]
                          if r["person"]["first_name"] == "Marieke")

        ledger = Ledger()
        writers = [
            (note_writer, (ledger, stop, marieke, johanna, run)),
            (note_writer, (ledger, stop, sandra, johanna, run)),
            (message_writer, (ledger, stop, marieke, johanna, family, pieter_id, run)),
            (message_writer, (ledger, stop, pieter, johanna, family, marieke_id, run)),
            (batch_writer, (ledger, stop, port, key, 1, run, random.Random(rng.random()))),
            (batch_writer, (ledger, stop, port, key, 2, run, random.Random(rng.random()))),
        ]
        for target, arguments in writers:
            thread = threading.Thread(target=guarded, args=(ledger, target, arguments), daemon=True)
            thread.start()
            threads.append(thread)

        began = time.monotonic()
        ready_at = began
        comebacks = []
        up_times = []
        for kill in range(1, KILLS + 1):
            delay = rng.uniform(*KILL_AFTER)
            time.sleep(max(0.0, ready_at + delay - time.monotonic()))
            if ledger.crashed:
                raise Failure(f"a writer stopped: {ledger.crashed[0]}")
            killed_at = time.monotonic()
            up_times.append(killed_at - ready_at)
            server.kill()
            server.start()
            ready_at = time.monotonic()
            comebacks.append(ready_at - killed_at)
            log(f"kill {kill}: after {up_times[-1]:.2f} s up; back in {comebacks[-1]:.2f} s")
        last_restart = ready_at
        time.sleep(TAIL_SECONDS)
        stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
        if any(thread.is_alive() for thread in threads):
            raise Failure("a writer did not stop")
        if ledger.crashed:
            raise Failure(f"a writer stopped: {ledger.crashed[0]}")
        writing = time.monotonic() - began

        # The tokens from before the kills should still work: the signing key is in the data dir.
        tokens_survived = all(accounts.sign_ins[name] == 1 for name in ("marieke", "sandra", "pieter"))
        losses, stats = verify(ledger, marieke, johanna, family, run)

        # Summary.
        print(f"\nCrash test on {database} (seed {seed}): {KILLS} kills with SIGKILL, "
              f"{server.starts - 1} restarts, {writing:.1f} s of writing")
        print(f"  server back (SIGKILL to /readyz 200): "
              + ", ".join(f"{c:.2f}" for c in comebacks)
              + f" s (max {max(comebacks):.2f}, mean {sum(comebacks) / len(comebacks):.2f}); "
              f"first start {first_start:.2f} s")
        print("  up before each kill: " + ", ".join(f"{u:.2f}" for u in up_times) + " s")
        rows = [
            ("dossier notes", "note", ledger.notes),
            ("messages", "message", ledger.messages),
            ("new conversations", "conversation", ledger.conversations),
            ("integration batches", "batch", ledger.batches),
        ]
        print(f"  {'kind':<22}{'tried':>6}{'acked':>7}{'refused':>9}{'no answer':>11}"
              f"{'stored of those':>17}{'other':>7}{'acked after last restart':>26}")
        for title, kind, records in rows:
            states = collections.Counter(r["state"] for r in records)
            other = sum(n for state, n in states.items() if state.startswith("answered"))
            doubt, stored = stats[kind]
            after = sum(1 for t in ledger.ack_times[kind] if t >= last_restart)
            print(f"  {title:<22}{len(records):>6}{states['acked']:>7}{states['refused']:>9}"
                  f"{doubt:>11}{stored:>17}{other:>7}{after:>26}")
        acked_items = sum(len(b["markers"]) for b in ledger.batches if b["state"] == "acked")
        print(f"  reports: {acked_items} acknowledged in batches, {stats['reports_stored']} stored "
              f"in all; half-applied batches: {stats['half_applied']}")
        print(f"  tokens survived the restarts: {'yes' if tokens_survived else 'no'} "
              f"(sign-ins: {dict(accounts.sign_ins)})")
        for (kind, status), count in sorted(ledger.other.items(), key=str):
            print(f"  note: {count} {kind} write(s) answered {status}, e.g. "
                  f"{json.dumps(ledger.first_problem[(kind, status)])[:300]}")

        for title, kind, records in rows:
            if not any(r["state"] == "acked" for r in records):
                losses.append(f"no {title} were acknowledged: the test proved nothing for them")
        if losses:
            failed = True
            print(f"\nFAILED: {len(losses)} problem(s) after {KILLS} kills on {database}:")
            for loss in losses[:50]:
                print(f"  - {loss}")
            if len(losses) > 50:
                print(f"  … and {len(losses) - 50} more")
            print(f"Reproduce: python3 scripts/crash_test.py --bin {args.bin}"
                  + (f" --postgres {args.postgres}" if args.postgres else "")
                  + f" --seed {seed} --keep   (kill moments repeat; the rest is timing)")
        else:
            print(f"\nOK: every acknowledged write survived {KILLS} kills; no batch or "
                  "conversation is half-applied.")
    except Failure as error:
        failed = True
        print(f"\nFAILED (crash test could not run to the end): {error}", file=sys.stderr)
        if server is not None:
            tail = server.log_tail()
            if tail:
                print(f"server log (last lines):\n{tail}", file=sys.stderr)
    finally:
        stop.set()
        if server is not None:
            server.stop()
        for thread in threads:
            thread.join(timeout=2)
        if pg_name and not args.keep:
            drop_database(args.postgres, pg_name)
        if args.keep:
            log(f"kept {temp}" + (f" and database {pg_name}" if pg_name else ""))
        else:
            shutil.rmtree(temp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
