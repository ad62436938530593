"""The two-instance test: proves that two Kring instances on one PostgreSQL database, behind
nginx (scripts/cluster 2), share what a single process used to keep to itself. Standard library
only; meant for scripts/test to run when KRING_TEST_POSTGRES_URL is set.

    KRING_TEST_POSTGRES_URL=postgres://kring:kring@127.0.0.1:5432/kring_test \\
        python3 scripts/cluster_test.py --bin target/debug/kring

It makes its own database next to KRING_TEST_POSTGRES_URL's (kring_t_cluster_<random>, the role
needs CREATEDB), starts `scripts/cluster 2` on free ports in its own process group, signs in as
the demo person marieke on instance 1 (SMS code from the shared dev outbox, as
scripts/bench_login.py) and checks, one printed line each:
  a. a stream ticket issued by instance 1 opens the event stream on instance 2 (200, `ready`);
  b. an ECD push (POST /api/integration/batch) handled by instance 1 reaches a stream on
     instance 2 as `event: dossier` within 2 s (latency printed; a stream on instance 1 is the
     control that the push made an event at all);
  c. a logout on instance 1 ends the access token on instance 2 (401 on GET /api/me);
  d. the sign-in throttle counts across both instances: 3 × the limit parallel logins of unknown
     usernames through nginx, at most `limit` of them answered with anything but 429;
  e. nginx spreads requests over both instances (its X-Kring-Upstream header).
It exits 1 when a check fails, and always stops the cluster and drops its database.
"""

import argparse
import concurrent.futures
import http.client
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in scripts/
import bench_login  # noqa: E402  (scripts/bench_login.py: password, then the SMS code)

HOST = "127.0.0.1"
LATENCY_LIMIT = 2.0  # seconds for check (b)
results = []


def report(name, passed, text):
    results.append(passed)
    print(f"{'PASS' if passed else 'FAIL'} ({name}) {text}", flush=True)


def note(text):
    print(f"     {text}", flush=True)


# --- HTTP ---------------------------------------------------------------------------------------

def call(port, method, path, token=None, body=None, timeout=30):
    """One request; answers (status, headers, JSON body or text or None). Never raises on a status."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {}
    data = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        return response.status, response.headers, parsed
    finally:
        connection.close()


class EventStream:
    """A server-sent event stream on a raw socket: records (seconds since opening, event name,
    data) as they arrive, in a thread; `status` is the HTTP status (None until known)."""

    def __init__(self, port, path):
        self.events = []
        self.status = None
        self.problem = ""
        self.arrived = threading.Condition()
        self.closed = False
        self.sock = socket.create_connection((HOST, port), timeout=10)
        request = f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: text/event-stream\r\n\r\n"
        self.sock.sendall(request.encode())
        self.sock.settimeout(0.5)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _chunks(self):
        while not self.closed:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            if not data:
                return
            yield data

    def _read(self):
        buffer = b""
        chunks = self._chunks()
        status = 0
        try:
            while b"\r\n\r\n" not in buffer:
                buffer += next(chunks)
            head, buffer = buffer.split(b"\r\n\r\n", 1)
            lines = head.decode(errors="replace").split("\r\n")
            status = int(lines[0].split()[1])
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
            chunked = "chunked" in headers.get("transfer-encoding", "").lower()
            if status != 200:
                # A refusal: keep its (short) body for the report.
                length = int(headers.get("content-length") or 0)
                while len(buffer) < length:
                    buffer += next(chunks)
                self.problem = buffer[:length].decode(errors="replace") if length else ""
                return
            with self.arrived:
                self.status = status
                self.arrived.notify_all()
            body = b""  # de-chunked bytes not yet split into lines
            event, data = None, []
            while True:
                if chunked:
                    # Take every complete chunk out of `buffer`.
                    while b"\r\n" in buffer:
                        size_line, rest = buffer.split(b"\r\n", 1)
                        size = int(size_line.split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            return
                        if len(rest) < size + 2:
                            break
                        body += rest[:size]
                        buffer = rest[size + 2:]
                else:
                    body, buffer = body + buffer, b""
                while b"\n" in body:
                    line, body = body.split(b"\n", 1)
                    text = line.decode(errors="replace").rstrip("\r")
                    if text.startswith("event:"):
                        event = text[6:].strip()
                    elif text.startswith("data:"):
                        data.append(text[5:].strip())
                    elif text == "" and event is not None:
                        with self.arrived:
                            self.events.append((time.monotonic(), event, "\n".join(data)))
                            self.arrived.notify_all()
                        event, data = None, []
                buffer += next(chunks)
        except (StopIteration, ValueError, IndexError):
            return
        finally:
            with self.arrived:
                if self.status is None:
                    self.status = status
                self.arrived.notify_all()

    def wait_status(self, timeout):
        with self.arrived:
            self.arrived.wait_for(lambda: self.status is not None, timeout)
        return self.status

    def wait_event(self, name, after, timeout):
        """The arrival time of the first `name` event that came after `after`, or None."""
        def found():
            return next((at for at, event, _ in self.events if event == name and at >= after), None)
        with self.arrived:
            self.arrived.wait_for(lambda: found() is not None, timeout)
            return found()

    def close(self):
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


# --- the cluster --------------------------------------------------------------------------------

def psql(url, sql):
    subprocess.run(["psql", url, "-qc", sql], check=True, stdout=subprocess.DEVNULL)


def free_base_port(count):
    """A port P with P … P+count free on the loopback address (nginx, then the instances)."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            base = probe.getsockname()[1]
        if base + count >= 65000:
            continue
        sockets = []
        try:
            for port in range(base, base + count + 1):
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((HOST, port))
                sockets.append(s)
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free ports found")


