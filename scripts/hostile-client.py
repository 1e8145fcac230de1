#!/usr/bin/env python3
"""A hostile client against the release server, for a bounded time (issue 24).

    python3 scripts/hostile-client.py [--binary target/release/wijkwijzer] [--upload-mib 60]

Starts `wijkwijzer serve` with short timeouts and tries what a careless or hostile client
would: slow headers, silent and idle sockets, more connections than allowed, bodies larger
than the limit (announced and chunked), a large upload, spoofed forwarding headers, and
reloads from many sides at once while lookups run. It fails (exit 1) on a crash, any 5xx,
a connection the server leaves open past its timeout, a peak RSS of 256 MiB or more, or a
process that outlives its shutdown grace. Only the standard library is used.

Uploads (issue 33): workbook bombs (scripts/hostile_workbooks.py) sent as a form and as a body,
each refused with a 413 or 422 problem at a bounded cost (peak RSS and CPU per bomb are
printed); the large upload as a form too; two large uploads at once; real workbooks of 100,000
and 300,000 rows answered as .xlsx; and a client over its share of uploads in flight (429).
"""

import argparse
import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile_workbooks  # noqa: E402

HEADER_TIMEOUT = 2
MAX_CONNECTIONS = 200
GRACE = 3
MEMORY_LIMIT_MIB = 256

failures = []


def fail(what):
    failures.append(what)
    print(f"hostile-client: FAIL: {what}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Server:
    def __init__(self, binary, work, extra, env=None):
        self.port = free_port()
        self.log = open(os.path.join(work, f"server-{self.port}.log"), "wb")
        args = [binary, "serve", "--listen", f"127.0.0.1:{self.port}",
                "--header-timeout-secs", str(HEADER_TIMEOUT),
                "--max-connections", str(MAX_CONNECTIONS),
                "--shutdown-grace-secs", str(GRACE), "--log-format", "json",
                "--access-log", "false"] + extra
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT,
                                     env={**os.environ, **(env or {})})
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("hostile-client: the server did not start")

    def request(self, method, path, body=None, headers=None, timeout=60):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            res = conn.getresponse()
            data = res.read()
            return res.status, dict(res.getheaders()), data
        finally:
            conn.close()

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=GRACE + HEADER_TIMEOUT + 5)
            except subprocess.TimeoutExpired:
                fail("the server outlived SIGTERM by more than its grace")
                self.proc.kill()
        self.log.close()


def closed_within(sock, seconds):
    """Whether the server closes `sock` within `seconds` (reading whatever it sends)."""
    sock.settimeout(0.2)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if sock.recv(65536) == b"":
                return True
        except socket.timeout:
            continue
        except OSError:
            return True
    return False


def check_5xx(status, what):
    if status >= 500 and status != 503:
        fail(f"{what}: {status}")


