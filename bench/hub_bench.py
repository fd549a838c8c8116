#!/usr/bin/env python3
"""The hub keeping a two-node Cloud Connect pair up to date (issue 14), side by side with an
Ansible rolling upgrade, in one run, loopback only, bounded.

ccadmin  a hub (`ccadmin hub serve`, clock in a file) and a publisher + subscriber
         (`ccadmin serve --release-root --hub-poll-interval P`, each from its own release
         directory) registered through the consent page; release 0.2.0 published (minisign);
         the hub's clock is moved into the cluster's window at T0. Measured from the hub's log
         and the nodes' /health: each node's poll-to-upgrade latency (offer → reported healthy
         on the new version: download, SHA-256 + signature, unpack, graceful stop, switch,
         start, health check, report), the time from T0 to the first offer, and the two-node
         rollout (T0 → both healthy on 0.2.0).
Ansible  ansible-playbook (ansible-core from PyPI) doing the same upgrade of the same two
         nodes to 0.3.0 with `serial: 1`: minisign check, unarchive beside the current
         release, switch the `current` link, stop and start the service, wait for /health to
         answer the new version (the `uri` module with `until`).

Usage: python3 bench/hub_bench.py [--poll 1]
Installs ansible-core into bench/.venv (PyPI) and minisign (apt, as root) when missing.
"""
import argparse, base64, json, os, re, ssl, subprocess, sys, tempfile, time, urllib.parse, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "bench", ".venv")
USER, PASSWORD, SECRET = "ccadmin", "Hub-Bench-Pass-2026", "hub-bench-cluster-secret-01"
HUB_USER, HUB_PASSWORD = "admin", "Hub-Admin-Bench-2026"
INSECURE = ssl.create_default_context()
INSECURE.check_hostname = False
INSECURE.verify_mode = ssl.CERT_NONE  # loopback services with throw-away self-signed certificates
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=INSECURE))


def sh(argv, **kw):
    kw.setdefault("timeout", 600)
    return subprocess.run(argv, **kw)