def wait_ready(cluster, timeout):
    """Reads the cluster's stdout until its ready line; answers the line's parts."""
    deadline = time.monotonic() + timeout
    buffer = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([cluster.stdout], [], [], 0.5)
        if ready:
            data = os.read(cluster.stdout.fileno(), 4096)
            if not data:
                raise RuntimeError(f"scripts/cluster ended before it was ready (status {cluster.wait()})")
            buffer += data
            for line in buffer.decode(errors="replace").splitlines():
                if line.startswith("cluster ready: "):
                    # cluster ready: http://127.0.0.1:PORT (instances: P1,P2) data: DIR database: URL
                    parts = line.split()
                    base = parts[2]
                    instances = [int(p) for p in parts[4].rstrip(")").split(",")]
                    data_dir = parts[parts.index("data:") + 1]
                    database = parts[parts.index("database:") + 1]
                    return line, base, instances, data_dir, database
        elif cluster.poll() is not None:
            raise RuntimeError(f"scripts/cluster ended before it was ready (status {cluster.returncode})")
    raise RuntimeError(f"scripts/cluster was not ready within {timeout} s")


def stop_cluster(cluster):
    """SIGTERM to scripts/cluster (it stops what it started), then SIGKILL for its process group
    when anything is left."""
    if cluster.poll() is None:
        cluster.send_signal(signal.SIGTERM)
        try:
            cluster.wait(timeout=60)
        except subprocess.TimeoutExpired:
            print("scripts/cluster did not stop within 60 s: killing its process group", file=sys.stderr)
    try:
        os.killpg(cluster.pid, 0)
    except ProcessLookupError:
        return True
    os.killpg(cluster.pid, signal.SIGKILL)
    cluster.wait()
    return False


# --- the checks ---------------------------------------------------------------------------------

def check_ticket_elsewhere(one, two, token, client):
    """(a): a ticket from instance 1 opens the stream on instance 2. Answers the open stream."""
    status, _, body = call(one, "POST", f"/api/clients/{client}/events/ticket", token, {})
    if status != 200:
        report("a", False, f"instance 1 answered {status} to the ticket request: {body}")
        return None
    stream = EventStream(two, f"/api/clients/{client}/events?ticket={urllib.parse.quote(body['ticket'])}")
    opened = time.monotonic()
    status = stream.wait_status(10)
    ready = stream.wait_event("ready", 0, 5) if status == 200 else None
    if status == 200 and ready is not None:
        report("a", True, f"a ticket from instance 1 opened the stream on instance 2: 200 and "
               f"`event: ready` after {(ready - opened) * 1000:.0f} ms")
        return stream
    stream.close()
    detail = f"200 but no `event: ready` within 5 s" if status == 200 else f"{status} {stream.problem[:200]}"
    report("a", False, f"a ticket from instance 1 did not open the stream on instance 2: {detail}")
    return None