def slow_and_silent(server):
    """Slow headers, silent sockets and idle keep-alives: all closed within the timeout."""
    socks = []
    for i in range(60):
        s = socket.create_connection(("127.0.0.1", server.port))
        kind = i % 3
        if kind == 1:
            s.sendall(b"GET /v1/lookup?q=Vrijthof HTTP/1.1\r\nHost: x\r\n")
        elif kind == 2:
            s.sendall(b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n")
        socks.append((kind, s))
    # The slow ones keep sending a byte now and then; it must not keep them open.
    stop = time.monotonic() + HEADER_TIMEOUT + 1
    while time.monotonic() < stop:
        for kind, s in socks:
            if kind == 1:
                try:
                    s.sendall(b"X")
                except OSError:
                    pass
        time.sleep(0.3)
    left = sum(not closed_within(s, HEADER_TIMEOUT + 3) for _, s in socks)
    for _, s in socks:
        s.close()
    if left:
        fail(f"{left} of {len(socks)} slow, silent or idle connections still open")
    print(f"hostile-client: slow/silent/idle: {len(socks) - left}/{len(socks)} closed by the server")


def flood(server):
    """More connections than allowed: the extra ones get a 503 and are closed; then the
    service takes new ones again."""
    socks, refused = [], 0
    for _ in range(MAX_CONNECTIONS + 50):
        try:
            socks.append(socket.create_connection(("127.0.0.1", server.port)))
        except OSError:
            refused += 1
    time.sleep(0.5)
    answered_503 = 0
    for s in socks:
        s.settimeout(0.05)
        try:
            if s.recv(64).startswith(b"HTTP/1.1 503"):
                answered_503 += 1
        except OSError:
            pass
    for s in socks:
        s.close()
    if answered_503 < 50:
        fail(f"only {answered_503} of 50 connections beyond the cap were answered 503")
    for _ in range(50):
        try:
            if server.request("GET", "/livez")[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    else:
        fail("no new connection was served after the flood")
    print(f"hostile-client: flood: {answered_503} connections beyond {MAX_CONNECTIONS} answered 503")


def reset_peak(pid):
    """Starts a new peak-RSS measurement (Linux: writing 5 to clear_refs resets VmHWM)."""
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def multipart(name, data, fields=()):
    boundary = uuid.uuid4().hex
    parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode()
             for k, v in fields]
    parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                 f"filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n".encode())
    body = b"".join(parts) + data + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def measured(server, what, send):
    """Runs `send` with a fresh peak-RSS measurement; prints and checks peak and CPU."""
    pid = server.proc.pid
    reset_peak(pid)
    cpu = cpu_seconds(pid)
    started = time.monotonic()
    result = send()
    took = time.monotonic() - started
    rss = peak_rss_mib(pid)
    used = cpu_seconds(pid) - cpu
    shown = result if not isinstance(result, tuple) else tuple(
        r[:60] if isinstance(r, bytes) else r for r in result)
    print(f"hostile-client:   {what}: {shown}; peak RSS {rss:.0f} MiB, CPU {used:.2f} s, "
          f"{took:.1f} s")
    if rss >= MEMORY_LIMIT_MIB:
        fail(f"{what}: peak RSS {rss:.0f} MiB (limit {MEMORY_LIMIT_MIB})")
    if not server.alive():
        fail(f"{what}: the server died")
    return result


def workbook_bombs(server):
    """Every bomb, as a form and as a body: a 413 or 422 problem, the service alive after."""
    print("hostile-client: workbook bombs")
    for name, data in hostile_workbooks.bombs().items():
        for form in (True, False):
            if form:
                body, headers = multipart(f"{name}.xlsx", data)
            else:
                body, headers = data, {"Content-Type": "application/vnd.openxmlformats-"
                                                       "officedocument.spreadsheetml.sheet"}

            def send():
                status, got, answer = server.request("POST", "/v1/classify", body, headers,
                                                     timeout=120)
                kind = {k.lower(): v for k, v in got.items()}.get("content-type", "")
                return status, kind, answer[:400]

            status, kind, answer = measured(
                server, f"{name} ({len(data) >> 10} KB, {'form' if form else 'body'})", send)
            if status not in (413, 422) or kind != "application/problem+json":
                fail(f"{name}: {status} {kind} {answer[:120]!r}")
            elif status == 413 and b"workbook-max-" not in answer:
                fail(f"{name}: the 413 names no limit: {answer[:200]!r}")


