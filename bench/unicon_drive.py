#!/usr/bin/env python3
"""Drive the ccadmin console with Cisco's own automation: pyATS Unicon's VOS plugin (issue 11 A).

Unicon spawns the console on a pty, waits for its `admin:` prompt, sends `set cli pagination
off` as it does on VOS, and takes what comes between two prompts as a command's output. This
runs a short command, a 120-character one, a 60-row output and a node query through it and
checks each output is exactly the command's own (not the previous one's, no editor escape
codes), then prints the time per command.

Usage: python3 bench/unicon_drive.py [CCADMIN]   (default: target/release/ccadmin, built)
Installs unicon, unicon.plugins and pyats (and genie without its dependencies) into
bench/.venv-unicon when missing (PyPI; a few minutes the first time). Local only: no network
peer, the console runs on a throw-away state directory.
"""
import os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "bench", ".venv-unicon")
PY = os.path.join(VENV, "bin", "python")

def ensure_unicon():
    if os.path.exists(PY) and subprocess.run([PY, "-c", "import unicon.plugins"], capture_output=True).returncode == 0:
        return
    subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([PY, "-m", "pip", "install", "-q", "unicon", "unicon.plugins", "pyats"], check=True)
    subprocess.run([PY, "-m", "pip", "install", "-q", "--no-deps", "genie"], check=True)

DRIVER = r'''
import sys, time
from unicon import Connection
exe, state = sys.argv[1], sys.argv[2]
c = Connection(hostname="cc1", start=[f"{exe} --state-dir {state}"], os="vos",
               credentials={"default": {"username": "admin", "password": "unused"}},
               log_stdout=False, connection_timeout=30)
c.connect()
long = "run sql select 1 as one -- " + "x" * 93
assert len(long) == 120
checks = [
    ("show cli pagination", lambda o: o == "Automatic Pagination : Off."),
    (long, lambda o: o == "one\r\n===\r\n1"),
    ("run sql with recursive c(x) as (select 1 union all select x+1 from c limit 60) select x from c",
     lambda o: o.split("\r\n") == ["x", "=="] + [str(i) for i in range(1, 61)]),
    ("utils node show", lambda o: o.startswith("Role               : publisher\r\n") and o.endswith("SSH Port           : 22")),
    ("show cli pagination", lambda o: o == "Automatic Pagination : Off."),
]
failed = 0
for cmd, ok in checks:
    t = time.perf_counter()
    out = c.execute(cmd)
    dt = time.perf_counter() - t
    good = ok(out) and "\x1b" not in out and "admin:" not in out
    failed += not good
    print(f"  {'PASS' if good else 'FAIL'} {dt * 1000:7.1f} ms  {cmd[:60]}{'...' if len(cmd) > 60 else ''}")
    if not good:
        print(f"       got {out!r}")
c.disconnect()
sys.exit(1 if failed else 0)
'''

def main():
    exe = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "ccadmin")
    if len(sys.argv) <= 1:
        subprocess.run(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    ensure_unicon()
    with tempfile.TemporaryDirectory() as state:
        print("pyATS Unicon (os=vos) driving the ccadmin console:")
        r = subprocess.run([PY, "-c", DRIVER, exe, os.path.join(state, "st")], timeout=300)
    sys.exit(r.returncode)

if __name__ == "__main__":
    main()
