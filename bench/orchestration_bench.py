#!/usr/bin/env python3
"""Orchestration at deployment size (issue 13), side by side in one run, loopback only, bounded:

A 20-node deployment of real sshd targets: 10 VOS nodes in 5 Finesse clusters (publisher and
subscriber; each node's account's shell is ccadmin on that node's own VOS state directory,
onboarded through `ccadmin serve`) and 10 Windows nodes in 5 PG pairs (the account runs sh).
A patch (--size MiB) is installed on all 20 nodes:

  ccadmin  `utils patch-manager install` for the VOS patch and the Windows patch, one node at
           a time (Cisco's order), and again with --parallel-groups 5;
  Ansible  the same transfer + install with `serial: 1` (ansible-core from PyPI): Windows nodes
           `copy` + `command`; VOS nodes (no Python or sh there, only the VOS console) an
           `sftp` put from the control node + `raw` `utils system upgrade initiate`.

Prints ccadmin's wall time, the sum of its per-node times (the rest is the orchestration's
overhead: planning, reading versions, recording), Ansible's wall time and the ratios.

Usage: python3 bench/orchestration_bench.py [--size 8] [--runs 1]
Installs ansible-core into bench/.venv (PyPI), openssh-server and minisign (apt, as root) when
missing.
"""
import argparse, hashlib, json, os, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "bench", ".venv")
USER, PASSWORD = "ccadmin", "Orchestrate-Bench-2026"


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


