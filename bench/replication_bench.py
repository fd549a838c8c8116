#!/usr/bin/env python3
"""Cloud Connect replication (issue 12), side by side in one run, loopback only, bounded.

A publisher and a subscriber (`ccadmin serve`, release build, each on a port the kernel picks)
that share the cluster secret and trust each other's certificate. Measured:

1. Visibility latency over 200 changes: each change is `utils applicationuser add` on the
   publisher; the clock starts when that command has exited (the change is committed) and stops
   when the subscriber's database shows the user (polled read-only every 0.2 ms).
   Peer: what an administrator would otherwise do to get the state across, copy the database
   with OpenSSH after the change (`scp ccadmin.db*` to a loopback sshd), timed the same way.
2. Catch-up after 1,000 changes made while the subscriber was down: from starting the
   subscriber's service until its last applied change is the publisher's newest.
   Peer: one `scp` of the publisher's whole database (which by then holds the 1,000 changes).

Usage: python3 bench/replication_bench.py [--changes 200] [--down 1000]
Installs openssh-server (apt, as root) when missing.
"""
import argparse, os, signal, socket, sqlite3, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET = "bench-cluster-secret-0123456789"
PASSWORD = "Bench-Pass-2026"


def sh(argv, **kw):
    kw.setdefault("timeout", 600)
    return subprocess.run(argv, **kw)


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()
    return p


class Node:
    def __init__(self, exe, state):
        self.exe, self.state, self.proc, self.port = exe, state, None, None
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CCADMIN_")}
        self.env["CCADMIN_STATE_DIR"] = state

    def cc(self, *args, extra=None, stdin=None):
        env = dict(self.env, **(extra or {}))
        return sh([self.exe, *args], env=env, input=stdin, capture_output=True, text=True, check=True).stdout

    def serve(self, port=0):
        log = os.path.join(self.state, "logs/serve.log")
        before = os.path.getsize(log) if os.path.exists(log) else 0
        started = time.perf_counter()
        self.proc = subprocess.Popen([self.exe, "serve", "--listen", f"127.0.0.1:{port}", "--sync-interval", "30"],
                                     env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            if os.path.exists(log):
                text = open(log, "rb").read()[before:].decode(errors="replace")
                if "listening on https://127.0.0.1:" in text:
                    self.port = int(text.split("listening on https://127.0.0.1:")[1].split()[0])
                    return started
            time.sleep(0.01)
        sys.exit("ccadmin serve did not start")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM); self.proc.wait(timeout=30)

    def db(self):
        return sqlite3.connect(f"file:{self.state}/ccadmin.db?mode=ro", uri=True, isolation_level=None)


LOGS = []