def open_stream(port, token, client):
    """A stream on `port` with a ticket from the same instance (the controls)."""
    status, _, body = call(port, "POST", f"/api/clients/{client}/events/ticket", token, {})
    if status != 200:
        raise RuntimeError(f"instance on {port} answered {status} to a ticket request: {body}")
    stream = EventStream(port, f"/api/clients/{client}/events?ticket={urllib.parse.quote(body['ticket'])}")
    if stream.wait_status(10) != 200 or stream.wait_event("ready", 0, 5) is None:
        raise RuntimeError(f"a stream on {port} with its own ticket did not open: {stream.status} {stream.problem[:200]}")
    return stream


def check_push(one, two, token, client, key, stream_two):
    """(b): a push handled by instance 1 reaches the stream on instance 2 within 2 s."""
    if stream_two is None:
        note("(b) uses a stream on instance 2 opened with instance 2's own ticket, (a) gave none")
        stream_two = open_stream(two, token, client)
    control = open_stream(one, token, client)
    time.sleep(0.3)  # both streams listen
    item = {
        "action": "upsert", "resource": "report", "client_id": "ECD-1001",
        "id": f"CLUSTER-{uuid.uuid4().hex[:12]}",
        "data": {"category": "Dagrapportage", "author": "Cluster test",
                 "written_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                 "text": "Mevrouw heeft goed geslapen (bericht van de clustertest)."},
    }
    started = time.monotonic()
    status, _, body = call(one, "POST", "/api/integration/batch", key, {"items": [item]})
    if status != 200 or body.get("failed") != 0:
        report("b", False, f"instance 1 answered {status} to the push: {body}")
        return [stream_two, control]
    arrived = stream_two.wait_event("dossier", started, LATENCY_LIMIT)
    seen_here = control.wait_event("dossier", started, 0.5 if arrived else 0.1)
    here = f"{(seen_here - started) * 1000:.0f} ms" if seen_here else "not within the wait either"
    if arrived is not None:
        report("b", True, f"a push on instance 1 reached the stream on instance 2 as `event: dossier` "
               f"after {(arrived - started) * 1000:.0f} ms (instance 1's own stream: {here})")
    else:
        report("b", False, f"no `event: dossier` on instance 2 within {LATENCY_LIMIT:.0f} s of a push on "
               f"instance 1 (instance 1's own stream got it: {here})")
    return [stream_two, control]


def check_logout(one, two, token):
    """(c): a logout on instance 1 ends the access token on instance 2."""
    before, _, _ = call(two, "GET", "/api/me", token)
    if before != 200:
        report("c", False, f"the token did not work on instance 2 before the logout: {before}")
        return
    status, _, body = call(one, "POST", "/api/auth/logout", token)
    if status != 204:
        report("c", False, f"instance 1 answered {status} to the logout: {body}")
        return
    after, _, _ = call(two, "GET", "/api/me", token)
    report("c", after == 401, f"after a logout on instance 1, GET /api/me with the same token on "
           f"instance 2 answered {after} (200 before the logout)")


def check_throttle(edge, limit, first_sign_in):
    """(d): 3 × limit parallel logins through nginx, at most `limit` not answered 429."""
    # The throttle may count in fixed windows that start with an address's first request (this
    # test's sign-in): do not let the burst straddle the end of such a window.
    since = time.monotonic() - first_sign_in
    if 45 < since < 62:
        time.sleep(62 - since)
    attempts = 3 * limit
    tag = uuid.uuid4().hex[:8]

    def login(n):
        try:
            status, _, _ = call(edge, "POST", "/api/auth/login", None,
                                {"username": f"nobody-{tag}-{n}", "password": "Not-The-Password-1"}, timeout=60)
            return status
        except OSError as error:
            return f"error {error.__class__.__name__}"

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=attempts) as pool:
        statuses = list(pool.map(login, range(attempts)))
    took = time.monotonic() - started
    counted = {}
    for status in statuses:
        counted[status] = counted.get(status, 0) + 1
    passed = sum(n for status, n in counted.items() if status != 429)
    summary = ", ".join(f"{n}× {status}" for status, n in sorted(counted.items(), key=lambda kv: str(kv[0])))
    report("d", passed <= limit,
           f"{attempts} parallel logins through nginx in {took:.1f} s: {passed} not throttled, "
           f"{counted.get(429, 0)} answered 429 (limit {limit} per address; {summary})")


