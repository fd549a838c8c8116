#!/usr/bin/env python3
"""test-connection at scale (issue 16), side by side in one run, loopback only, bounded:

200 and 1,000 "hosts" = OpenSSH sshd processes of 16 loopback ports each (13 and 63 of them,
MaxStartups 100, one host key, the node's key authorized), checked by
  ccadmin `utils deployment test-connection --parallel N --timeout 10`, and
  an OpenSSH fan-out `xargs -P N ssh -o BatchMode=yes ... true`
at the same N, printing hosts passed and wall time for each, and their ratio.

With --holes K, K of the hosts are black holes (accept TCP, never speak): both tools then
cost about one timeout more, and the ratio shows what ccadmin's retry rule costs.

Usage: python3 bench/scale_bench.py [--sizes 200,1000] [--timeout 10] [--holes K] [--parallel N,...]
Installs openssh-server (apt, as root) when missing.
"""
import argparse, os, resource, socket, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PARALLEL = {200: (16, 32, 64, 200), 1000: (64, 200, 1000)}

def sh(argv, **kw):
    kw.setdefault("timeout", 900)
    return subprocess.run(argv, **kw)

def free_ports(n):
    socks = []
    for _ in range(n):
        s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks: s.close()
    return ports

def black_hole(stop):
    l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(64)
    port = l.getsockname()[1]
    held = []
    def run():
        l.settimeout(0.5)
        while not stop.is_set():
            try:
                held.append(l.accept()[0])
            except OSError:
                pass
        for c in held: c.close()
        l.close()
    threading.Thread(target=run, daemon=True).start()
    return port

def timed(argv, **kw):
    t = time.perf_counter()
    p = sh(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    return time.perf_counter() - t, p

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="200,1000")
    ap.add_argument("--timeout", type=int, default=10)
    ap.add_argument("--holes", type=int, default=0)
    ap.add_argument("--parallel", default="")
    a = ap.parse_args()
    stop = threading.Event()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    sh(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target/release/ccadmin")
    if not os.path.exists("/usr/sbin/sshd"):
        sh(["apt-get", "install", "-y", "-qq", "openssh-server"], check=True)
    os.makedirs("/run/sshd", exist_ok=True)
    for size in (int(x) for x in a.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            env = {k: v for k, v in os.environ.items() if not k.startswith("CCADMIN_")}
            env["CCADMIN_STATE_DIR"] = f"{tmp}/state"
            pub = sh([exe, "utils", "controlnode", "key"], env=env, capture_output=True, text=True, check=True).stdout.strip()
            key = f"{tmp}/state/ssh/id_ed25519"
            sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{tmp}/host"], check=True)
            open(f"{tmp}/authorized_keys", "w").write(pub + "\n")
            ports = free_ports(size)
            sshds = []
            for n, i in enumerate(range(0, len(ports), 16)):
                with open(f"{tmp}/sshd_config{n}", "w") as f:
                    f.write("".join(f"Port {p}\n" for p in ports[i:i + 16]))
                    f.write(f"ListenAddress 127.0.0.1\nHostKey {tmp}/host\nPidFile {tmp}/pid{n}\nAuthorizedKeysFile {tmp}/authorized_keys\n"
                            "UsePAM no\nStrictModes no\nPermitRootLogin yes\nSubsystem sftp internal-sftp\nMaxStartups 100\nMaxSessions 100\nLogLevel ERROR\n")
                sshds.append(subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", f"{tmp}/sshd_config{n}"], stderr=subprocess.DEVNULL))
            try:
                deadline = time.time() + 30
                for p in ports:
                    while time.time() < deadline:
                        try:
                            socket.create_connection(("127.0.0.1", p), 0.2).close(); break
                        except OSError:
                            time.sleep(0.05)
                kh = f"{tmp}/state/known_hosts"
                hostkey = open(f"{tmp}/host.pub").read().split()[:2]
                with open(kh, "w") as f:
                    for p in ports:
                        f.write(f"[127.0.0.1]:{p} {hostkey[0]} {hostkey[1]}\n")
                targets = ports[: size - a.holes] + [black_hole(stop) for _ in range(a.holes)]
                inv = ["---", "inventory:", "  VOS: {}", "  Windows:", "    PG:"]
                for i, p in enumerate(targets):
                    inv.append(f'      PG{i}:\n        hosts:\n        - name: "127.0.0.1:{p}"\n          side: "A"\n          user: "root"')
                inv.append('  deploymentType: "UCCE-4000-Agents"')
                remote = f"{tmp}/remote"; os.makedirs(remote)
                open(f"{remote}/inventory.conf", "w").write("\n".join(inv) + "\n")
                sh([exe, "--yes", "utils", "system", "inventory", "import", "--sftp-server", f"127.0.0.1:{ports[0]}", "--sftp-user", "root",
                    "--sftp-identity", key, "--sftp-directory", remote], env=env, check=True, stdout=subprocess.DEVNULL)
                print(f"{size} hosts ({len(sshds)} sshd of 16 ports{f', {a.holes} of them black holes' if a.holes else ''}), timeout {a.timeout}s")
                print(f"    {'N':>5}  {'ccadmin passed':>14} {'time':>8}  {'ssh fan-out passed':>18} {'time':>8}  {'ccadmin/fan-out':>15}  ccadmin summary")
                counts = tuple(int(x) for x in a.parallel.split(",")) if a.parallel else PARALLEL.get(size, (16, 64, size))
                for n in counts:
                    t_cc, p = timed([exe, "utils", "deployment", "test-connection", "--parallel", str(n), "--timeout", str(a.timeout)], env=env)
                    open(f"/tmp/scale-{size}-{n}.txt", "w").write(p.stdout + p.stderr)
                    ok = p.stdout.count(" Success ")
                    summary = (p.stdout.strip().splitlines() or [""])[-1]
                    fan = "\n".join(str(p) for p in targets)
                    t_x, px = timed(["bash", "-c", f"xargs -P {n} -I{{}} sh -c 'timeout {a.timeout + 5} ssh -q -o BatchMode=yes -o ConnectTimeout={a.timeout} "
                                     f"-o UserKnownHostsFile={kh} -o StrictHostKeyChecking=yes -i {key} -p {{}} root@127.0.0.1 true && echo OK'"], input=fan)
                    ok_x = px.stdout.count("OK")
                    print(f"    {n:>5}  {ok:>10}/{size - a.holes:<3} {t_cc:7.2f}s  {ok_x:>14}/{size - a.holes:<3} {t_x:7.2f}s  {t_cc / t_x:14.2f}x  {summary}")
                    sys.stdout.flush()
            finally:
                stop.set()
                for d in sshds:
                    d.terminate()
                for d in sshds:
                    d.wait(timeout=10)

if __name__ == "__main__":
    main()
