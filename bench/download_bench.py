#!/usr/bin/env python3
"""Artifact download benchmark (issue 3), side by side in one run: a 1 GiB artifact from the
loopback Artifactory-compatible HTTPS server (examples/jfrog_server.rs, the tests' server),
fetched by `ccadmin utils image-repository download` (SHA-256 verified, fsync'd, renamed into
place) and by `curl` on the same URL (alone, and followed by `sha256sum`, which an administrator
would run to verify). Prints throughput ratios and the peak RSS of each client.

Usage: python3 bench/download_bench.py [--size-mib N] [--runs N]
Needs GNU time (/usr/bin/time; apt-get install time), installed when missing.
Loopback only; each process is bounded by a timeout.
"""
import argparse, os, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEY = "AKCp8good-api-key-0001a1b2"
REPO = "ent-platform-release-external"

def timed(argv, env=None):
    """Wall time and peak RSS (MiB) of one child, measured by GNU time: the rusage of a child
    forked from Python would count Python's own pages."""
    with tempfile.NamedTemporaryFile("r") as rss:
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, *argv], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
        elapsed = time.perf_counter() - t
        if p.returncode != 0:
            raise SystemExit(f"{argv[0]} failed: {p.stderr.decode()}")
        return elapsed, int(rss.read().split()[-1]) / 1024

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    if not os.path.exists("/usr/bin/time"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "time"], check=True, timeout=600)
    subprocess.run(["cargo", "build", "--release", "--locked", "-q", "--example", "jfrog_server"], cwd=ROOT, check=True, timeout=1200)
    subprocess.run(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True, timeout=1200)
    exe = os.path.join(ROOT, "target/release/ccadmin")
    server_exe = os.path.join(ROOT, "target/release/examples/jfrog_server")
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "repo/12.6/unrestricted")
        os.makedirs(data)
        with open(os.path.join(data, "cc.iso"), "wb") as f:
            chunk = os.urandom(1 << 20)
            for i in range(a.size_mib):
                f.write(chunk[i % 7:] + chunk[: i % 7])
        size = a.size_mib << 20
        server = subprocess.Popen([server_exe, os.path.join(tmp, "repo")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        base, ca = server.stdout.readline().split()
        try:
            env = {k: v for k, v in os.environ.items() if not k.startswith("CCADMIN_") and "PROXY" not in k.upper()}
            env["CCADMIN_STATE_DIR"] = os.path.join(tmp, "state")
            env["CCADMIN_ARTIFACTORY_CREDENTIAL"] = KEY
            subprocess.run([exe, "utils", "image-repository", "set", "--url", base, "--repository", REPO, "--auth-type", "api-key",
                            "--software", "unrestricted", "--ca-file", ca], env=env, check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
            hdr = os.path.join(tmp, "hdr")
            open(hdr, "w").write(f"X-JFrog-Art-Api: {KEY}\n")
            url = f"{base}/{REPO}/12.6/unrestricted/cc.iso"
            out = os.path.join(tmp, "curl.iso")
            art = os.path.join(tmp, "state/artifacts")
            cc, cu, cs = [], [], []
            for _ in range(a.runs):
                shutil.rmtree(art, ignore_errors=True)
                cc.append(timed([exe, "utils", "image-repository", "download", "--timeout", "60"], env))
                t, rss = timed(["curl", "-sS", "--fail", "--cacert", ca, "-H", f"@{hdr}", "-o", out, url])
                cu.append((t, rss))
                t2, rss2 = timed(["sha256sum", out])
                cs.append((t + t2, max(rss, rss2)))
                os.remove(out)
            best = lambda xs: min(x[0] for x in xs)
            med = lambda xs: sorted(x[0] for x in xs)[len(xs) // 2]
            peak = lambda xs: max(x[1] for x in xs)
            mib = size / (1 << 20)
            print(f"download of a {a.size_mib} MiB artifact over HTTPS on loopback, best of {a.runs} (median in brackets)")
            print(f"    ccadmin download (SHA-256, fsync) {best(cc):7.2f} s [{med(cc):5.2f}]  {mib/best(cc):7.1f} MiB/s  peak RSS {peak(cc):6.1f} MiB")
            print(f"    curl                              {best(cu):7.2f} s [{med(cu):5.2f}]  {mib/best(cu):7.1f} MiB/s  peak RSS {peak(cu):6.1f} MiB")
            print(f"    curl + sha256sum                  {best(cs):7.2f} s [{med(cs):5.2f}]  {mib/best(cs):7.1f} MiB/s")
            print(f"    throughput ratio ccadmin / curl             {best(cu)/best(cc):5.2f}x [{med(cu)/med(cc):5.2f}x]  (target >= 0.9x)")
            print(f"    throughput ratio ccadmin / curl + sha256sum {best(cs)/best(cc):5.2f}x [{med(cs)/med(cc):5.2f}x]")
        finally:
            server.stdin.close()
            server.wait(timeout=30)

if __name__ == "__main__":
    main()
