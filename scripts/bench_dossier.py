"""Measures one running Kring server (see scripts/bench-dossier): the timeline's first page,
and the time from an integration push to its server-sent event. Standard library only."""

import http.client
import json
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request

from bench_login import sign_in

base, key, size, generated = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
host = urllib.parse.urlparse(base)


def call(method, path, token=None, body=None):
    request = urllib.request.Request(base + path, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, data) as response:
        text = response.read()
        return json.loads(text) if text else None


token = sign_in(base, "marieke")
client = next(
    c["client"]["id"] for c in call("GET", "/api/me", token)["clients"]
    if c["client"]["first_name"] == "Johanna"
)

# Timeline first page: one keep-alive connection, sequential requests.
connection = http.client.HTTPConnection(host.hostname, host.port)
path = f"/api/clients/{client}/dossier/timeline"
latencies = []
for n in range(320):
    started = time.perf_counter()
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        sys.exit(f"timeline answered {response.status}: {body[:200]}")
    if n >= 20:
        latencies.append((time.perf_counter() - started) * 1000)
entries = len(json.loads(body)["entries"])
latencies.sort()
p50 = statistics.median(latencies)
p99 = latencies[int(len(latencies) * 0.99) - 1]

# Push → event: one open stream, 30 pushes, each waited for.
ticket = call("POST", f"/api/clients/{client}/events/ticket", token, {})["ticket"]
stream = http.client.HTTPConnection(host.hostname, host.port)
stream.request("GET", f"/api/clients/{client}/events?ticket={urllib.parse.quote(ticket)}")
events = stream.getresponse()
seen = {}
arrived = threading.Condition()


def listen():
    for raw in events:
        line = raw.decode().strip()
        if line.startswith("data:") and "entry_id" in line:
            event = json.loads(line[5:])
            with arrived:
                seen[event["entry_id"]] = time.perf_counter()
                arrived.notify_all()


threading.Thread(target=listen, daemon=True).start()
time.sleep(0.5)
delays = []
for n in range(30):
    started = time.perf_counter()
    outcome = call(
        "PUT",
        f"/api/integration/clients/ECD-1001/reports/BENCH-PUSH-{n}",
        key,
        {"category": "Dagrapportage", "author": "Bench", "written_at": "2026-11-23T12:00:00Z",
         "text": f"Push {n}"},
    )
    with arrived:
        arrived.wait_for(lambda: outcome["id"] in seen, timeout=10)
    if outcome["id"] not in seen:
        sys.exit("an event did not arrive within 10 s")
    delays.append((seen[outcome["id"]] - started) * 1000)

print(f"dossier entries: {size:>9}  (generated through the batch in {generated} s)")
print(f"  timeline first page ({entries} entries): p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  (300 requests)")
print(f"  push → server-sent event:            p50 {statistics.median(delays):6.2f} ms  max {max(delays):6.2f} ms  (30 pushes)")