def big_form_upload(server, mib):
    """The large upload as `curl -F file=@...` sends it: in pieces, under the limit."""
    rows = [f"{i};{174500 + (i * 7919) % 6000}.5;{313500 + (i * 104729) % 8000}.5\r\n"
            for i in range(1000)]
    block = "".join(rows).encode()
    data = b"nr;x;y\r\n" + block * ((mib << 20) // len(block))
    body, headers = multipart("big.csv", data, [("columns", "lwa")])

    def send():
        status, _, answer = server.request("POST", "/v1/classify", body, headers, timeout=600)
        return status, answer.count(b"\n")

    status, lines = measured(server, f"{mib} MiB as a form", send)
    if status != 200 or lines != data.count(b"\n"):
        fail(f"the {mib} MiB form upload: {status}, {lines} lines")
    return data


def two_uploads_at_once(server, data):
    """Two large uploads at once: the memory budget makes one wait for the other."""
    results = []

    def one():
        status, _, answer = server.request("POST", "/v1/classify?columns=lwa", data,
                                           {"Content-Type": "text/csv"}, timeout=600)
        results.append((status, answer.count(b"\n")))

    def send():
        threads = [threading.Thread(target=one) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return sorted(s for s, _ in results)

    statuses = measured(server, f"two {len(data) >> 20} MiB uploads at once", send)
    if 200 not in statuses or any(s not in (200, 503) for s in statuses):
        fail(f"two uploads at once: {statuses}")


def workbook_answers(server):
    """Real workbooks answered as workbooks, streamed: under the limit."""
    for rows in (100_000, 300_000):
        data = hostile_workbooks.large_xlsx(rows)

        def send():
            status, got, answer = server.request(
                "POST", "/v1/classify", data,
                {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
                timeout=600)
            return status, len(answer) >> 20

        status, answer_mib = measured(
            server, f"a {rows}-row .xlsx ({len(data) >> 20} MiB) answered as .xlsx", send)
        if status != 200 or answer_mib < 1:
            fail(f"the {rows}-row workbook: {status}, {answer_mib} MiB")


def share_of_uploads(server):
    """A client with its share of uploads in flight gets a 429 for the next one."""
    held = []
    for _ in range(2):
        s = socket.create_connection(("127.0.0.1", server.port))
        s.sendall(b"POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n9\r\nlat,lon\r\n\r\n")
        held.append(s)
    time.sleep(0.5)
    status, headers, _ = server.request("POST", "/v1/classify", b"lat,lon\n50.85,5.69\n",
                                        {"Content-Type": "text/csv"})
    for s in held:
        s.close()
    if status != 429:
        fail(f"a third upload in flight from one client: {status}")
    print(f"hostile-client: a third upload in flight from one client: {status}")


def worst_requests(server, key):
    """The heaviest request found for every GET endpoint, with an internal key where it
    unlocks more: peak RSS and CPU each (classification: see the upload checks)."""
    import json
    auth = {"Authorization": f"Bearer {key}"}
    words = " ".join(["Onbekendestraat", "Vrijthof", "Markt", "Wyck", "Sint", "Servaas"] * 120)
    long_q = words[:400].replace(" ", "+")
    _, _, body = server.request("GET", "/ogc/collections", headers=auth)
    collections = [c["id"] for c in json.loads(body)["collections"]]
    _, _, body = server.request("GET", "/v1/areas", headers=auth)
    areas = json.loads(body)
    area = areas["features"][0]["id"]
    paths = ["/", "/sheet", f"/sheet/{area}", f"/v1/lookup?q={long_q}",
             f"/v1/addresses/suggest?q={long_q}", "/v1/lookup?q=Vrijthoff+16+Maastrich&situation=geluidsoverlast",
             "/v1/layers", "/v1/areas", f"/v1/areas/{area}", "/v1/overlays", "/v1/situations",
             "/v1/config", "/openapi.json", "/healthz", "/metrics", "/ogc/conformance"]
    for c in collections:
        paths.append(f"/ogc/collections/{c}/items?limit=10000")
        _, _, body = server.request("GET", f"/ogc/collections/{c}/items?limit=1", headers=auth)
        features = json.loads(body).get("features") or []
        if features:
            paths.append(f"/ogc/collections/{c}/items/{features[0]['id']}")
    print("hostile-client: the heaviest request of each endpoint")
    for path in paths:
        def send(path=path):
            status, _, answer = server.request("GET", path, headers=auth, timeout=60)
            return status, f"{len(answer) >> 10} KiB"

        status, _ = measured(server, path[:70], send)
        check_5xx(status, path[:70])


def huge_bodies(server):
    """Bodies beyond the limit, announced and chunked: a 413 problem, never a 5xx."""
    s = socket.create_connection(("127.0.0.1", server.port))
    s.sendall(b"POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
              b"Content-Length: 10000000000\r\n\r\nx;y\r\n")
    s.settimeout(10)
    head = s.recv(4096)
    s.close()
    if not head.startswith(b"HTTP/1.1 413"):
        fail(f"an announced 10 GB body: {head[:60]!r}")
    s = socket.create_connection(("127.0.0.1", server.port))
    s.sendall(b"POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
              b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"176000;318000\r\n" * 65536
    sent, head = 0, b""
    s.settimeout(0.01)
    try:
        while sent < 200 << 20:
            s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            sent += len(chunk)
            try:
                head = s.recv(4096)
                if head:
                    break
            except socket.timeout:
                pass
    except OSError:
        pass
    s.settimeout(10)
    try:
        head = head or s.recv(4096)
    except OSError:
        pass
    s.close()
    if not head.startswith(b"HTTP/1.1 413"):
        fail(f"a chunked body beyond the limit ({sent >> 20} MiB sent): {head[:60]!r}")
    print(f"hostile-client: huge bodies: 413 for 10 GB announced and after {sent >> 20} MiB chunked")


def big_upload(server, mib, work):
    """A `mib` MiB upload: every row answered, peak RSS under the limit."""
    path = os.path.join(work, "big.csv")
    rows = 0
    rnd = random.Random(24)
    with open(path, "w") as f:
        f.write("nr;x;y\r\n")
        size = 0
        while size < mib << 20:
            line = f"{rows};{174500 + rnd.random() * 6000:.2f};{313500 + rnd.random() * 8000:.2f}\r\n"
            f.write(line)
            size += len(line)
            rows += 1
    with open(path, "rb") as f:
        body = f.read()
    # The default columns make an answer about ten times the upload, spooled to $TMPDIR; on a
    # machine short of disk a one-column answer still spools well beyond what is kept in memory.
    free = os.statvfs(tempfile.gettempdir())
    free_mib = free.f_bavail * free.f_frsize >> 20
    query = "" if free_mib > 12 * mib + 1024 else "?columns=lwa"
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    conn.request("POST", "/v1/classify" + query, body=body,
                 headers={"Content-Type": "text/csv"})
    res = conn.getresponse()
    answered, answer_bytes, tail = 0, 0, b""
    while True:
        block = res.read(1 << 20)
        if not block:
            break
        answer_bytes += len(block)
        answered += block.count(b"\n")
    conn.close()
    del body
    took = time.monotonic() - started
    rss = peak_rss_mib(server.proc.pid)
    if res.status != 200:
        fail(f"the {mib} MiB upload: {res.status}")
    if answered != rows + 1:
        fail(f"the {mib} MiB upload: {answered - 1} of {rows} rows answered")
    if rss >= MEMORY_LIMIT_MIB:
        fail(f"peak RSS {rss:.0f} MiB with a {mib} MiB upload (limit {MEMORY_LIMIT_MIB})")
    print(f"hostile-client: upload: {mib} MiB, {rows} rows, all answered "
          f"({answer_bytes >> 20} MiB answer{', columns=lwa' if query else ''}) in {took:.1f} s; "
          f"peak RSS {rss:.0f} MiB")


def spoofing(binary, work):
    """Forwarding headers from a client that is not a trusted proxy change nothing: the
    client keeps one budget whatever it claims to be."""
    server = Server(binary, work, ["--rate-limit", "5", "--rate-burst", "5"])
    try:
        limited = 0
        for i in range(40):
            status, _, _ = server.request("GET", "/v1/lookup?q=Vrijthof%2016", headers={
                "Forwarded": f"for=9.9.8.{i}",
                "X-Forwarded-For": f"9.9.9.{i}",
                "X-Real-IP": f"9.9.7.{i}",
            })
            check_5xx(status, "spoofed lookup")
            limited += status == 429
        if limited < 30:
            fail(f"spoofed forwarding headers bought fresh budgets: only {limited} of 40 limited")
        print(f"hostile-client: spoofing: {limited} of 40 spoofed requests rate-limited as one client")
    finally:
        server.stop()


def reload_storm(server, key):
    """Reloads by SIGHUP and by POST from many sides while lookups run: no 5xx, no failed lookup."""
    errors, lookups = [], [0]
    stop = threading.Event()

    def lookup():
        while not stop.is_set():
            try:
                status, _, _ = server.request("GET", "/v1/lookup?q=Vrijthof%2016")
                lookups[0] += 1
                if status != 200:
                    errors.append(f"lookup during reloads: {status}")
            except OSError as e:
                errors.append(f"lookup during reloads: {e}")

    def reload():
        for _ in range(5):
            status, _, _ = server.request("POST", "/admin/reload",
                                          headers={"Authorization": f"Bearer {key}"})
            if status != 200:
                errors.append(f"reload: {status}")

    readers = [threading.Thread(target=lookup) for _ in range(4)]
    reloaders = [threading.Thread(target=reload) for _ in range(6)]
    for t in readers + reloaders:
        t.start()
    for _ in range(10):
        server.proc.send_signal(signal.SIGHUP)
        time.sleep(0.1)
    for t in reloaders:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    for e in errors[:5]:
        fail(e)
    print(f"hostile-client: reloads: 30 by POST and 10 by SIGHUP during {lookups[0]} lookups, "
          f"{len(errors)} failures")


def shutdown_with_stragglers(server):
    """SIGTERM with an idle keep-alive and a stalled request: the process ends within its grace."""
    idle = socket.create_connection(("127.0.0.1", server.port))
    idle.sendall(b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n")
    idle.recv(4096)
    stalled = socket.create_connection(("127.0.0.1", server.port))
    stalled.sendall(b"POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nx;")
    started = time.monotonic()
    server.stop()
    took = time.monotonic() - started
    code = server.proc.returncode
    if code != 0:
        fail(f"exit code {code} after SIGTERM")
    print(f"hostile-client: shutdown: exited {code} {took:.1f} s after SIGTERM "
          f"(grace {GRACE} s)")
    idle.close()
    stalled.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/wijkwijzer")
    ap.add_argument("--upload-mib", type=int, default=60)
    args = ap.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as work:
        entry = subprocess.run([args.binary, "keygen", "--name", "hostile", "--admin"],
                               capture_output=True, text=True, check=True)
        key = entry.stdout.strip()
        keys = os.path.join(work, "keys.toml")
        with open(keys, "w") as f:
            f.write(entry.stderr[entry.stderr.index("[[key]]"):])
        server = Server(args.binary, work, ["--rate-limit", "0", "--timeout-secs", "300",
                                            "--keys", keys])
        try:
            slow_and_silent(server)
            flood(server)
            huge_bodies(server)
            big_upload(server, args.upload_mib, work)
            workbook_bombs(server)
            data = big_form_upload(server, args.upload_mib)
            two_uploads_at_once(server, data)
            del data
            workbook_answers(server)
            share_of_uploads(server)
            worst_requests(server, key)
            reload_storm(server, key)
            if not server.alive():
                fail("the server died")
        finally:
            shutdown_with_stragglers(server)
        spoofing(args.binary, work)
        log = open(server.log.name, "rb").read().decode("utf-8", "replace")
        if '"status":5' in log.replace('"status":503', ""):
            fail("the server logged a 5xx")
        if "panicked" in log:
            fail("the server panicked")
    print(f"hostile-client: {len(failures)} failure(s) in {time.monotonic() - started:.0f} s")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
