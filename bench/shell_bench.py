#!/usr/bin/env python3
"""Shell foundation benchmarks (issue 2), side by side in one run:

(a) one-shot `ccadmin utils node show` vs a trivial compiled program printing one line;
(b) one 10,000-line batch of `utils node show` vs 10,000 one-shot runs;
(c) peak RSS of the idle interactive shell (in a pseudo-terminal).

Usage: python3 bench/shell_bench.py [--runs N] [--lines N] [--exe PATH]
Builds the release binary first (or measures the binary given with --exe, e.g. an older build). Loopback only: it touches nothing but a temporary directory.
"""
import argparse, os, pty, select, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def build():
    subprocess.run(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    return os.path.join(ROOT, "target", "release", "ccadmin")

def trivial(tmp):
    src = os.path.join(tmp, "trivial.c")
    with open(src, "w") as f:
        f.write('#include <stdio.h>\nint main(void){puts("Role : publisher");return 0;}\n')
    exe = os.path.join(tmp, "trivial")
    subprocess.run(["cc", "-O2", "-o", exe, src], check=True)
    return exe

def time_runs(argv, runs, env):
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env, check=True)
        samples.append(time.perf_counter() - t)
    return samples

def idle_rss(exe, env):
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(exe, [exe], env)
    buf = b""
    deadline = time.time() + 10
    while b"admin:" not in buf and time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            buf += os.read(fd, 4096)
    time.sleep(0.5)
    status = open(f"/proc/{pid}/status").read()
    fields = {l.split(":")[0]: l.split(":")[1].strip() for l in status.splitlines() if ":" in l}
    os.write(fd, b"quit\r")
    os.waitpid(pid, 0)
    return int(fields["VmHWM"].split()[0]) / 1024, int(fields["VmRSS"].split()[0]) / 1024

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--lines", type=int, default=10000)
    ap.add_argument("--exe", help="measure this binary instead of building target/release/ccadmin")
    a = ap.parse_args()
    exe = os.path.abspath(a.exe) if a.exe else build()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CCADMIN_")}
        env["CCADMIN_STATE_DIR"] = os.path.join(tmp, "state")
        env["TERM"] = "xterm"
        subprocess.run([exe, "utils", "node", "show"], env=env, check=True, stdout=subprocess.DEVNULL)
        triv = trivial(tmp)
        # Interleave to share the machine's noise fairly; warm the page cache first.
        time_runs([triv], 20, env); time_runs([exe, "utils", "node", "show"], 20, env)
        t_triv, t_cc = [], []
        for _ in range(5):
            t_triv += time_runs([triv], a.runs // 5, env)
            t_cc += time_runs([exe, "utils", "node", "show"], a.runs // 5, env)
        m_triv, m_cc = statistics.median(t_triv), statistics.median(t_cc)
        print(f"(a) start-up, median of {len(t_cc)} runs")
        print(f"    trivial C program           {m_triv*1000:8.2f} ms")
        print(f"    ccadmin utils node show     {m_cc*1000:8.2f} ms")
        print(f"    ratio ccadmin / trivial     {m_cc/m_triv:8.2f}x   (target <= 3x)")

        batch = "utils node show\n" * a.lines
        t = time.perf_counter()
        p = subprocess.run([exe], input=batch.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        t_batch = time.perf_counter() - t
        assert p.returncode == 0, p.stderr
        assert p.stdout.count(b"Role") == a.lines
        t = time.perf_counter()
        for _ in range(a.lines):
            subprocess.run([exe, "utils", "node", "show"], stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env, check=True)
        t_one = time.perf_counter() - t
        print(f"(b) {a.lines} x utils node show")
        print(f"    one batch                   {t_batch:8.2f} s")
        print(f"    {a.lines} one-shot runs        {t_one:8.2f} s")
        print(f"    ratio one-shot / batch      {t_one/t_batch:8.1f}x   (target >= 50x)")

        hwm, rss = idle_rss(exe, env)
        print("(c) idle interactive shell")
        print(f"    peak RSS (VmHWM)            {hwm:8.2f} MiB   (target <= 15 MiB)")
        print(f"    current RSS (VmRSS)         {rss:8.2f} MiB")

if __name__ == "__main__":
    main()