def wait(what, f, secs=60, step=0.0002):
    deadline = time.perf_counter() + secs
    while not f():
        if time.perf_counter() > deadline:
            for log in LOGS:
                if os.path.exists(log):
                    sys.stderr.write(f"--- {log}\n" + open(log).read()[-3000:])
            sys.exit(f"timed out: {what}")
        time.sleep(step)
    return time.perf_counter()


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--changes", type=int, default=200)
    ap.add_argument("--down", type=int, default=1000)
    a = ap.parse_args()
    sh(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target/release/ccadmin")
    if not os.path.exists("/usr/sbin/sshd"):
        sh(["apt-get", "install", "-y", "-qq", "openssh-server"], check=True)
    os.makedirs("/run/sshd", exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pub, sub = Node(exe, f"{tmp}/pub"), Node(exe, f"{tmp}/sub")
        LOGS.extend([f"{tmp}/pub/logs/serve.log", f"{tmp}/sub/logs/serve.log"])
        for n in (pub, sub):
            n.cc("utils", "applicationuser", "add", "ccadmin", extra={"CCADMIN_APPLICATIONUSER_PASSWORD": PASSWORD})
            n.cc("utils", "node", "cluster-secret", extra={"CCADMIN_CLUSTER_SECRET": SECRET})
        pub.serve(); sub.serve()
        pub.cc("utils", "node", "set", "--hostname", f"localhost:{pub.port}")
        sub.cc("utils", "node", "set", "--hostname", f"localhost:{sub.port}")
        sub.cc("-y", "utils", "node", "set", "--role", "subscriber", "--publisher", f"localhost:{pub.port}")
        for a_, b_, name in ((sub, pub, "subscriber"), (pub, sub, "publisher")):
            open(f"{tmp}/{name}.pem", "w").write(a_.cc("show", "cert", "own"))
            b_.cc("utils", "cert", "import", f"{tmp}/{name}.pem")
        sdb, pdb = sub.db(), pub.db()
        seq = lambda: pdb.execute("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name='replication_log'),0)").fetchone()[0]
        applied = lambda: sdb.execute("SELECT COALESCE(MAX(seq_to),0) FROM replication_applied").fetchone()[0]
        wait("the first snapshot", lambda: applied() > 0 and applied() >= seq(), step=0.01)

        # The OpenSSH peer: a loopback sshd taking scp into a directory.
        sshd_dir = f"{tmp}/sshd"; os.makedirs(sshd_dir)
        sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{sshd_dir}/host"], check=True)
        sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{sshd_dir}/client"], check=True)
        open(f"{sshd_dir}/authorized_keys", "w").write(open(f"{sshd_dir}/client.pub").read())
        port = free_port()
        open(f"{sshd_dir}/config", "w").write(
            f"Port {port}\nListenAddress 127.0.0.1\nHostKey {sshd_dir}/host\nPidFile {sshd_dir}/pid\n"
            f"AuthorizedKeysFile {sshd_dir}/authorized_keys\nUsePAM no\nStrictModes no\nPermitRootLogin yes\n"
            "Subsystem sftp internal-sftp\nLogLevel ERROR\n")
        sshd = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", f"{sshd_dir}/config"], stderr=subprocess.DEVNULL)
        copy_dir = f"{tmp}/copy"; os.makedirs(copy_dir)
        hk = open(f"{sshd_dir}/host.pub").read().split()[:2]
        open(f"{sshd_dir}/known_hosts", "w").write(f"[127.0.0.1]:{port} {hk[0]} {hk[1]}\n")
        scp = ["scp", "-q", "-P", str(port), "-i", f"{sshd_dir}/client", "-o", "BatchMode=yes",
               "-o", f"UserKnownHostsFile={sshd_dir}/known_hosts"]
        try:
            deadline = time.time() + 10
            while time.time() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), 0.2).close(); break
                except OSError:
                    time.sleep(0.05)

            # 1. Visibility latency.
            cc_lat, scp_lat = [], []
            for i in range(a.changes):
                name = f"lat{i:04d}"
                pub.cc("utils", "applicationuser", "add", name, extra={"CCADMIN_APPLICATIONUSER_PASSWORD": PASSWORD})
                t0 = time.perf_counter()
                t1 = wait(name, lambda: sdb.execute("SELECT 1 FROM app_user WHERE name = ?", (name,)).fetchone() is not None)
                cc_lat.append(t1 - t0)
                t0 = time.perf_counter()
                files = [f"{pub.state}/ccadmin.db"] + [f for f in (f"{pub.state}/ccadmin.db-wal",) if os.path.exists(f)]
                sh(scp + files + [f"root@127.0.0.1:{copy_dir}/"], check=True)
                scp_lat.append(time.perf_counter() - t0)
            ms = lambda x: f"{x * 1000:.1f} ms"
            print(f"visibility latency over {a.changes} changes (applicationuser add on the publisher):")
            print(f"  ccadmin replication : median {ms(statistics.median(cc_lat))}, p99 {ms(pct(cc_lat, 99))}, max {ms(max(cc_lat))}")
            print(f"  scp of the database : median {ms(statistics.median(scp_lat))}, p99 {ms(pct(scp_lat, 99))}, max {ms(max(scp_lat))}")
            print(f"  ratio ccadmin/scp   : median {statistics.median(cc_lat) / statistics.median(scp_lat):.2f}x, "
                  f"p99 {pct(cc_lat, 99) / pct(scp_lat, 99):.2f}x")

            # 2. Catch-up after changes made while the subscriber was down.
            sub.stop()
            lines = "".join(f"utils applicationuser add down{i:05d}\n" for i in range(a.down))
            t = time.perf_counter()
            pub.cc(extra={"CCADMIN_APPLICATIONUSER_PASSWORD": PASSWORD}, stdin=lines)
            made = time.perf_counter() - t
            target = seq()
            lag = target - applied()
            started = sub.serve(sub.port)  # the port its host name carries
            done = wait("the catch-up", lambda: applied() >= target, secs=300, step=0.001)
            users = sdb.execute("SELECT COUNT(*) FROM app_user WHERE name LIKE 'down%'").fetchone()[0]
            t0 = time.perf_counter()
            sh(scp + [f"{pub.state}/ccadmin.db", f"root@127.0.0.1:{copy_dir}/"], check=True)
            scp_whole = time.perf_counter() - t0
            size = os.path.getsize(f"{pub.state}/ccadmin.db")
            print(f"catch-up after {a.down} changes made while the subscriber was down "
                  f"(made in {made:.1f} s, {lag} log entries behind):")
            print(f"  ccadmin, service start to caught up : {(done - started) * 1000:.0f} ms ({users} users arrived)")
            print(f"  scp of the whole database ({size // 1024} KiB) : {scp_whole * 1000:.0f} ms")
            print(f"  ratio ccadmin/scp                    : {(done - started) / scp_whole:.2f}x")
            if users != a.down:
                sys.exit(f"only {users} of {a.down} users arrived")
        finally:
            sshd.terminate(); sshd.wait()
            for n in (pub, sub):
                if n.proc and n.proc.poll() is None:
                    n.stop()


if __name__ == "__main__":
    main()