def http(url, data=None, headers=None, method=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    with NO_PROXY.open(req, timeout=30) as r:
        return r.read().decode()


def wait(what, f, secs=120):
    deadline = time.time() + secs
    while time.time() < deadline:
        v = f()
        if v:
            return v
        time.sleep(0.02)
    sys.exit(f"timed out waiting for {what}")


def read_port(log, secs=30):
    def port():
        try:
            m = re.findall(r"listening on https://127\.0\.0\.1:(\d+)", open(log).read())
            return int(m[-1]) if m else None
        except OSError:
            return None
    return wait(f"a port in {log}", port, secs)


def write_release(d, version, exe):
    os.makedirs(f"{d}/bin", exist_ok=True)
    open(f"{d}/release.json", "w").write(json.dumps({"version": version}))
    open(f"{d}/bin/ccadmin", "w").write(f"#!/bin/sh\nexec '{exe}' \"$@\"\n")
    os.chmod(f"{d}/bin/ccadmin", 0o755)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--poll", type=int, default=1, help="the nodes' hub poll interval (seconds)")
    a = ap.parse_args()
    sh(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target/release/ccadmin")
    if not os.path.exists("/usr/bin/minisign"):
        sh(["apt-get", "install", "-y", "-qq", "minisign"], check=True)
    if not os.path.exists(os.path.join(VENV, "bin", "ansible-playbook")):
        sh([sys.executable, "-m", "venv", VENV], check=True)
        sh([os.path.join(VENV, "bin/python"), "-m", "pip", "install", "-q", "ansible-core", "PyYAML"], check=True)
    procs = []
    try:
        run(a, exe, procs)
    finally:
        for p in procs:
            p.kill()
            p.wait()


def run(a, exe, procs):
    with tempfile.TemporaryDirectory() as tmp:
        base = {k: v for k, v in os.environ.items() if not k.startswith("CCADMIN_") and k.lower() not in ("https_proxy", "http_proxy", "dbus_session_bus_address")}

        def cc(state, *args, stdin=None, extra=None):
            env = dict(base, CCADMIN_STATE_DIR=state, HOME=tmp, **(extra or {}))
            p = sh([exe, *args], env=env, input=stdin, capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit(f"ccadmin {' '.join(args)}: {p.stdout}{p.stderr}")
            return p.stdout

        hub_dir, clock = f"{tmp}/hub", f"{tmp}/clock"
        open(clock, "w").write("2026-12-03T02:00:00Z")
        cc(f"{tmp}/x", "hub", "--hub-dir", hub_dir, "account", "add", HUB_USER, stdin=HUB_PASSWORD + "\n")
        procs.append(subprocess.Popen([exe, "hub", "--hub-dir", hub_dir, "--now", f"@{clock}", "serve", "--listen", "127.0.0.1:0"],
                                      env=dict(base, HOME=tmp), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        hub_log = f"{hub_dir}/logs/hub.log"
        hp = read_port(hub_log)
        hub = f"https://localhost:{hp}"

        nodes = {}
        for name in ("a", "b"):
            st, root = f"{tmp}/{name}/state", f"{tmp}/{name}/release"
            os.makedirs(st)
            cc(st, "utils", "applicationuser", "add", USER, extra={"CCADMIN_APPLICATIONUSER_PASSWORD": PASSWORD})
            cc(st, "utils", "node", "cluster-secret", extra={"CCADMIN_CLUSTER_SECRET": SECRET})
            write_release(f"{root}/releases/0.1.0", "0.1.0", exe)
            os.symlink("releases/0.1.0", f"{root}/current")
            p = subprocess.Popen([f"{root}/current/bin/ccadmin", "serve", "--listen", "127.0.0.1:0", "--sync-interval", "1",
                                  "--release-root", root, "--hub-poll-interval", str(a.poll)],
                                 env=dict(base, CCADMIN_STATE_DIR=st, HOME=tmp), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(p)
            port = read_port(f"{st}/logs/serve.log")
            cc(st, "utils", "node", "set", "--hostname", f"localhost:{port}")
            nodes[name] = {"state": st, "root": root, "port": port, "proc": p}
        A, B = nodes["a"], nodes["b"]
        cc(B["state"], "-y", "utils", "node", "set", "--role", "subscriber", "--publisher", f"localhost:{A['port']}")
        for frm, to in ((A, B), (B, A)):
            pem = f"{tmp}/{frm['port']}.pem"
            open(pem, "w").write(cc(frm["state"], "show", "cert", "own"))
            cc(to["state"], "utils", "cert", "import", pem)
        keys = f"{tmp}/keys"
        os.makedirs(keys)
        sh(["minisign", "-G", "-W", "-p", f"{keys}/release.pub", "-s", f"{keys}/release.sec"], check=True, capture_output=True)
        cc(A["state"], "utils", "patch-manager", "signer", "add", "release", f"{keys}/release.pub")

        # Register through the consent page.
        auth = "Basic " + base64.b64encode(f"{HUB_USER}:{HUB_PASSWORD}".encode()).decode()
        link = json.loads(http(f"{hub}/api/v1/clusters", json.dumps({"display_name": "Bench", "fqdn": f"localhost:{A['port']}"}).encode(),
                               {"Authorization": auth, "Content-Type": "application/json"}))["register_url"]
        page = http(link)
        cert = re.search(r'id="hub-cert">([0-9a-f]+)<', page).group(1)
        fields = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(link).query), cert_sha256=cert, user=USER, password=PASSWORD)
        done = http(f"https://localhost:{A['port']}/cloudconnect/register", urllib.parse.urlencode(fields).encode(),
                    {"Content-Type": "application/x-www-form-urlencoded"})
        assert "Access allowed" in done, done

        def registration(n):
            return json.loads(cc(n["state"], "--output", "json", "utils", "cloudconnect", "show", "registration"))["registration"]
        wait("the subscriber's registration", lambda: registration(B) is not None, 60)

        def publish(version, script_exe):
            pkg = f"{keys}/pkg-{version}"
            write_release(pkg, version, script_exe)
            archive = f"{keys}/ccadmin-{version}.tar.gz"
            sh(["tar", "-czf", archive, "-C", pkg, "."], check=True)
            sh(["minisign", "-S", "-s", f"{keys}/release.sec", "-m", archive], check=True, capture_output=True, input=b"")
            return archive

        archive2 = publish("0.2.0", exe)
        cc(f"{tmp}/x", "hub", "--hub-dir", hub_dir, "release", "add", archive2, "--version", "0.2.0")

        def polled():
            out = json.loads(cc(f"{tmp}/x", "hub", "--hub-dir", hub_dir, "--output", "json", "--now", "2026-12-03T02:00:00Z", "cluster", "show", "Bench"))
            return len(out["nodes"]) == 2
        wait("both nodes polling", polled, 60)

        lat = []

        def version(n):
            t = time.monotonic()
            try:
                v = json.loads(http(f"https://127.0.0.1:{n['port']}/health"))["version"]
                lat.append(time.monotonic() - t)
                return v
            except Exception:
                return None

        def pct(xs, q):
            xs = sorted(xs)
            return xs[min(len(xs) - 1, int(q * len(xs)))] * 1000 if xs else float("nan")

        # T0: the window opens.
        seen = {}
        asked, unanswered = 0, 0
        t0 = time.monotonic()
        open(clock + ".new", "w").write("2026-12-03T03:05:00Z")
        os.rename(clock + ".new", clock)
        deadline = time.monotonic() + 300
        while len(seen) < 6 and time.monotonic() < deadline:
            log = open(hub_log).read()
            now = time.monotonic() - t0
            for n in (A, B):
                host = f"localhost:{n['port']}"
                if f"offered 0.2.0 to {host} " in log + " " and ("offer", host) not in seen:
                    seen[("offer", host)] = now
                if f"{host} of Bench reports 0.2.0 healthy" in log and ("healthy", host) not in seen:
                    seen[("healthy", host)] = now
                v = version(n)
                asked += 1
                unanswered += v is None
                if v == "0.2.0" and ("serving", host) not in seen:
                    seen[("serving", host)] = now
            time.sleep(0.005)
        if len(seen) < 6:
            sys.exit(f"the rollout did not finish: {seen}\n{open(hub_log).read()}")
        order = sorted((t, k) for k, t in seen.items() if k[0] == "offer")
        first, second = order[0][1][1], order[1][1][1]
        lat1 = seen[("healthy", first)] - seen[("offer", first)]
        lat2 = seen[("healthy", second)] - seen[("offer", second)]
        rollout = max(seen[("healthy", first)], seen[("healthy", second)])
        print(f"ccadmin hub, 2 nodes, poll interval {a.poll}s:")
        print(f"  window open -> first offer         {seen[('offer', first)]:.2f} s")
        print(f"  poll-to-upgrade latency, node 1     {lat1:.2f} s (offer -> healthy on 0.2.0 reported)")
        print(f"  healthy node 1 -> offer node 2      {seen[('offer', second)] - seen[('healthy', first)]:.2f} s")
        print(f"  poll-to-upgrade latency, node 2     {lat2:.2f} s")
        print(f"  two-node rollout                    {rollout:.2f} s (window open -> both healthy)")
        print(f"  /health asked during the rollout    {asked} times (new connection each), unanswered {unanswered}")
        print(f"  /health latency during the rollout  p50 {pct(lat, 0.5):.1f} ms, p99 {pct(lat, 0.99):.1f} ms, max {pct(lat, 1.0):.1f} ms")
        assert seen[("offer", second)] >= seen[("healthy", first)], "two nodes upgraded at once"

        # Broken releases in the same window: one that exits at once, one that never answers.
        def broken(version, script, what):
            pkg = f"{keys}/pkg-{version}"
            os.makedirs(f"{pkg}/bin", exist_ok=True)
            open(f"{pkg}/release.json", "w").write(json.dumps({"version": version}))
            open(f"{pkg}/bin/ccadmin", "w").write(script)
            os.chmod(f"{pkg}/bin/ccadmin", 0o755)
            archive = f"{keys}/ccadmin-{version}.tar.gz"
            sh(["tar", "-czf", archive, "-C", pkg, "."], check=True)
            sh(["minisign", "-S", "-s", f"{keys}/release.sec", "-m", archive], check=True, capture_output=True, input=b"")
            cc(f"{tmp}/x", "hub", "--hub-dir", hub_dir, "release", "add", archive, "--version", version)
            lat.clear()
            asked, unanswered, t = 0, 0, time.monotonic()
            while f"reports {version} failed" not in open(hub_log).read() and time.monotonic() - t < 200:
                for n in (A, B):
                    asked += 1
                    unanswered += version_of_any(n) is None
                time.sleep(0.005)
            took = time.monotonic() - t
            print(f"  broken release ({what}): failure reported after {took:.1f} s; /health asked {asked} times, unanswered {unanswered}; "
                  f"latency p50 {pct(lat, 0.5):.1f} ms, p99 {pct(lat, 0.99):.1f} ms, max {pct(lat, 1.0):.1f} ms")

        def version_of_any(n):
            return version(n)

        broken("0.2.5", "#!/bin/sh\necho 'cannot load its libraries' >&2\nexit 1\n", "exits at once")
        broken("0.2.6", "#!/bin/sh\nexec sleep 600\n", "never answers")

        # Ansible: the same two nodes to 0.3.0, serial: 1.
        archive3 = publish("0.3.0", exe)
        for n in (A, B):
            open(f"{tmp}/{n['port']}.pid", "w").write(str(n["proc"].pid))
        inv = f"{tmp}/inventory.ini"
        with open(inv, "w") as f:
            f.write("[nodes]\n")
            for name, n in nodes.items():
                f.write(f"node_{name} ansible_connection=local ansible_python_interpreter={VENV}/bin/python root={n['root']} state={n['state']} svc_port={n['port']} pidfile={tmp}/{n['port']}.pid\n")
        play = f"{tmp}/upgrade.yml"
        open(play, "w").write(f"""
- hosts: nodes
  serial: 1
  gather_facts: false
  vars:
    version: "0.3.0"
    archive: "{archive3}"
    pubkey: "{keys}/release.pub"
  tasks:
    - name: the signature
      command: minisign -Vm {{{{ archive }}}} -p {{{{ pubkey }}}}
    - name: the release directory
      file: path={{{{ root }}}}/releases/{{{{ version }}}} state=directory
    - name: unpack beside the current release
      unarchive: src={{{{ archive }}}} dest={{{{ root }}}}/releases/{{{{ version }}}} remote_src=yes
    - name: switch
      file: src=releases/{{{{ version }}}} dest={{{{ root }}}}/current state=link force=yes
    - name: stop and start the service
      shell: |
        pid=$(cat {{{{ pidfile }}}}); kill -TERM $pid; while kill -0 $pid 2>/dev/null && ! grep -q '^State:.*Z' /proc/$pid/status; do sleep 0.02; done
        CCADMIN_STATE_DIR={{{{ state }}}} HOME={tmp} setsid nohup {{{{ root }}}}/current/bin/ccadmin serve --listen 127.0.0.1:{{{{ svc_port }}}} --sync-interval 1 --release-root {{{{ root }}}} --hub-poll-interval 3600 >/dev/null 2>&1 </dev/null &
        echo $! > {{{{ pidfile }}}}
    - name: healthy on the new version
      uri: url=https://127.0.0.1:{{{{ svc_port }}}}/health validate_certs=no return_content=yes
      register: h
      until: h.json is defined and h.json.version == version
      retries: 600
      delay: 0
""")
        env = dict(base, ANSIBLE_HOST_KEY_CHECKING="False", ANSIBLE_NOCOLOR="1", HOME=tmp, no_proxy="*")
        t = time.monotonic()
        r = sh([os.path.join(VENV, "bin/ansible-playbook"), "-i", inv, play], env=env, capture_output=True, text=True)
        ans = time.monotonic() - t
        if r.returncode != 0:
            sys.exit(r.stdout + r.stderr)
        for n in (A, B):
            assert version(n) == "0.3.0"
        print(f"ansible-playbook serial: 1, same two nodes: {ans:.2f} s")
        print(f"  ratio two-node rollout ccadmin / ansible: {rollout / ans:.2f}x (ccadmin includes waiting for the next poll)")
        for n in (A, B):
            try:
                os.kill(int(open(f"{tmp}/{n['port']}.pid").read()), 15)
            except (OSError, ValueError):
                pass


if __name__ == "__main__":
    import builtins, functools
    builtins.print = functools.partial(builtins.print, flush=True)
    main()
