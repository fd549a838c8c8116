#!/usr/bin/env python3
"""Login limiter under a burst (issue 9, item 3), loopback only, bounded.

200 simultaneous HTTP Basic logins for one valid application user from one address, all with
wrong passwords (half repeat one guess, half are different), against `ccadmin serve`. Reports
how the service answered (401 = a password was checked and refused; 429 = limited; 503 = busy)
and the service's peak resident memory (VmHWM) before and after the burst.

Usage: python3 bench/login_burst_bench.py [BASELINE_CCADMIN]
With BASELINE_CCADMIN (an older build), the same burst runs against it too, side by side.
"""
import base64, http.client, os, socket, ssl, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "Bench-Pass-2026"
BURST = 200

def wait_port(p, secs=20):
    deadline = time.time() + secs
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", p), 0.2).close(); return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {p}")

def peak_rss_mib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")

def burst(exe, tmp, label):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCADMIN_") and k != "DBUS_SESSION_BUS_ADDRESS"}
    env["CCADMIN_STATE_DIR"] = f"{tmp}/{label}"
    subprocess.run([exe, "utils", "applicationuser", "add", "ccadmin"], env=dict(env, CCADMIN_APPLICATIONUSER_PASSWORD=PASSWORD), check=True, capture_output=True)
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    server = subprocess.Popen([exe, "serve", "--listen", f"127.0.0.1:{port}"], env=env, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        while not os.path.exists(f"{tmp}/{label}/tls/cert.pem"):
            time.sleep(0.05)
        ctx = ssl.create_default_context(cafile=f"{tmp}/{label}/tls/cert.pem")
        ctx.check_hostname = False
        before = peak_rss_mib(server.pid)
        statuses, lock, go = [], threading.Lock(), threading.Event()
        def one(i):
            guess = "wrong-guess" if i % 2 == 0 else f"wrong-{i}"
            auth = base64.b64encode(f"ccadmin:{guess}".encode()).decode()
            c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=60)
            try:
                c.connect()
                go.wait()
                c.request("GET", "/inventory/cluster", headers={"Authorization": f"Basic {auth}"})
                st = c.getresponse().status
            except Exception:
                st = 0
            with lock:
                statuses.append(st)
        threads = [threading.Thread(target=one, args=(i,)) for i in range(BURST)]
        for t in threads: t.start()
        time.sleep(1.0)  # let every connection finish its TLS handshake, then release them at once
        t0 = time.time(); go.set()
        for t in threads: t.join()
        elapsed = time.time() - t0
        after = peak_rss_mib(server.pid)
        counts = {k: statuses.count(k) for k in sorted(set(statuses))}
        return counts, before, after, elapsed
    finally:
        server.terminate(); server.wait(timeout=30)

def main():
    subprocess.run(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    runs = [("this build", os.path.join(ROOT, "target/release/ccadmin"))]
    if len(sys.argv) > 1:
        runs.insert(0, ("baseline", sys.argv[1]))
    print(f"{BURST} simultaneous wrong logins for one user from one address")
    print(f"{'build':<12} {'401':>5} {'429':>5} {'503':>5} {'other':>6} {'peak RSS before':>16} {'peak RSS after':>15} {'time':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, exe in runs:
            counts, before, after, elapsed = burst(exe, tmp, label.replace(" ", "-"))
            other = sum(v for k, v in counts.items() if k not in (401, 429, 503))
            print(f"{label:<12} {counts.get(401, 0):>5} {counts.get(429, 0):>5} {counts.get(503, 0):>5} {other:>6} {before:>13.1f} MiB {after:>11.1f} MiB {elapsed:>6.2f}s")

if __name__ == "__main__":
    main()
