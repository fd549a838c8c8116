#!/usr/bin/env python3
"""The hub's capacity (issue 28): a hub with N registered clusters (2 nodes each) polling, side by
side with a static HTTPS server answering the same JSON, in one run, loopback only, bounded.

For each size in --clusters (default 1000,10000), on a fresh hub (`ccadmin hub serve`, release
build):
  register  N clusters the real way: codes issued at the hub's console (`ccadmin hub` batch of
            `cluster add` lines), each completed through the node API (`POST /api/v1/register`,
            as a publisher does after consent) with a certificate fingerprint of its own; the
            tokens the hub returns are the ones the pollers use (the hub keeps their SHA-256)
  paced     every node (publisher and subscriber of each cluster) polls once per --interval
            seconds at a random phase, for --seconds: the exact request a node sends
            (`POST /api/v1/poll`, `Authorization: Bearer TOKEN`, `{"node", "version"}`) on a
            new TLS connection per poll, as a node does (it builds its client per poll and the
            hub closes connections idle for 10 s); --keepalive reuses connections instead
  max       the same polls back to back from --concurrency connections at once for
            --max-seconds (a closed loop): the sustained maximum polls/s of this machine
  page      the cluster list page `/cloudconnect` signed in as the hub's admin (the sign-in
            form with its login token, as a browser): its time and size, first and last page
            when it has `?page=` links; once more in the middle of the paced run
  sqlite    the SQLite part of a poll on a copy of the resulting database: the statements a
            poll runs, as the hub runs them, with an index on the token's hash and with
            synchronous=NORMAL too (and the token look-up's query plan and time)
Measured: polls/s, latency p50/p99/max (connect + TLS + request + answer), every non-2xx
answer and failure counted by kind, the hub's RSS (VmRSS, VmHWM from /proc), its CPU per poll,
the pollers' CPU, the database's size (+ WAL), hub.log bytes per poll, the load average at
start and end of each run (other work on the machine moves the figures).
Baseline: nginx (Debian's, installed with apt when missing) with the hub's own certificate and
key, 2 workers, answering `POST /api/v1/poll` with the hub's `{"offer":"up-to-date"}` (`return
200`), driven by the same pollers in the same modes: the ratio is the hub's own overhead.

Usage: python3 bench/hub_capacity.py [--clusters 1000,10000] [--interval 60] [--seconds 60]
           [--max-seconds 30] [--concurrency 32] [--procs 2] [--keepalive] [--no-baseline]
           [--json FILE] [--exe target/release/ccadmin | --build]
Diagnostics (they change what is measured, never the hub's code): --token-index adds an index on
cluster(token_sha256) to hub.db after registering; --nodelay-shim runs the hub with TCP_NODELAY
set on its accepted sockets (an LD_PRELOAD'd accept4, built with gcc).
Quick try: python3 bench/hub_capacity.py --clusters 200 --seconds 10 --max-seconds 5 --interval 10
"""
import argparse, asyncio, json, multiprocessing, os, random, re, resource, shutil, socket, sqlite3, ssl
import statistics, subprocess, sys, tempfile, time, urllib.parse, http.client

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HUB_USER, HUB_PASSWORD = "admin", "Hub-Admin-Bench-2026"
VERSION = "0.1.0"
BASELINE_BODY = '{"offer":"up-to-date"}'
INSECURE = ssl.create_default_context()
INSECURE.check_hostname = False
INSECURE.verify_mode = ssl.CERT_NONE  # loopback services with throw-away self-signed certificates


def sh(argv, **kw):
    kw.setdefault("timeout", 1800)
    return subprocess.run(argv, **kw)


def wait(what, f, secs=60):
    deadline = time.time() + secs
    while time.time() < deadline:
        v = f()
        if v:
            return v
        time.sleep(0.05)
    sys.exit(f"timed out waiting for {what}")


def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def proc_cpu(pid):
    """CPU seconds (user + system) a process has used, all its threads."""
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu():
    """(busy, total) jiffies of the whole machine."""
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    idle = f[3] + f[4]
    return sum(f) - idle, sum(f)


def rss(pid):
    s = open(f"/proc/{pid}/status").read()
    g = lambda k: int(re.search(rf"^{k}:\s+(\d+) kB", s, re.M).group(1)) / 1024
    return g("VmRSS"), g("VmHWM")


def db_size(hub_dir):
    p = os.path.join(hub_dir, "hub.db")
    sz = lambda s: os.path.getsize(p + s) if os.path.exists(p + s) else 0
    return sz("") / 2**20, sz("-wal") / 2**20