def check_spread(edge, instances):
    """(e): nginx sends requests to every instance."""
    seen = {}
    for _ in range(20):
        _, headers, _ = call(edge, "GET", "/readyz")
        upstream = headers.get("X-Kring-Upstream", "?")
        seen[upstream] = seen.get(upstream, 0) + 1
    wanted = {f"{HOST}:{port}" for port in instances}
    report("e", wanted <= set(seen), "20 requests through nginx went to " +
           ", ".join(f"{address} ({n})" for address, n in sorted(seen.items())))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", required=True, help="the kring binary")
    args = parser.parse_args()
    admin = os.environ.get("KRING_TEST_POSTGRES_URL")
    if not admin:
        sys.exit("KRING_TEST_POSTGRES_URL is not set (e.g. postgres://kring:kring@127.0.0.1:5432/kring_test)")
    binary = os.path.abspath(args.bin)
    limit = int(os.environ.get("KRING_AUTH_REQUESTS_PER_MINUTE") or 20)

    name = f"kring_t_cluster_{uuid.uuid4().hex[:12]}"
    database = urllib.parse.urlparse(admin)._replace(path=f"/{name}").geturl()
    psql(admin, f'CREATE DATABASE "{name}"')
    base = free_base_port(2)
    env = dict(os.environ, KRING_BIN=binary, KRING_DATABASE_URL=database, KRING_CLUSTER_PORT=str(base),
               KRING_AUTH_REQUESTS_PER_MINUTE=str(limit))
    cluster = subprocess.Popen([os.path.join(HERE, "cluster"), "2"], env=env, stdout=subprocess.PIPE,
                               start_new_session=True)
    streams = []
    try:
        line, _, (one, two), data_dir, _ = wait_ready(cluster, 180)
        print(line, flush=True)
        edge = base
        key = subprocess.run([binary, "integrator", "create", "--organisation", "demo", "--name", "cluster-test"],
                             env=env, check=True, capture_output=True, text=True).stdout.strip()

        os.environ["KRING_DATA_DIR"] = data_dir  # where bench_login finds the SMS code
        first_sign_in = time.monotonic()
        token = bench_login.sign_in(f"http://{HOST}:{one}", "marieke")
        _, _, me = call(one, "GET", "/api/me", token)
        client = next((c["client"]["id"] for c in me["clients"] if c["client"]["first_name"] == "Johanna"),
                      me["clients"][0]["client"]["id"])

        stream = check_ticket_elsewhere(one, two, token, client)
        streams.append(stream)
        streams.extend(check_push(one, two, token, client, key, stream))
        for open_one in streams:
            if open_one:
                open_one.close()
        check_logout(one, two, token)
        check_throttle(edge, limit, first_sign_in)
        check_spread(edge, [one, two])
    except Exception as error:  # a broken set-up is a failure too, never a hang
        report("setup", False, f"{error.__class__.__name__}: {error}")
    finally:
        for open_one in streams:
            if open_one:
                open_one.close()
        clean = stop_cluster(cluster)
        print(f"cluster stopped{'' if clean else ' (processes were left: killed)'}", flush=True)
        try:
            psql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except subprocess.CalledProcessError:
            print(f"could not drop database {name}", file=sys.stderr)
    failed = results.count(False)
    print(f"cluster test: {results.count(True)} passed, {failed} failed", flush=True)
    sys.exit(1 if failed or not results else 0)


if __name__ == "__main__":
    main()
