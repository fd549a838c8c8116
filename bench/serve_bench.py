#!/usr/bin/env python3
"""Node service and onboarding benchmarks (issue 5), loopback only, bounded:

(a) the key endpoint (`GET /inventory/controlnode/key`, HTTP Basic over TLS) under concurrency,
    measured with wrk (10 s runs at 1, 16 and 64 connections);
(b) onboarding a VOS cluster of 1, 2, 5 and 10 members against that service: the members are
    one OpenSSH sshd listening on 10 loopback ports; time of `utils system onboard trigger`.

Usage: python3 bench/serve_bench.py
Installs wrk and openssh-server with apt (as root) when missing.
"""
import base64, os, shutil, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "Bench-Pass-2026"

def sh(argv, **kw):
    kw.setdefault("timeout", 600)
    return subprocess.run(argv, **kw)

def free_ports(n):
    socks = []
    for _ in range(n):
        s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks: s.close()
    return ports

def wait_port(p, secs=15):
    deadline = time.time() + secs
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", p), 0.2).close(); return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {p}")

def main():
    for tool, pkg in (("/usr/bin/wrk", "wrk"), ("/usr/sbin/sshd", "openssh-server")):
        if not os.path.exists(tool):
            sh(["apt-get", "install", "-y", "-qq", pkg], check=True)
    sh(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target/release/ccadmin")
    os.makedirs("/run/sshd", exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("CCADMIN_") and k != "DBUS_SESSION_BUS_ADDRESS"}
        cc = dict(base_env, CCADMIN_STATE_DIR=f"{tmp}/cc")
        [port] = free_ports(1)
        sh([exe, "utils", "applicationuser", "add", "ccadmin"], env=dict(cc, CCADMIN_APPLICATIONUSER_PASSWORD=PASSWORD), check=True, capture_output=True)
        sh([exe, "utils", "node", "set", "--hostname", f"localhost:{port}"], env=cc, check=True, capture_output=True)
        pem = sh([exe, "show", "cert", "own"], env=cc, check=True, capture_output=True, text=True).stdout
        open(f"{tmp}/cc.pem", "w").write(pem)
        server = subprocess.Popen([exe, "serve", "--listen", f"127.0.0.1:{port}"], env=cc, stderr=subprocess.DEVNULL)
        try:
            wait_port(port)
            auth = base64.b64encode(f"ccadmin:{PASSWORD}".encode()).decode()
            url = f"https://localhost:{port}/inventory/controlnode/key"
            print("(a) GET /inventory/controlnode/key, HTTP Basic over TLS, wrk 10 s")
            for conns in (1, 16, 64):
                out = sh(["wrk", f"-t{min(2, conns)}", f"-c{conns}", "-d10s", "-H", f"Authorization: Basic {auth}", url], capture_output=True, text=True).stdout
                rps = next((l.split()[1] for l in out.splitlines() if l.startswith("Requests/sec")), "?")
                errors = [l.strip() for l in out.splitlines() if "Non-2xx" in l or "Socket errors" in l]
                lat = next((l.split()[1] for l in out.splitlines() if l.strip().startswith("Latency")), "?")
                print(f"    {conns:3d} connections: {rps:>10} requests/s, mean latency {lat}{'  ' + '; '.join(errors) if errors else ''}")

            # (b) onboarding growth
            sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{tmp}/host"], check=True)
            sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{tmp}/platform"], check=True)
            shutil.copy(f"{tmp}/platform.pub", f"{tmp}/authorized_keys")
            ports = free_ports(10)
            with open(f"{tmp}/sshd_config", "w") as f:
                f.write("".join(f"Port {p}\n" for p in ports))
                f.write(f"ListenAddress 127.0.0.1\nHostKey {tmp}/host\nPidFile {tmp}/sshd.pid\nAuthorizedKeysFile {tmp}/authorized_keys\n"
                        "UsePAM no\nStrictModes no\nPermitRootLogin yes\nSubsystem sftp internal-sftp\nMaxStartups 100\nLogLevel ERROR\n")
            sshd = subprocess.Popen(["/usr/sbin/sshd", "-D", "-f", f"{tmp}/sshd_config"])
            try:
                for p in ports: wait_port(p)
                print("(b) utils system onboard trigger, VOS cluster of N members (one sshd, 10 ports)")
                base_t = None
                for n in (1, 2, 5, 10):
                    vos = dict(base_env, CCADMIN_STATE_DIR=f"{tmp}/vos{n}")
                    sh([exe, "utils", "cert", "import", f"{tmp}/cc.pem"], env=vos, check=True, capture_output=True)
                    sh([exe, "-y", "utils", "node", "set", "--role", "vos", "--component", "Finesse", "--hostname", f"127.0.0.1:{ports[0]}",
                        "--orchestration-user", "root", "--authorized-keys", f"{tmp}/vos{n}/member0_keys"], env=vos, check=True, capture_output=True)
                    for i in range(1, n):
                        sh([exe, "utils", "node", "cluster", "add", f"127.0.0.1:{ports[i]}", "--user", "root", "--authorized-keys",
                            f"{tmp}/vos{n}/member{i}_keys", "--identity", f"{tmp}/platform"], env=vos, check=True, capture_output=True)
                    t = time.perf_counter()
                    r = sh([exe, "utils", "system", "onboard", "trigger", "--cloud-connect", f"localhost:{port}", "--username", "ccadmin"],
                           env=dict(vos, CCADMIN_CC_PASSWORD=PASSWORD), capture_output=True, text=True)
                    dt = time.perf_counter() - t
                    if r.returncode != 0:
                        raise SystemExit(r.stdout + r.stderr)
                    base_t = base_t or dt
                    print(f"    {n:2d} members: {dt*1000:8.1f} ms   ({dt/base_t:4.1f}x the 1-member time, {dt*1000/n:6.1f} ms per member)")
            finally:
                sshd.terminate(); sshd.wait(timeout=10)
        finally:
            server.terminate(); server.wait(timeout=20)

if __name__ == "__main__":
    main()