def log_bytes(hub_dir):
    d = os.path.join(hub_dir, "logs")
    return sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d)) if os.path.isdir(d) else 0


def pct(xs, q):
    return xs[min(len(xs) - 1, int(q * len(xs)))] * 1000 if xs else float("nan")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


# ---------------------------------------------------------------- pollers (worker processes)

async def read_answer(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length, close = 0, False
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        k = k.strip().lower()
        if k == "content-length":
            length = int(v)
        elif k == "connection" and "close" in v.lower():
            close = True
    body = await reader.readexactly(length) if length else b""
    return status, body, close


async def close(writer):
    writer.close()
    try:
        await asyncio.wait_for(writer.wait_closed(), 1)
    except Exception:
        pass


class Poller:
    def __init__(self, spec):
        self.port, self.host = spec["port"], spec["host"]
        self.keepalive = spec["keepalive"]
        self.idle = []  # kept-alive connections (keepalive mode)
        self.ctx = ssl.create_default_context()
        self.ctx.check_hostname = False
        self.ctx.verify_mode = ssl.CERT_NONE
        self.lat, self.late, self.errors, self.bodies = [], [], {}, {}
        self.reconnects = 0

    def request(self, token, node):
        body = json.dumps({"node": node, "version": VERSION}, separators=(",", ":")).encode()
        return (f"POST /api/v1/poll HTTP/1.1\r\nhost: {self.host}:{self.port}\r\nauthorization: Bearer {token}\r\n"
                f"content-type: application/json\r\naccept: */*\r\ncontent-length: {len(body)}\r\n\r\n").encode() + body

    async def connect(self):
        return await asyncio.open_connection("127.0.0.1", self.port, ssl=self.ctx, server_hostname=self.host)

    async def poll(self, token, node):
        req = self.request(token, node)
        t0 = time.perf_counter()
        try:
            async with asyncio.timeout(30):
                for attempt in (0, 1):
                    fresh = not (self.keepalive and self.idle)
                    reader, writer = await self.connect() if fresh else self.idle.pop()
                    try:
                        writer.write(req)
                        status, body, closing = await read_answer(reader)
                        break
                    except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
                        await close(writer)
                        if fresh or attempt:
                            raise
                        self.reconnects += 1  # the hub closed an idle kept-alive connection
            if self.keepalive and not closing:
                self.idle.append((reader, writer))
            else:
                await close(writer)
        except Exception as e:
            k = type(e).__name__
            self.errors[k] = self.errors.get(k, 0) + 1
            return
        self.lat.append(time.perf_counter() - t0)
        if not 200 <= status < 300:
            k = f"HTTP {status}"
            self.errors[k] = self.errors.get(k, 0) + 1
        else:
            b = body.decode(errors="replace")
            self.bodies[b] = self.bodies.get(b, 0) + 1


async def run_worker(spec):
    p = Poller(spec)
    nodes = spec["nodes"]  # [token, node name]
    start, seconds = spec["start"], spec["seconds"]
    await asyncio.sleep(max(0, start - time.time()))
    t_start = time.perf_counter()
    t_end = t_start + seconds
    if spec["mode"] == "paced":
        rnd = random.Random(spec["seed"])
        events = []
        for tok, node in nodes:
            t = rnd.uniform(0, spec["interval"])
            while t < seconds:
                events.append((t, tok, node))
                t += spec["interval"]
        events.sort()
        gate = asyncio.Semaphore(spec["inflight"])
        tasks = set()

        async def one(due, tok, node):
            async with gate:
                p.late.append(time.perf_counter() - (t_start + due))
                await p.poll(tok, node)

        for due, tok, node in events:
            d = t_start + due - time.perf_counter()
            if d > 0:
                await asyncio.sleep(d)
            t = asyncio.create_task(one(due, tok, node))
            tasks.add(t)
            t.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.wait(tasks, timeout=35)
    else:
        order = list(nodes)
        random.Random(spec["seed"]).shuffle(order)
        nxt = [0]

        async def loop():
            while time.perf_counter() < t_end:
                tok, node = order[nxt[0] % len(order)]
                nxt[0] += 1
                await p.poll(tok, node)

        await asyncio.gather(*(loop() for _ in range(spec["concurrency"])))
    took = time.perf_counter() - t_start
    for _, w in p.idle:
        await close(w)
    u = resource.getrusage(resource.RUSAGE_SELF)
    return {"lat": p.lat, "late": p.late, "errors": p.errors, "bodies": p.bodies, "took": took,
            "cpu": u.ru_utime + u.ru_stime, "reconnects": p.reconnects}


def worker(spec):
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    out = asyncio.run(run_worker(spec))
    out["cpu"] -= cpu0.ru_utime + cpu0.ru_stime
    return out


def drive(a, port, tokens, mode, seconds, pid, during=None):
    """Run the pollers (a.procs processes) against `port`; the figures, and the server's CPU."""
    procs = max(1, a.procs)
    start = time.time() + 1.0
    specs = []
    for i in range(procs):
        specs.append({"port": port, "host": "localhost", "keepalive": a.keepalive, "nodes": tokens[i::procs],
                      "start": start, "seconds": seconds, "mode": mode, "interval": a.interval,
                      "inflight": max(1, 400 // procs), "concurrency": max(1, a.concurrency // procs), "seed": 28 + i})
    ctx = multiprocessing.get_context("fork")
    la0 = load()
    with ctx.Pool(procs) as pool:
        res = pool.map_async(worker, specs)
        while time.time() < start:
            time.sleep(0.01)
        c0, m0 = proc_cpu(pid), machine_cpu()
        extra = during() if during else None
        results = res.get(timeout=seconds + 120)
        c1, m1 = proc_cpu(pid), machine_cpu()
    lat = sorted(x for r in results for x in r["lat"])
    late = sorted(x for r in results for x in r["late"])
    errors, bodies = {}, {}
    for r in results:
        for k, v in r["errors"].items():
            errors[k] = errors.get(k, 0) + v
        for k, v in r["bodies"].items():
            bodies[k] = bodies.get(k, 0) + v
    took = max(r["took"] for r in results)
    n = len(lat)
    ok = sum(bodies.values())
    return {"mode": mode, "polls": n, "ok": ok, "rate": ok / took, "p50": pct(lat, 0.5), "p99": pct(lat, 0.99),
            "max": pct(lat, 1.0), "over_35ms": sum(1 for x in lat if x > 0.035) / max(1, n), "late_p99": pct(late, 0.99) if late else None,
            "late_1s": sum(1 for x in late if x > 1.0), "errors": errors,
            "bodies": dict(sorted(bodies.items(), key=lambda kv: -kv[1])[:3]),
            "server_cpu": c1 - c0, "server_ms_per_poll": (c1 - c0) * 1000 / max(1, ok),
            "client_cpu": sum(r["cpu"] for r in results), "client_cores": sum(r["cpu"] for r in results) / took,
            "machine_busy": (m1[0] - m0[0]) / max(1, m1[1] - m0[1]), "seconds": took,
            "reconnects": sum(r["reconnects"] for r in results), "load": f"{la0} -> {load()}", "during": extra}


# ---------------------------------------------------------------- the hub

class Hub:
    def __init__(self, exe, tmp, n):
        self.exe, self.dir = exe, f"{tmp}/hub-{n}"
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("CCADMIN_") and k.lower() not in ("https_proxy", "http_proxy")}
        self.env.update(HOME=tmp, CCADMIN_STATE_DIR=f"{tmp}/x")
        self.proc = None

    def cc(self, *args, stdin=None):
        p = sh([self.exe, "hub", "--hub-dir", self.dir, *args], env=self.env, input=stdin, capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"ccadmin hub {' '.join(args)[:200]}: {p.stdout[-2000:]}{p.stderr[-2000:]}")
        return p.stdout

    def start(self):
        self.cc("account", "add", HUB_USER, stdin=HUB_PASSWORD + "\n")
        self.proc = subprocess.Popen([self.exe, "hub", "--hub-dir", self.dir, "serve", "--listen", "127.0.0.1:0",
                                      "--hostname", "localhost"], env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        log = f"{self.dir}/logs/hub.log"

        def port():
            try:
                m = re.findall(r"listening on https://127\.0\.0\.1:(\d+)", open(log).read())
                return int(m[-1]) if m else None
            except OSError:
                return None
        self.port = wait("the hub's port", port)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def conn(port):
    return http.client.HTTPSConnection("127.0.0.1", port, context=INSECURE, timeout=120)


def call(c, method, path, body=None, headers=None):
    c.request(method, path, body=body, headers=dict({"Host": f"localhost:{c.port}"}, **(headers or {})))
    r = c.getresponse()
    return r.status, r.read(), r


def register(a, hub, n):
    """N clusters: codes at the console (one batch), completed through the node API. Tokens."""
    t0 = time.monotonic()
    batch = "".join(f"cluster add --display-name cap-{i:05d} --fqdn pub-{i:05d}.example.com "
                    f"--hub-url https://localhost:{hub.port}\n" for i in range(n))
    out = hub.cc("--output", "json", stdin=batch)
    codes = [json.loads(m.group(0))["code"] for m in re.finditer(r"^\{.*\}$", out, re.M)]
    if len(codes) != n:
        # the batch prints its JSON objects one after the other, perhaps over several lines
        dec, codes, i = json.JSONDecoder(), [], 0
        while i < len(out):
            if out[i] in " \r\n\t":
                i += 1
                continue
            obj, i = dec.raw_decode(out, i)
            codes.append(obj["code"])
    assert len(codes) == n, f"{len(codes)} codes for {n} clusters"
    t_codes = time.monotonic() - t0
    c = conn(hub.port)
    st, body, _ = call(c, "GET", "/api/v1/identity")
    hub_id = json.loads(body)["hub_id"]
    tokens = [None] * n
    rnd = random.Random(n)

    def complete(part):
        c = conn(hub.port)
        for i in part:
            b = json.dumps({"hub_id": hub_id, "code": codes[i], "fqdn": f"pub-{i:05d}.example.com",
                            "cert_sha256": "%064x" % rnd.getrandbits(256)}).encode()
            st, body, _ = call(c, "POST", "/api/v1/register", b, {"Content-Type": "application/json"})
            if st != 200:
                raise RuntimeError(f"register cap-{i:05d}: {st} {body[:200]!r}")
            tokens[i] = json.loads(body)["token"]
        c.close()

    import concurrent.futures
    t1 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        list(ex.map(complete, [range(k, n, 4) for k in range(4)]))
    t_done = time.monotonic() - t1
    assert all(tokens)
    nodes = []
    for i, tok in enumerate(tokens):
        nodes += [[tok, f"pub-{i:05d}.example.com"], [tok, f"sub-{i:05d}.example.com"]]
    return nodes, t_codes, t_done


def sign_in(port):
    c = conn(port)
    st, body, r = call(c, "GET", "/login")
    login_cookie = r.getheader("Set-Cookie").split(";")[0]
    csrf = re.search(r'name="csrf" value="([^"]+)"', body.decode()).group(1)
    form = urllib.parse.urlencode({"csrf": csrf, "next": "/cloudconnect", "name": HUB_USER, "password": HUB_PASSWORD})
    st, body, r = call(c, "POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": login_cookie})
    assert st in (302, 303), (st, body[:300])
    c.close()
    return [v.split(";")[0] for k, v in r.getheaders() if k.lower() == "set-cookie" and "session" in v][0]


def page(port, session, path="/cloudconnect"):
    """One page on a new connection: (status, ms, bytes, clusters shown, last page number)."""
    c = conn(port)
    t = time.perf_counter()
    st, body, _ = call(c, "GET", path, headers={"Cookie": session})
    ms = (time.perf_counter() - t) * 1000
    c.close()
    text = body.decode(errors="replace")
    pages = [int(x) for x in re.findall(r"[?&](?:amp;)?page=(\d+)", text)]
    shown = max(text.count('class="card cluster"'), text.count("data-name="))
    return st, ms, len(body), shown, max(pages, default=1)


def list_page(port, session):
    out = {}
    runs = [page(port, session) for _ in range(3)]
    st, _, size, shown, last = runs[0]
    out["first"] = {"status": st, "ms": statistics.median(r[1] for r in runs), "bytes": size, "shown": shown, "pages": last}
    if last > 1:
        runs = [page(port, session, f"/cloudconnect?page={last}") for _ in range(3)]
        out["last"] = {"status": runs[0][0], "ms": statistics.median(r[1] for r in runs), "bytes": runs[0][2], "shown": runs[0][3], "page": last}
    return out


def sqlite_probe(hub_dir, tokens):
    """The SQLite part of a poll, on a copy of the hub's database after the run: the statements
    `Hub::poll_every` runs for an up-to-date node (the token look-up, the cluster's nodes, the
    node's upsert and the cluster's last poll, each its own write transaction as the hub runs
    them (autocommit), the newest release), one after the other in one connection as the hub's
    one lock makes them; as is (WAL, synchronous=FULL: an fsync per commit), with an index on
    the token's hash, and with that index and synchronous=NORMAL. The look-up's query plan."""
    import hashlib
    src = sqlite3.connect(f"{hub_dir}/hub.db")
    src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = f"{hub_dir}/../probe.db"
    for s in ("", "-wal", "-shm"):
        if os.path.exists(copy + s):
            os.remove(copy + s)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    db = sqlite3.connect(copy, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    q = "SELECT id, display_name FROM cluster WHERE token_sha256 = ?"
    out = {"plan": " ".join(r[-1] for r in db.execute("EXPLAIN QUERY PLAN " + q, ("x",)))}
    cols = [r[1] for r in db.execute("PRAGMA table_info(cluster_node)")]
    interval = "poll_interval" in cols
    upsert = ("INSERT INTO cluster_node (cluster_id, node, version, last_poll" + (", poll_interval" if interval else "") +
              ") VALUES (?1, ?2, ?3, ?4" + (", NULL" if interval else "") + ") ON CONFLICT (cluster_id, node) DO UPDATE SET "
              "version = excluded.version, last_poll = excluded.last_poll" + (", poll_interval = excluded.poll_interval" if interval else ""))
    sample = [(hashlib.sha256(t.encode()).hexdigest(), n) for t, n in random.Random(5).sample(tokens, min(400, len(tokens)))]

    def polls(label):
        t = time.perf_counter()
        for h, node in sample:
            cid, _ = db.execute(q, (h,)).fetchone()
            db.execute("SELECT node FROM cluster_node WHERE cluster_id = ?1 ORDER BY node", (cid,)).fetchall()
            now = "2026-12-05T21:00:00Z"
            db.execute(upsert, (cid, node, VERSION, now))
            db.execute("UPDATE cluster SET last_poll = ?2 WHERE id = ?1", (cid, now))
            db.execute("SELECT version FROM release WHERE withdrawn_at IS NULL").fetchall()
        out[label] = (time.perf_counter() - t) * 1000 / len(sample)
        t = time.perf_counter()
        for h, _ in sample:
            db.execute(q, (h,)).fetchone()
        out[label + "_lookup"] = (time.perf_counter() - t) * 1000 / len(sample)

    db.execute("PRAGMA synchronous=FULL")
    polls("as_is")
    db.execute("CREATE INDEX probe_token ON cluster (token_sha256)")
    polls("indexed")
    db.execute("PRAGMA synchronous=NORMAL")
    polls("indexed_normal")
    db.close()
    for s in ("", "-wal", "-shm"):
        if os.path.exists(copy + s):
            os.remove(copy + s)
    return out


NODELAY_SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
int accept4(int fd, struct sockaddr *a, socklen_t *l, int flags) {
    static int (*real)(int, struct sockaddr *, socklen_t *, int);
    if (!real) real = dlsym(RTLD_NEXT, "accept4");
    int s = real(fd, a, l, flags);
    if (s >= 0) { int one = 1; setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); }
    return s;
}
"""


def nodelay_shim(tmp):
    """A diagnostic: a preloaded accept4 that sets TCP_NODELAY on the hub's accepted sockets
    (what the hub does not do), to show what it changes without changing the hub."""
    open(f"{tmp}/nodelay.c", "w").write(NODELAY_SHIM)
    sh(["gcc", "-shared", "-fPIC", "-O2", "-o", f"{tmp}/nodelay.so", f"{tmp}/nodelay.c", "-ldl"], check=True)
    return f"{tmp}/nodelay.so"


# ---------------------------------------------------------------- the baseline

class Nginx:
    def __init__(self, tmp, cert, key):
        self.dir = f"{tmp}/nginx"
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        conf = f"""
worker_processes 2;
user root root;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {self.dir}/body; proxy_temp_path {self.dir}/proxy; fastcgi_temp_path {self.dir}/fcgi;
  uwsgi_temp_path {self.dir}/uwsgi; scgi_temp_path {self.dir}/scgi;
  keepalive_timeout 10s;
  server {{
    listen 127.0.0.1:{self.port} ssl;
    ssl_certificate {cert}; ssl_certificate_key {key};
    ssl_protocols TLSv1.2 TLSv1.3;
    location = /api/v1/poll {{ default_type application/json; return 200 '{BASELINE_BODY}'; }}
  }}
}}
"""
        open(f"{self.dir}/nginx.conf", "w").write(conf)
        self.proc = subprocess.Popen(["nginx", "-c", f"{self.dir}/nginx.conf", "-g", "daemon off;", "-e", f"{self.dir}/error.log"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def up():
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return True
            except OSError:
                return False
        wait("nginx", up, 20)

    def cpu(self):
        """CPU of the master and its workers."""
        kids = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout.split()
        return sum(proc_cpu(int(k)) for k in kids) + proc_cpu(self.proc.pid)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def drive_nginx(a, ng, tokens, mode, seconds):
    c0 = ng.cpu()
    r = drive(a, ng.port, tokens, mode, seconds, ng.proc.pid)
    r["server_cpu"] = ng.cpu() - c0
    r["server_ms_per_poll"] = r["server_cpu"] * 1000 / max(1, r["ok"])
    return r


# ---------------------------------------------------------------- the report

def fmt_run(r):
    err = ", ".join(f"{k} {v}" for k, v in r["errors"].items()) or "0"
    late = "" if r["late_p99"] is None else f", start late p99 {r['late_p99']:.0f} ms (>1 s: {r['late_1s']})"
    return (f"{r['ok']:>7} ok in {r['seconds']:.1f} s = {r['rate']:7.1f} polls/s; p50 {r['p50']:6.1f} ms, p99 {r['p99']:7.1f} ms, "
            f"max {r['max']:7.1f} ms, over 35 ms {r['over_35ms'] * 100:.1f}%; errors {err}{late}; server CPU {r['server_ms_per_poll']:.2f} ms/poll "
            f"({r['server_cpu']:.1f} s), pollers {r['client_cores']:.2f} cores, machine busy {r['machine_busy'] * 100:.0f}%; "
            f"load {r['load']}" + (f"; reconnects {r['reconnects']}" if r["reconnects"] else ""))


def run_size(a, exe, tmp, n, baseline):
    print(f"\n== {n} clusters ({2 * n} nodes); load average {load()}")
    hub = Hub(exe, tmp, n)
    if a.nodelay_shim:
        hub.env["LD_PRELOAD"] = nodelay_shim(tmp)
    res = {"clusters": n}
    try:
        hub.start()
        nodes, t_codes, t_done = register(a, hub, n)
        res["register"] = {"codes_s": t_codes, "complete_s": t_done, "per_s": n / (t_codes + t_done)}
        res["db_registered"] = db_size(hub.dir)
        res["rss_registered"] = rss(hub.proc.pid)
        print(f"registered {n}: codes at the console {t_codes:.1f} s, completed through /api/v1/register {t_done:.1f} s "
              f"({n / (t_codes + t_done):.0f} clusters/s); hub.db {res['db_registered'][0]:.2f} MiB + WAL {res['db_registered'][1]:.2f} MiB; "
              f"RSS {res['rss_registered'][0]:.1f} MiB")
        if a.token_index:
            db = sqlite3.connect(f"{hub.dir}/hub.db", timeout=30)
            db.execute("CREATE INDEX IF NOT EXISTS bench_token ON cluster (token_sha256)")
            db.close()
        session = sign_in(hub.port)

        def page_midway():
            time.sleep(a.seconds / 2)
            st, ms, size, shown, last = page(hub.port, session)
            return {"status": st, "ms": ms, "bytes": size}

        logs0 = log_bytes(hub.dir)
        r = drive(a, hub.port, nodes, "paced", a.seconds, hub.proc.pid, during=page_midway)
        res["paced"] = r
        res["log_per_poll"] = (log_bytes(hub.dir) - logs0) / max(1, r["polls"])
        print(f"hub   paced, every node each {a.interval:g} s (target {len(nodes) / a.interval:.0f}/s): {fmt_run(r)}")
        print(f"      answers {r['bodies']}; list page during it: {r['during']}; hub.log {res['log_per_poll']:.0f} bytes per poll")
        r = drive(a, hub.port, nodes, "max", a.max_seconds, hub.proc.pid)
        res["max"] = r
        print(f"hub   max ({a.concurrency} at once): {fmt_run(r)}")
        res["rss"] = rss(hub.proc.pid)
        res["db"] = db_size(hub.dir)
        res["page"] = list_page(hub.port, session)
        print(f"hub   RSS {res['rss'][0]:.1f} MiB (peak VmHWM {res['rss'][1]:.1f} MiB); hub.db {res['db'][0]:.2f} MiB + WAL {res['db'][1]:.2f} MiB")
        print(f"      list page {res['page']}")
        if baseline:
            cert, key = f"{hub.dir}/tls/cert.pem", f"{hub.dir}/tls/key.pem"
            ng = Nginx(tmp, cert, key)
            try:
                r = drive_nginx(a, ng, nodes, "paced", a.seconds)
                res["nginx_paced"] = r
                print(f"nginx paced: {fmt_run(r)}")
                r = drive_nginx(a, ng, nodes, "max", a.max_seconds)
                res["nginx_max"] = r
                print(f"nginx max ({a.concurrency} at once): {fmt_run(r)}")
            finally:
                ng.stop()
    finally:
        hub.stop()
    res["sqlite"] = sqlite_probe(hub.dir, nodes)
    q = res["sqlite"]
    print(f"sqlite, a poll's statements one after the other: as is {q['as_is']:.3f} ms (token look-up {q['as_is_lookup']:.3f} ms: "
          f"{q['plan']}); with an index on the token's hash {q['indexed']:.3f} ms (look-up {q['indexed_lookup']:.3f} ms); "
          f"indexed and synchronous=NORMAL {q['indexed_normal']:.3f} ms")
    print(f"load average at the end {load()}")
    return res


def summary(a, all_res):
    print("\n== summary (" + ("kept-alive connections" if a.keepalive else "a new TLS connection per poll, as nodes do") + ")")
    cols = [r["clusters"] for r in all_res]
    rows = []

    def row(name, f):
        vals = []
        for r in all_res:
            try:
                vals.append(f(r))
            except (KeyError, TypeError):
                vals.append("-")
        rows.append((name, vals))
    row("registration (clusters/s)", lambda r: f"{r['register']['per_s']:.0f}")
    row(f"paced: target polls/s (each node every {a.interval:g} s)", lambda r: f"{2 * r['clusters'] / a.interval:.0f}")
    row("paced: polls/s done", lambda r: f"{r['paced']['rate']:.1f}")
    row("paced: p50 / p99 ms", lambda r: f"{r['paced']['p50']:.1f} / {r['paced']['p99']:.1f}")
    row("paced: errors", lambda r: str(sum(r['paced']['errors'].values())))
    row("paced: hub CPU ms per poll", lambda r: f"{r['paced']['server_ms_per_poll']:.2f}")
    row(f"max ({a.concurrency} at once): polls/s", lambda r: f"{r['max']['rate']:.0f}")
    row("max: p50 / p99 ms", lambda r: f"{r['max']['p50']:.1f} / {r['max']['p99']:.1f}")
    row("max: errors", lambda r: str(sum(r['max']['errors'].values())))
    row("max: hub CPU ms per poll / pollers' cores", lambda r: f"{r['max']['server_ms_per_poll']:.2f} / {r['max']['client_cores']:.2f}")
    row("hub RSS / peak MiB", lambda r: f"{r['rss'][0]:.1f} / {r['rss'][1]:.1f}")
    row("hub.db + WAL MiB", lambda r: f"{r['db'][0]:.2f} + {r['db'][1]:.2f}")
    row("list page ms (first page)", lambda r: f"{r['page']['first']['ms']:.0f}")
    row("list page bytes / clusters shown", lambda r: f"{r['page']['first']['bytes']:,} / {r['page']['first']['shown']}")
    row("list page: last page ms / bytes", lambda r: f"{r['page']['last']['ms']:.0f} / {r['page']['last']['bytes']:,}" if "last" in r["page"] else "(one page)")
    row("list page during paced polling ms", lambda r: f"{r['paced']['during']['ms']:.0f}")
    row("SQLite part of a poll ms (token look-up)", lambda r: f"{r['sqlite']['as_is']:.2f} ({r['sqlite']['as_is_lookup']:.2f})")
    row("SQLite-bound ceiling polls/s (one lock: 1 / that)", lambda r: f"{1000 / r['sqlite']['as_is']:.0f}")
    row("hub CPU-bound ceiling polls/s per core (max run)", lambda r: f"{1000 / r['max']['server_ms_per_poll']:.0f}")
    row("hub.log bytes per poll", lambda r: f"{r['log_per_poll']:.0f}")
    row("  … with a token index / + sync NORMAL", lambda r: f"{r['sqlite']['indexed']:.2f} / {r['sqlite']['indexed_normal']:.2f}")
    row("nginx paced: p50 / p99 ms", lambda r: f"{r['nginx_paced']['p50']:.1f} / {r['nginx_paced']['p99']:.1f}")
    row("ratio hub / nginx paced p50", lambda r: f"{r['paced']['p50'] / r['nginx_paced']['p50']:.2f}x")
    row("nginx max polls/s", lambda r: f"{r['nginx_max']['rate']:.0f}")
    row("ratio hub / nginx max polls/s", lambda r: f"{r['max']['rate'] / r['nginx_max']['rate']:.2f}x")
    row("nginx CPU ms per answer (max)", lambda r: f"{r['nginx_max']['server_ms_per_poll']:.2f}")
    w = max(len(n) for n, _ in rows)
    print(f"{'':{w}}  " + "  ".join(f"{c:>16}" for c in cols))
    for name, vals in rows:
        print(f"{name:{w}}  " + "  ".join(f"{v:>16}" for v in vals))
    if len(all_res) >= 2:
        x, y = all_res[0], all_res[-1]
        f = y["clusters"] / x["clusters"]
        print(f"growth {x['clusters']} -> {y['clusters']} clusters ({f:g}x): max polls/s {y['max']['rate'] / x['max']['rate']:.2f}x, "
              f"paced p99 {y['paced']['p99'] / x['paced']['p99']:.2f}x, RSS {y['rss'][0] / x['rss'][0]:.2f}x, "
              f"hub.db {y['db'][0] / x['db'][0]:.2f}x, list page ms {y['page']['first']['ms'] / x['page']['first']['ms']:.2f}x, "
              f"bytes {y['page']['first']['bytes'] / x['page']['first']['bytes']:.2f}x")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clusters", default="1000,10000", help="sizes, comma-separated (a fresh hub each)")
    ap.add_argument("--interval", type=float, default=60, help="each node polls every INTERVAL seconds (paced run)")
    ap.add_argument("--seconds", type=float, default=60, help="the paced run's length")
    ap.add_argument("--max-seconds", type=float, default=30, help="the as-fast-as-possible run's length")
    ap.add_argument("--concurrency", type=int, default=32, help="polls in flight at once in the max run")
    ap.add_argument("--procs", type=int, default=2, help="poller processes")
    ap.add_argument("--keepalive", action="store_true", help="reuse TLS connections (nodes make one per poll)")
    ap.add_argument("--no-baseline", action="store_true", help="skip nginx")
    ap.add_argument("--token-index", action="store_true",
                    help="diagnostic: add an index on cluster(token_sha256) to the hub's database after registering")
    ap.add_argument("--nodelay-shim", action="store_true",
                    help="diagnostic: run the hub with TCP_NODELAY set on its accepted sockets (an LD_PRELOAD shim, gcc)")
    ap.add_argument("--exe", default=os.path.join(ROOT, "target/release/ccadmin"), help="the ccadmin to run (release build)")
    ap.add_argument("--build", action="store_true", help="cargo build --release first")
    ap.add_argument("--json", help="write the figures to this file")
    a = ap.parse_args()
    sizes = [int(x) for x in a.clusters.split(",")]
    assert all(1 <= n <= 99999 for n in sizes) and 1 <= a.seconds <= 600 and 1 <= a.max_seconds <= 600
    if a.build:
        sh(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    if not os.path.exists(a.exe):
        sys.exit(f"{a.exe} is missing: cargo build --release (or --build)")
    baseline = not a.no_baseline
    if baseline and not shutil.which("nginx"):
        sh(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "nginx"], check=True,
           env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    print(f"hub capacity: {os.cpu_count()} cores, {a.exe} ({time.strftime('%Y-%m-%d %H:%M', time.gmtime(os.path.getmtime(a.exe)))} UTC), "
          f"pollers {a.procs} processes (Python {sys.version.split()[0]}, asyncio + ssl), "
          + ("kept-alive connections" if a.keepalive else "a new TLS connection per poll")
          + ("; DIAGNOSTIC: the hub runs with TCP_NODELAY preloaded" if a.nodelay_shim else "")
          + ("; DIAGNOSTIC: an index on the token's hash added to hub.db" if a.token_index else ""))
    all_res = []
    with tempfile.TemporaryDirectory(prefix="hub-capacity-") as tmp:
        for n in sizes:
            all_res.append(run_size(a, a.exe, tmp, n, baseline))
            shutil.rmtree(f"{tmp}/hub-{n}", ignore_errors=True)
    summary(a, all_res)
    if a.json:
        for r in all_res:
            for k in ("paced", "max", "nginx_paced", "nginx_max"):
                if k in r:
                    r[k].pop("bodies", None)
        json.dump(all_res, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    import builtins, functools
    builtins.print = functools.partial(builtins.print, flush=True)
    main()