def wait_port(p, secs=10):
    deadline = time.time() + secs
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", p), 0.2).close(); return
        except OSError:
            time.sleep(0.02)
    sys.exit(f"port {p} never answered")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=8, help="patch size in MiB")
    a = ap.parse_args()
    sh(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target/release/ccadmin")
    need = [p for p, f in (("openssh-server", "/usr/sbin/sshd"), ("minisign", "/usr/bin/minisign")) if not os.path.exists(f)]
    if need:
        sh(["apt-get", "install", "-y", "-qq", *need], check=True)
    if not os.path.exists(os.path.join(VENV, "bin", "ansible-playbook")):
        sh([sys.executable, "-m", "venv", VENV], check=True)
        sh([os.path.join(VENV, "bin/python"), "-m", "pip", "install", "-q", "ansible-core", "PyYAML"], check=True)
    os.makedirs("/run/sshd", exist_ok=True)
    procs = []
    with tempfile.TemporaryDirectory() as tmp:
        base = {k: v for k, v in os.environ.items() if not k.startswith("CCADMIN_") and k != "DBUS_SESSION_BUS_ADDRESS"}

        def cc(state, *args, stdin=None, extra=None, check=True):
            env = dict(base, CCADMIN_STATE_DIR=state, HOME=tmp, **(extra or {}))
            p = sh([exe, *args], env=env, input=stdin, capture_output=True, text=True)
            if check and p.returncode != 0:
                sys.exit(f"ccadmin {' '.join(args)}: {p.stdout}{p.stderr}")
            return p

        ccs = f"{tmp}/cc"
        cc(ccs, "utils", "applicationuser", "add", USER, extra={"CCADMIN_APPLICATIONUSER_PASSWORD": PASSWORD})
        serve = subprocess.Popen([exe, "serve", "--listen", "127.0.0.1:0"], env=dict(base, CCADMIN_STATE_DIR=ccs, HOME=tmp),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(serve)
        log, port = f"{ccs}/logs/serve.log", None
        deadline = time.time() + 30
        while port is None and time.time() < deadline:
            if os.path.exists(log) and "listening on https://127.0.0.1:" in open(log).read():
                port = int(open(log).read().split("listening on https://127.0.0.1:")[1].split()[0])
            else:
                time.sleep(0.02)
        cc(ccs, "utils", "node", "set", "--hostname", f"localhost:{port}")
        cc_key = cc(ccs, "utils", "controlnode", "key").stdout.strip()
        sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{tmp}/host"], check=True)
        sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{tmp}/admin"], check=True)
        open(f"{tmp}/authorized_keys", "w").write(cc_key + "\n" + open(f"{tmp}/admin.pub").read())

        # 20 hosts: ports, homes, shells; two sshd processes (sshd listens on at most 16 ports).
        ports = free_ports(20)
        vos_ports, win_ports = ports[:10], ports[10:]
        homes = {p: f"{tmp}/home-{p}" for p in ports}
        vstate = {p: f"{tmp}/vos-{p}" for p in vos_ports}
        matches = ""
        for p in ports:
            os.makedirs(homes[p])
            if p in vstate:
                shell = f"printf '%s\\n' \"$SSH_ORIGINAL_COMMAND\" | CCADMIN_STATE_DIR='{vstate[p]}' HOME='{homes[p]}' '{exe}'"
            else:
                shell = "exec /bin/sh -c \"$SSH_ORIGINAL_COMMAND\""
            script = f"{tmp}/shell-{p}.sh"
            open(script, "w").write(
                f"#!/bin/sh\ncd '{homes[p]}' || exit 97\ncase \"$SSH_ORIGINAL_COMMAND\" in\n"
                f"  internal-sftp*|*/sftp-server*) exec /usr/lib/openssh/sftp-server -d '{homes[p]}' ;;\nesac\n{shell}\n")
            os.chmod(script, 0o755)
            matches += f"Match LocalPort {p}\n    ForceCommand {script}\n"
        for n, chunk in enumerate((ports[:10], ports[10:])):
            with open(f"{tmp}/sshd_config{n}", "w") as f:
                f.write("".join(f"Port {p}\n" for p in chunk))
                f.write(f"ListenAddress 127.0.0.1\nHostKey {tmp}/host\nPidFile {tmp}/pid{n}\nAuthorizedKeysFile {tmp}/authorized_keys\n"
                        "UsePAM no\nStrictModes no\nPermitRootLogin yes\nSubsystem sftp internal-sftp\nMaxStartups 200\nMaxSessions 100\nLogLevel ERROR\n")
                f.write(matches)
            procs.append(subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", f"{tmp}/sshd_config{n}"], stderr=subprocess.DEVNULL))
        for p in ports:
            wait_port(p)
        kh = f"{ccs}/known_hosts"
        hostkey = open(f"{tmp}/host.pub").read().split()[:2]
        with open(kh, "w") as f:
            for p in ports:
                f.write(f"[127.0.0.1]:{p} {hostkey[0]} {hostkey[1]}\n")

        # The inventory: 5 Windows pairs (VOS clusters come from onboarding).
        inv = ["---", "inventory:", "  VOS:", "    Finesse: {}", "  Windows:", "    PG:"]
        for i in range(5):
            a_, b_ = win_ports[2 * i], win_ports[2 * i + 1]
            inv.append(f'      PG{i + 1}:\n        hosts:\n        - name: "127.0.0.1:{a_}"\n          side: "A"\n          user: "root"\n'
                       f'        - name: "127.0.0.1:{b_}"\n          side: "B"\n          user: "root"')
        inv.append('  deploymentType: "UCCE-4000-Agents"')
        os.makedirs(f"{tmp}/remote")
        open(f"{tmp}/remote/inventory.conf", "w").write("\n".join(inv) + "\n")
        cc(ccs, "--yes", "utils", "system", "inventory", "import", "--sftp-server", f"127.0.0.1:{win_ports[0]}", "--sftp-user", "root",
           "--sftp-identity", f"{tmp}/admin", "--sftp-directory", f"{tmp}/remote")
        for p in win_ports:
            open(f"{homes[p]}/.ccadmin-installed.json", "w").write('{"version": "12.6.2"}')
        # 5 VOS clusters, onboarded by their publishers.
        pem = cc(ccs, "show", "cert", "own").stdout
        open(f"{tmp}/cc.pem", "w").write(pem)
        for i in range(5):
            pp, sp = vos_ports[2 * i], vos_ports[2 * i + 1]
            for p in (pp, sp):
                cc(vstate[p], "-y", "utils", "node", "set", "--role", "vos", "--component", "Finesse", "--hostname", f"127.0.0.1:{p}",
                   "--orchestration-user", "root", "--authorized-keys", f"{tmp}/authorized_keys", "--software-version", "12.6.2")
            cc(vstate[pp], "utils", "node", "cluster", "add", f"127.0.0.1:{sp}", "--user", "root", "--authorized-keys",
               f"{tmp}/authorized_keys", "--identity", f"{tmp}/admin")
            cc(vstate[pp], "utils", "cert", "import", f"{tmp}/cc.pem")
            cc(vstate[pp], "utils", "system", "onboard", "trigger", "--cloud-connect", f"localhost:{port}",
               "--cluster-name", f"Finesse-Cluster-{i + 1}", stdin=f"{USER}\n{PASSWORD}\n")

        # Signed patches: one per platform per run, so each run installs something new.
        sh(["minisign", "-G", "-W", "-p", f"{tmp}/sign.pub", "-s", f"{tmp}/sign.sec"], check=True, capture_output=True)
        cc(ccs, "utils", "patch-manager", "signer", "add", "bench", f"{tmp}/sign.pub")
        art = f"{ccs}/artifacts/12.6/common"
        os.makedirs(art, exist_ok=True)
        payload = os.urandom(a.size << 20)

        def patch(name, platform, product, install=None):
            data = payload + name.encode()
            open(f"{art}/{name}", "wb").write(data)
            m = {"file": name, "product": product, "platform": platform, "version": "12.6.2-ES1", "applies_to": ["12.6.2"],
                 "reboot": False, "rollback": True, "sha256": hashlib.sha256(data).hexdigest()}
            if install:
                m["install"] = install
            open(f"{art}/{name}.manifest.json", "w").write(json.dumps(m))
            sh(["minisign", "-S", "-s", f"{tmp}/sign.sec", "-m", f"{art}/{name}.manifest.json"], check=True, capture_output=True)
            return data

        def ccadmin_run(tag, extra):
            total, per_node, results, per_platform = 0.0, 0.0, [], {}
            for platform, product, name in (("VOS", "Finesse", f"vos-{tag}.cop"), ("Windows", "PG", f"win-{tag}.bin")):
                patch(name, platform, product, None if platform == "VOS" else f"sha256sum {name} > {name}.installed")
                t = time.perf_counter()
                p = cc(ccs, "--yes", "--output", "json", "utils", "patch-manager", "install", name, "--all", *extra)
                total += time.perf_counter() - t
                v = json.loads(p.stdout)
                per_node += sum(n["seconds"] for n in v["nodes"])
                per_platform[platform] = sum(n["seconds"] for n in v["nodes"]) / len(v["nodes"])
                results += [n["result"] for n in v["nodes"]]
            return total, per_node, results, per_platform

        serial, serial_nodes, r1, avg = ccadmin_run("serial", [])
        par, par_nodes, r2, _ = ccadmin_run("parallel", ["--parallel-groups", "5"])
        assert r1.count("done") == 20 and r2.count("done") == 20, (r1, r2)

        # Ansible: the same transfer and install, serial: 1.
        vos_data, win_data = patch("vos-ansible.cop", "VOS", "Finesse"), patch("win-ansible.bin", "Windows", "PG")
        with open(f"{tmp}/hosts.ini", "w") as f:
            f.write("[vos]\n")
            for p in vos_ports:
                f.write(f"v{p} ansible_host=127.0.0.1 ansible_port={p}\n")
            f.write("[windows]\n")
            for p in win_ports:
                f.write(f"w{p} ansible_host=127.0.0.1 ansible_port={p} ansible_python_interpreter=/usr/bin/python3\n")
            f.write(f"[all:vars]\nansible_user=root\nansible_ssh_private_key_file={ccs}/ssh/id_ed25519\n")
        open(f"{tmp}/play.yml", "w").write(f"""
- hosts: vos
  serial: 1
  gather_facts: false
  tasks:
    - name: transfer the patch and its manifest (sftp from the control node; the VOS console has no Python)
      delegate_to: localhost
      ansible.builtin.shell: |
        printf 'put {art}/vos-ansible.cop\\nput {art}/vos-ansible.cop.manifest.json\\n' |
        sftp -b - -q -o UserKnownHostsFile={kh} -i {ccs}/ssh/id_ed25519 -P {{{{ ansible_port }}}} root@127.0.0.1
    - name: install at the VOS console
      ansible.builtin.raw: utils system upgrade initiate --file vos-ansible.cop --yes
- hosts: windows
  serial: 1
  gather_facts: false
  tasks:
    - name: transfer the patch
      ansible.builtin.copy:
        src: {art}/win-ansible.bin
        dest: win-ansible.bin
    - name: run the installer
      ansible.builtin.command: sh -c 'sha256sum win-ansible.bin > win-ansible.bin.installed'
""")
        aenv = dict(base, ANSIBLE_HOST_KEY_CHECKING="True", ANSIBLE_SSH_ARGS=f"-o UserKnownHostsFile={kh} -o ControlMaster=no",
                    ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="False", ANSIBLE_INVENTORY_UNPARSED_WARNING="False",
                    ANSIBLE_PYTHON_INTERPRETER="/usr/bin/python3")
        t = time.perf_counter()
        pa = sh([os.path.join(VENV, "bin/ansible-playbook"), "-i", f"{tmp}/hosts.ini", f"{tmp}/play.yml"], env=aenv,
                capture_output=True, text=True)
        ansible = time.perf_counter() - t
        if pa.returncode != 0:
            sys.exit(f"ansible-playbook failed:\n{pa.stdout[-3000:]}\n{pa.stderr[-2000:]}")
        installed = sum(os.path.exists(f"{homes[p]}/win-ansible.bin.installed") for p in win_ports)
        vos_ok = sum("vos-ansible.cop" in cc(vstate[p], "--output", "json", "show", "version", "active").stdout for p in vos_ports)
        assert installed == 10 and vos_ok == 10, (installed, vos_ok)

        print(f"20 nodes (10 VOS in 5 clusters, 10 Windows in 5 pairs), a {a.size} MiB patch on every node")
        print(f"  ccadmin, one node at a time       {serial:7.2f} s   per-node sum {serial_nodes:6.2f} s   overhead {serial - serial_nodes:5.2f} s ({100 * (serial - serial_nodes) / serial:4.1f}%)")
        print(f"    per node: VOS {avg['VOS']:.2f} s (login, read the version at the console, free space, transfer file and manifest, install at the console), Windows {avg['Windows']:.2f} s (login, read the record, free space, record pending, transfer, installer, record)")
        print(f"  ccadmin, --parallel-groups 5      {par:7.2f} s   per-node sum {par_nodes:6.2f} s")
        print(f"  ansible-playbook, serial: 1       {ansible:7.2f} s   ccadmin {ansible / serial:5.1f}x faster one at a time, {ansible / par:5.1f}x with 5 groups")
    for p in procs:
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()


if __name__ == "__main__":
    main()
