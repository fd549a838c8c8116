#!/usr/bin/env python3
"""Inventory benchmarks (issue 4), side by side in one run:

(a) validating a generated 10,000-host inventory.conf:
    ccadmin `utils system inventory validate` vs `ansible-inventory -i FILE --list` on the same
    hosts and groups written as an Ansible YAML inventory, vs Python `yaml.safe_load` of the same
    inventory.conf;
(b) an SFTP round trip of that inventory against a loopback sshd: ccadmin `export` + `import`
    vs one OpenSSH `sftp -b` batch doing the same put and get.

Usage: python3 bench/inventory_bench.py [--runs N]
Installs ansible-core and PyYAML into bench/.venv (PyPI) and openssh-server (apt, as root) when
missing. Loopback only; every process is bounded by a timeout.
"""
import argparse, os, shutil, socket, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "bench", ".venv")

def sh(argv, **kw):
    kw.setdefault("check", True)
    kw.setdefault("timeout", 600)
    return subprocess.run(argv, **kw)

def venv():
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(os.path.join(VENV, "bin", "ansible-inventory")):
        sh([sys.executable, "-m", "venv", VENV])
        sh([py, "-m", "pip", "install", "-q", "ansible-core", "PyYAML"])
    return py, os.path.join(VENV, "bin", "ansible-inventory")

