#!/usr/bin/env python3
"""Memory under bursts of bad sign-ins (issue 24, finding 8), loopback only, bounded.

Eight bursts of 200 simultaneous HTTP Basic sign-ins with wrong passwords, from one address,
against `ccadmin serve` (an application user, `GET /inventory/cluster`) and against
`ccadmin hub serve` (a hub account, `GET /api/v1/clusters`). After each burst the service's
resident memory (VmRSS) is read; the table shows it before, after bursts 1, 4 and 8, and the
peak (VmHWM). A service whose memory levels off keeps its blocks bounded; one that grows with
every burst keeps what each password check took.

Usage: python3 bench/sign_in_memory_bench.py [--bursts 8] [--size 200]
"""
import argparse, base64, http.client, os, socket, ssl, subprocess, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "Bench-Pass-2026"


def status_kib(pid, key):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def port_of(log, secs=30):
    deadline = time.time() + secs
    while time.time() < deadline:
        if os.path.exists(log):
            for line in open(log):
                if "listening on https://127.0.0.1:" in line:
                    return int(line.rsplit(":", 1)[1].strip().rstrip("/"))
        time.sleep(0.05)
    raise SystemExit(f"the service never said where it listens ({log})")


def burst(port, cafile, path, user, size):
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = False
    go, statuses, lock = threading.Event(), [], threading.Lock()

    def one(i):
        auth = base64.b64encode(f"{user}:wrong-{i}".encode()).decode()
        c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=120)
        try:
            c.connect()
            go.wait()
            c.request("GET", path, headers={"Authorization": f"Basic {auth}"})
            st = c.getresponse().status
        except Exception:
            st = 0
        with lock:
            statuses.append(st)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(size)]
    for t in threads:
        t.start()
    time.sleep(1.0)  # every connection's TLS handshake done, then all at once
    go.set()
    for t in threads:
        t.join()
    return statuses


def run(label, argv, env, log, cafile, path, user, a):
    p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port = port_of(log)
        while not os.path.exists(cafile):
            time.sleep(0.05)
        rss = [status_kib(p.pid, "VmRSS")]
        answered = 0
        for _ in range(a.bursts):
            st = burst(port, cafile, path, user, a.size)
            answered += sum(1 for s in st if s in (401, 429, 503))
            time.sleep(0.5)
            rss.append(status_kib(p.pid, "VmRSS"))
        peak = status_kib(p.pid, "VmHWM")
        mib = lambda k: f"{k / 1024:.1f} MiB"
        print(f"{label:<14} {mib(rss[0]):>10} {mib(rss[1]):>10} {mib(rss[min(4, a.bursts)]):>10} {mib(rss[-1]):>10} {mib(peak):>10}   {answered} of {a.bursts * a.size} answered 401/429/503")
    finally:
        p.terminate()
        p.wait(timeout=30)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bursts", type=int, default=8)
    ap.add_argument("--size", type=int, default=200)
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target/release/ccadmin")
    base = {k: v for k, v in os.environ.items() if not k.startswith("CCADMIN_") and k != "DBUS_SESSION_BUS_ADDRESS"}
    print(f"{a.bursts} bursts of {a.size} simultaneous wrong sign-ins from one address; resident memory (VmRSS)")
    print(f"{'service':<14} {'before':>10} {'burst 1':>10} {'burst 4':>10} {'burst ' + str(a.bursts):>10} {'peak':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        st = f"{tmp}/node"
        env = dict(base, CCADMIN_STATE_DIR=st, HOME=tmp)
        subprocess.run([exe, "utils", "applicationuser", "add", "ccadmin"], env=dict(env, CCADMIN_APPLICATIONUSER_PASSWORD=PASSWORD), check=True, capture_output=True)
        run("ccadmin serve", [exe, "serve", "--listen", "127.0.0.1:0"], env, f"{st}/logs/serve.log", f"{st}/tls/cert.pem", "/inventory/cluster", "ccadmin", a)
        hub = f"{tmp}/hub"
        env = dict(base, HOME=tmp)
        subprocess.run([exe, "hub", "--hub-dir", hub, "account", "add", "admin"], env=env, input=(PASSWORD + "\n").encode(), check=True, capture_output=True)
        run("ccadmin hub", [exe, "hub", "--hub-dir", hub, "serve", "--listen", "127.0.0.1:0"], env, f"{hub}/logs/hub.log", f"{hub}/tls/cert.pem", "/api/v1/clusters", "admin", a)


if __name__ == "__main__":
    main()
