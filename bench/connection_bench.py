#!/usr/bin/env python3
"""test-connection benchmark (issue 6), side by side in one run, loopback only:

50 "hosts" = one OpenSSH sshd listening on 50 loopback ports, the same key for every tool:
  ccadmin `utils deployment test-connection --parallel 50`,
  Ansible `ansible all -m ping` with forks = 50 and with Ansible's default forks (5),
  an OpenSSH fan-out `xargs -P 50 ssh -o BatchMode=yes ... true`;
then again with 10 of the 50 replaced by black holes (accept TCP, never speak), timeout 10 s.

Usage: python3 bench/connection_bench.py [--hosts N] [--holes N] [--timeout S]
Installs ansible-core into bench/.venv (PyPI) and openssh-server (apt, as root) when missing.
"""
import argparse, os, shutil, socket, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "bench", ".venv")

def sh(argv, **kw):
    kw.setdefault("timeout", 900)
    return subprocess.run(argv, **kw)

def free_ports(n):
    """n distinct free ports: the sockets stay open until all are chosen, so none repeats."""
    socks = []
    for _ in range(n):
        s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks: s.close()
    return ports

def black_hole(stop):
    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(("127.0.0.1", 0)); l.listen(64)
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
    ap.add_argument("--hosts", type=int, default=50)
    ap.add_argument("--holes", type=int, default=10)
    ap.add_argument("--timeout", type=int, default=10)
    a = ap.parse_args()
    sh(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target/release/ccadmin")
    if not os.path.exists(os.path.join(VENV, "bin", "ansible")):
        sh([sys.executable, "-m", "venv", VENV], check=True)
        sh([os.path.join(VENV, "bin/python"), "-m", "pip", "install", "-q", "ansible-core", "PyYAML"], check=True)
    if not os.path.exists("/usr/sbin/sshd"):
        sh(["apt-get", "install", "-y", "-qq", "openssh-server"], check=True)
    os.makedirs("/run/sshd", exist_ok=True)
    stop = threading.Event()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CCADMIN_")}
        env["CCADMIN_STATE_DIR"] = f"{tmp}/state"
        pub = sh([exe, "utils", "controlnode", "key"], env=env, capture_output=True, text=True, check=True).stdout.strip()
        key = f"{tmp}/state/ssh/id_ed25519"
        sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{tmp}/host"], check=True)
        open(f"{tmp}/authorized_keys", "w").write(pub + "\n")
        ports = free_ports(a.hosts)
        # sshd listens on at most 16 sockets: one sshd per 16 ports, same key and accounts.
        sshds = []
        for n, i in enumerate(range(0, len(ports), 16)):
            with open(f"{tmp}/sshd_config{n}", "w") as f:
                f.write("".join(f"Port {p}\n" for p in ports[i:i + 16]))
                f.write(f"ListenAddress 127.0.0.1\nHostKey {tmp}/host\nPidFile {tmp}/pid{n}\nAuthorizedKeysFile {tmp}/authorized_keys\n"
                        "UsePAM no\nStrictModes no\nPermitRootLogin yes\nSubsystem sftp internal-sftp\nMaxStartups 500\nMaxSessions 100\nLogLevel ERROR\n")
            sshds.append(subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", f"{tmp}/sshd_config{n}"]))
        try:
            deadline = time.time() + 10
            for p in ports:
                while time.time() < deadline:
                    try:
                        socket.create_connection(("127.0.0.1", p), 0.2).close(); break
                    except OSError:
                        time.sleep(0.05)
            # The same known_hosts for every tool.
            kh = f"{tmp}/state/known_hosts"
            with open(kh, "w") as f:
                hostkey = open(f"{tmp}/host.pub").read().split()[:2]
                for p in ports:
                    f.write(f"[127.0.0.1]:{p} {hostkey[0]} {hostkey[1]}\n")
            for label, holes in (("all reachable", 0), (f"{a.holes} black holes", a.holes)):
                stop.clear()
                targets = ports[: a.hosts - holes] + [black_hole(stop) for _ in range(holes)]
                inv = ["---", "inventory:", "  VOS: {}", "  Windows:", "    PG:"]
                for i, p in enumerate(targets):
                    inv.append(f'      PG{i}:\n        hosts:\n        - name: "127.0.0.1:{p}"\n          side: "A"\n          user: "root"')
                inv.append('  deploymentType: "UCCE-4000-Agents"')
                remote = f"{tmp}/remote-{holes}"; os.makedirs(remote)
                open(f"{remote}/inventory.conf", "w").write("\n".join(inv) + "\n")
                sh([exe, "--yes", "utils", "system", "inventory", "import", "--sftp-server", f"127.0.0.1:{ports[0]}", "--sftp-user", "root",
                    "--sftp-identity", key, "--sftp-directory", remote], env=env, check=True, stdout=subprocess.DEVNULL)
                with open(f"{tmp}/hosts.ini", "w") as f:
                    f.write("[all]\n")
                    for i, p in enumerate(targets):
                        f.write(f"h{i} ansible_host=127.0.0.1 ansible_port={p} ansible_user=root ansible_ssh_private_key_file={key} "
                                f"ansible_python_interpreter=/usr/bin/python3\n")
                aenv = dict(env, ANSIBLE_HOST_KEY_CHECKING="True", ANSIBLE_SSH_ARGS=f"-o UserKnownHostsFile={kh} -o ControlMaster=no",
                            ANSIBLE_TIMEOUT=str(a.timeout), ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="False")
                t_cc, p = timed([exe, "utils", "deployment", "test-connection", "--parallel", str(a.hosts), "--timeout", str(a.timeout)], env=env)
                ok = p.stdout.count(" Success ")
                t_a50, pa = timed([os.path.join(VENV, "bin/ansible"), "all", "-i", f"{tmp}/hosts.ini", "-m", "ping", "-f", str(a.hosts)], env=aenv)
                t_a5, _ = timed([os.path.join(VENV, "bin/ansible"), "all", "-i", f"{tmp}/hosts.ini", "-m", "ping"], env=aenv)
                fan = " ".join(str(p) for p in targets)
                t_x, _ = timed(["bash", "-c", f"echo {fan} | tr ' ' '\\n' | xargs -P {a.hosts} -I{{}} timeout {a.timeout + 5} ssh -q -o BatchMode=yes "
                                f"-o ConnectTimeout={a.timeout} -o UserKnownHostsFile={kh} -o StrictHostKeyChecking=yes -i {key} -p {{}} root@127.0.0.1 true; true"])
                print(f"{len(targets)} hosts, {label} (timeout {a.timeout}s); ccadmin passed {ok}, ansible ok {pa.stdout.count('SUCCESS')}")
                print(f"    ccadmin test-connection --parallel {a.hosts}   {t_cc:7.2f} s")
                print(f"    ansible -m ping -f {a.hosts}                    {t_a50:7.2f} s   ccadmin {t_a50/t_cc:5.1f}x faster  (target >= 5x)")
                print(f"    ansible -m ping (default forks 5)          {t_a5:7.2f} s   ccadmin {t_a5/t_cc:5.1f}x faster")
                print(f"    xargs -P {a.hosts} ssh ... true                 {t_x:7.2f} s   ccadmin / fan-out {t_cc/t_x:5.2f}x  (target <= 1.5x)")
                if holes:
                    print(f"    ccadmin total / timeout                    {t_cc/a.timeout:5.2f}    (target <= 1.3)")
                stop.set()
        finally:
            stop.set()
            for d in sshds:
                d.terminate(); d.wait(timeout=10)

if __name__ == "__main__":
    main()