def generate(n_hosts):
    """The same deployment as inventory.conf and as an Ansible YAML inventory."""
    vos_products = ["CUIC", "CUIC_LiveData_IdS", "Finesse", "IdS", "LiveData", "VVB"]
    win_products = ["CVPOAMP", "CVPREPORTING", "CVPSERVER", "DISTRIBUTOR", "LOGGER", "PG", "ROGGER", "ROUTER"]
    conf = ["---", "inventory:", "  VOS:"]
    ans = ["all:", "  children:"]
    made = 0
    vos_n = n_hosts // 5
    per = vos_n // len(vos_products)
    for p in vos_products:
        conf.append(f"    {p}:")
        ans.append(f"    {p}:\n      children:")
        for c in range(per // 2):
            conf.append(f"      {p}-Cluster-{c}:\n        hosts:")
            ans.append(f"        {p}_Cluster_{c}:\n          hosts:")
            for i, t in enumerate(["Publisher", "Subscriber"]):
                name = f"{p.lower().replace('_', '-')}-{c}-{i}.example.com"
                side = "A" if i == 0 else "B"
                conf.append(f'        - name: "{name}"\n          type: "{t}"\n          side: "{side}"')
                ans.append(f"            {name}:\n              type: {t}\n              side: {side}")
                made += 1
    conf.append("  Windows:")
    win_n = n_hosts - made
    per = win_n // len(win_products)
    for p in win_products:
        conf.append(f"    {p}:")
        ans.append(f"    {p}:\n      children:")
        for c in range(per // 2):
            conf.append(f"      {p}{c}:\n        hosts:")
            ans.append(f"        {p}_{c}:\n          hosts:")
            for i in range(2):
                name = f"{p.lower()}{c}{'ab'[i]}.example.com"
                conf.append(f'        - name: "{name}"\n          side: "{"AB"[i]}"\n          user: "admin@domain.local"')
                ans.append(f"            {name}:\n              side: {'AB'[i]}\n              ansible_user: admin@domain.local")
                made += 1
    conf.append('  deploymentName: "Bench"\n  deploymentType: "UCCE-4000-Agents"')
    return "\n".join(conf) + "\n", "\n".join(ans) + "\n", made

def median_time(argv, runs, **kw):
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        sh(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def start_sshd(tmp):
    if not os.path.exists("/usr/sbin/sshd"):
        sh(["apt-get", "install", "-y", "-qq", "openssh-server"])
    os.makedirs("/run/sshd", exist_ok=True)
    for k in ["host", "client"]:
        sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{tmp}/{k}"])
    shutil.copy(f"{tmp}/client.pub", f"{tmp}/authorized_keys")
    port = free_port()
    with open(f"{tmp}/sshd_config", "w") as f:
        f.write(f"Port {port}\nListenAddress 127.0.0.1\nHostKey {tmp}/host\nPidFile {tmp}/pid\n"
                f"AuthorizedKeysFile {tmp}/authorized_keys\nUsePAM no\nStrictModes no\nPermitRootLogin yes\n"
                "Subsystem sftp internal-sftp\n")
    p = subprocess.Popen(["/usr/sbin/sshd", "-D", "-f", f"{tmp}/sshd_config"])
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close(); break
        except OSError:
            time.sleep(0.05)
    return p, port

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--hosts", type=int, default=10000)
    a = ap.parse_args()
    sh(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT)
    exe = os.path.join(ROOT, "target", "release", "ccadmin")
    py, ansible_inv = venv()
    with tempfile.TemporaryDirectory() as tmp:
        conf, ans, n = generate(a.hosts)
        open(f"{tmp}/inventory.conf", "w").write(conf)
        open(f"{tmp}/ansible.yml", "w").write(ans)
        env = {k: v for k, v in os.environ.items() if not k.startswith("CCADMIN_")}
        env["CCADMIN_STATE_DIR"] = f"{tmp}/state"
        env["ANSIBLE_INVENTORY_ENABLED"] = "yaml"
        out = sh([exe, "utils", "system", "inventory", "validate", f"{tmp}/inventory.conf"], env=env, capture_output=True, text=True)
        assert f"{n} hosts" in out.stdout, out.stdout + out.stderr
        check = sh([ansible_inv, "-i", f"{tmp}/ansible.yml", "--list"], env=env, capture_output=True, text=True)
        assert check.stdout.count("example.com") >= n, "ansible-inventory did not list every host"
        t_cc = median_time([exe, "utils", "system", "inventory", "validate", f"{tmp}/inventory.conf"], a.runs, env=env)
        t_ans = median_time([ansible_inv, "-i", f"{tmp}/ansible.yml", "--list"], a.runs, env=env)
        t_py = median_time([py, "-c", f"import yaml; yaml.safe_load(open('{tmp}/inventory.conf'))"], a.runs, env=env)
        print(f"(a) validate {n} hosts ({len(conf)//1024} KiB), median of {a.runs}")
        print(f"    ccadmin validate                  {t_cc*1000:9.1f} ms")
        print(f"    ansible-inventory --list          {t_ans*1000:9.1f} ms   ratio {t_ans/t_cc:6.1f}x  (target >= 20x)")
        print(f"    python yaml.safe_load             {t_py*1000:9.1f} ms   ratio {t_py/t_cc:6.1f}x")

        sshd, port = start_sshd(tmp)
        try:
            remote = f"{tmp}/remote"; os.makedirs(remote)
            common = ["--sftp-server", f"127.0.0.1:{port}", "--sftp-user", "root", "--sftp-identity", f"{tmp}/client",
                      "--sftp-directory", remote, "--accept-new-host-key"]
            shutil.copy(f"{tmp}/inventory.conf", f"{remote}/inventory.conf")
            sh([exe, "--yes", "utils", "system", "inventory", "import", *common], env=env, stdout=subprocess.DEVNULL)
            sh(["ssh-keyscan", "-p", str(port), "127.0.0.1"], stdout=open(f"{tmp}/kh", "w"), stderr=subprocess.DEVNULL)
            def cc_round():
                sh([exe, "utils", "system", "inventory", "export", *common], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                sh([exe, "--yes", "utils", "system", "inventory", "import", *common], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            open(f"{tmp}/batch", "w").write(f"put {tmp}/inventory.conf {remote}/inventory.conf\nget {remote}/inventory.conf {tmp}/got.conf\n")
            sftp = ["sftp", "-q", "-b", f"{tmp}/batch", "-P", str(port), "-i", f"{tmp}/client", "-o", f"UserKnownHostsFile={tmp}/kh",
                    "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "root@127.0.0.1"]
            ts_cc, ts_sftp = [], []
            for _ in range(a.runs):
                t = time.perf_counter(); cc_round(); ts_cc.append(time.perf_counter() - t)
                t = time.perf_counter(); sh(sftp, stdout=subprocess.DEVNULL); ts_sftp.append(time.perf_counter() - t)
            c, s = statistics.median(ts_cc), statistics.median(ts_sftp)
            print(f"(b) SFTP round trip of that inventory.conf, median of {a.runs}")
            print(f"    ccadmin export + import           {c*1000:9.1f} ms")
            print(f"    OpenSSH sftp -b put + get         {s*1000:9.1f} ms   ratio ccadmin/sftp {c/s:5.2f}x  (target <= 1.5x)")
        finally:
            sshd.terminate(); sshd.wait(timeout=10)

if __name__ == "__main__":
    main()
