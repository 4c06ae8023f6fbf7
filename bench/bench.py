#!/usr/bin/env python3
"""pullcheck's benchmark suite (see bench/run.sh).

Every figure is a median of several runs after a warm-up, and is reported as a ratio to
references measured in the same invocation: `wc -l` (the I/O floor), the parse-only drain of
saphyr-parser's events (bench/parse_only.rs), two of those started together (what two cores
give two processes right now), and PyYAML's libyaml-backed CSafeLoader loading every document.
Runs whose ratio is the figure (1 vs 2 threads, 1x vs 4x vs 16x) are interleaved. Absolute
times on a shared 2-core machine are noise; ratios are the figure.
"""
import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile  # noqa: E402  (bench/hostile.py, beside this file)

STREAM_BYTES = 20_000_000


def build_stream(corpus, path, max_bytes):
    """The corpus README's recipe: every YAML file under 1000 KiB, plain/ first, each followed
    by a `---` line, twice over, stopping at the first separator after max_bytes."""
    files = []
    for folder in ("plain", "helm", "rendered"):
        found = []
        for root, _, names in os.walk(os.path.join(corpus, folder)):
            for name in names:
                if name.endswith((".yaml", ".yml")):
                    full = os.path.join(root, name)
                    if os.path.getsize(full) < 1000 * 1024:
                        found.append(full)
        files.extend(sorted(found, key=lambda p: os.path.relpath(p, corpus).encode()))
    written = 0
    with open(path, "wb") as out:
        for _ in range(2):
            for name in files:
                with open(name, "rb") as f:
                    data = f.read() + b"\n---\n"
                for line in data.splitlines(keepends=True):
                    out.write(line)
                    written += len(line)
                    if written >= max_bytes and line.rstrip(b"\n") == b"---":
                        return
    return


def repeat_stream(src, dst, times):
    with open(src, "rb") as f:
        data = f.read()
    with open(dst, "wb") as out:
        for _ in range(times):
            out.write(data)
            if not data.endswith(b"\n"):
                out.write(b"\n")


def run_once(cmd, stdin_path=None, rss=True):
    """Wall seconds and peak RSS (KiB) of one run, via /usr/bin/time -v when present; its own
    start is then timed too (1-3 ms a run). Without `rss`, the process alone: for the figures
    whose ratio is the point (a constant added to both sides of 1 -> 2 threads shrinks it).
    The peak RSS has to come through `time`: a child of this Python process counts the
    parent's pages in its own peak."""
    time_bin = "/usr/bin/time"
    use_time = rss and os.path.exists(time_bin)
    full = ([time_bin, "-v"] if use_time else []) + cmd
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    start = time.perf_counter()
    proc = subprocess.run(full, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if stdin_path:
        stdin.close()
    rss = None
    for line in proc.stderr.decode(errors="replace").splitlines():
        if "Maximum resident set size" in line:
            rss = int(line.rsplit(":", 1)[1])
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd!r} exited {proc.returncode}: {proc.stderr.decode()[-400:]}")
    return wall, rss


def measure(cmd, runs, stdin_path=None):
    run_once(cmd, stdin_path)  # warm-up
    samples = [run_once(cmd, stdin_path) for _ in range(runs)]
    walls = [s[0] for s in samples]
    rss = [s[1] for s in samples if s[1] is not None]
    return statistics.median(walls), (max(rss) if rss else None)


def measure_cold(cmd, runs, gap, stdin_path=None):
    """Like `measure`, with `gap` idle seconds before each run: how CI and pre-commit start
    pullcheck, once, after other work. The input stays in the page cache (the warm-up read
    it), so what the gap brings back is the allocator's and the kernel's first-touch costs,
    not the disk."""
    run_once(cmd, stdin_path)
    samples = []
    for _ in range(runs):
        time.sleep(gap)
        samples.append(run_once(cmd, stdin_path))
    rss = [s[1] for s in samples if s[1] is not None]
    return statistics.median(s[0] for s in samples), (max(rss) if rss else None)


def measure_group(cmds, runs, rss=True):
    """Like `measure` for commands whose ratios are the figure, their runs interleaved so that
    a slow spell of the machine falls on all of them."""
    for cmd in cmds:
        run_once(cmd, rss=rss)
    samples = [[] for _ in cmds]
    for _ in range(runs):
        for cmd, out in zip(cmds, samples):
            out.append(run_once(cmd, rss=rss))
    def summary(runs_of_one):
        rss = [s[1] for s in runs_of_one if s[1] is not None]
        return statistics.median(s[0] for s in runs_of_one), (max(rss) if rss else None)
    return [summary(one) for one in samples]


def two_at_once_seconds(cmd, runs):
    """Median wall seconds of two copies of `cmd` started together: with the median of one
    copy alone, the speed-up two cores gave two independent processes during this run, a
    reference for the 1 -> 2 thread figures on a machine whose neighbours come and go."""
    def once():
        start = time.perf_counter()
        procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
        for p in procs:
            p.wait()
        return time.perf_counter() - start
    once()
    return statistics.median(once() for _ in range(runs))


def csafe_loader_seconds(path, runs):
    """Seconds for PyYAML's CSafeLoader to load every document of `path` (malformed ones
    skipped), in-process, median of `runs`; None without PyYAML's C extension."""
    script = r"""
import re, sys, time
import yaml
data = open(sys.argv[1], 'rb').read()
docs = re.split(rb'(?m)^---(?=[ \t\r\n]|$)', data)
def load():
    for d in docs:
        try:
            for _ in yaml.load_all(d, Loader=yaml.CSafeLoader):
                pass
        except yaml.YAMLError:
            pass
        except Exception:
            pass
load()
times = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); load(); times.append(time.perf_counter() - t)
times.sort()
print(times[len(times) // 2])
"""
    probe = subprocess.run([sys.executable, "-c", "import yaml; yaml.CSafeLoader"], capture_output=True)
    if probe.returncode != 0:
        return None
    out = subprocess.run([sys.executable, "-c", script, path, str(runs)], capture_output=True, check=True)
    return float(out.stdout)


def read_only_seconds(read_only, corpus, threads, runs):
    """Median seconds `read_only` took to read the corpus' files with `threads` threads (its
    walk left out)."""
    def once():
        out = subprocess.run([read_only, corpus, str(threads)], capture_output=True, check=True)
        return float(out.stdout)
    once()
    return statistics.median(once() for _ in range(runs))


def read_only_two_at_once_seconds(read_only, corpus, runs):
    """Median of the slower of two one-thread `read_only` processes reading the corpus at the
    same moment (each waits for a start time after its walk)."""
    def once():
        start = time.time() + 0.5
        procs = [subprocess.Popen([read_only, corpus, "1", f"{start:.6f}"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) for _ in range(2)]
        return max(float(p.communicate()[0]) for p in procs)
    once()
    return statistics.median(once() for _ in range(runs))


def mb(n):
    return n / 1_000_000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--parse-only", required=True)
    ap.add_argument("--skim-stats", help="bench/skim_stats.rs, built: reports the fast path's share")
    ap.add_argument("--read-only", help="bench/read_only.rs, built: the corpus' reads alone, a reference for its scaling")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--smoke", action="store_true", help="tiny inputs, one run: for the test")
    ap.add_argument("--cold-gap", type=float, default=2.5,
                    help="idle seconds before each run of the cold (first-run) cases")
    args = ap.parse_args()
    runs = 1 if args.smoke else max(5, args.runs)
    gap = 0.05 if args.smoke else args.cold_gap
    stream_bytes = 200_000 if args.smoke else STREAM_BYTES
    pc = os.path.abspath(args.bin)
    parse_only = os.path.abspath(args.parse_only)
    corpus = os.path.abspath(args.corpus)
    if not os.path.isdir(corpus):
        raise SystemExit(f"no corpus at {corpus}")

    tmp = tempfile.mkdtemp(prefix="pullcheck-bench-")
    rows = []
    try:
        stream = os.path.join(tmp, "concat.yaml")
        build_stream(corpus, stream, stream_bytes)
        size = os.path.getsize(stream)
        lint = [pc, "--format", "json", "--fail-on", "never"]

        # References on the stream.
        wc, _ = measure(["wc", "-l", stream], runs)
        parse, parse_rss = measure([parse_only, stream], runs)
        parse_twice = two_at_once_seconds([parse_only, stream], runs)
        csafe = csafe_loader_seconds(stream, runs)
        skim = None
        if args.skim_stats:
            out = subprocess.run([os.path.abspath(args.skim_stats), stream], capture_output=True, check=True)
            skim = out.stdout.decode().strip().splitlines()[-1]

        def show(cmd, stdin=None):
            return " ".join(os.path.basename(c) if i == 0 else c for i, c in enumerate(cmd)) + (" < FILE" if stdin else "")

        def row(name, cmd, nbytes, stdin=None):
            wall, rss = measure(cmd, runs, stdin)
            rows.append((name, wall, nbytes, rss, show(cmd, stdin)))
            return wall, rss

        cold_rows = []

        def cold(name, cmd, nbytes):
            wall, rss = measure_cold(cmd, runs, gap)
            cold_rows.append((name, wall, nbytes, rss, show(cmd)))
            return wall, rss

        def group(names, cmds, sizes):
            results = measure_group(cmds, runs)
            for name, cmd, nbytes, (wall, rss) in zip(names, cmds, sizes, results):
                rows.append((name, wall, nbytes, rss, show(cmd)))
            return results

        (s2, s2_rss), (s1, _) = group(
            ("stream, file, 2 threads", "stream, file, 1 thread"),
            (lint + ["--threads", "2", stream], lint + ["--threads", "1", stream]),
            (size, size),
        )
        # 1 -> 2 threads from runs of the process alone (see `run_once`).
        stream_threads = measure_group(
            [lint + ["--threads", "1", stream], lint + ["--threads", "2", stream]], runs, rss=False)
        row("stream, stdin, 2 threads", lint + ["--threads", "2", "-"], size, stdin=stream)
        # Scaling: 1x, 4x and 16x interleaved; the 1x runs are the base of the ratios only.
        bigs = {}
        for times in (4, 16):
            bigs[times] = os.path.join(tmp, f"concat{times}.yaml")
            repeat_stream(stream, bigs[times], times)
        scaled = measure_group([lint + ["--threads", "2", stream]] + [lint + ["--threads", "2", bigs[t]] for t in (4, 16)], runs)
        base = scaled[0][0]
        scaling = {}
        for times, (wall, rss) in zip((4, 16), scaled[1:]):
            rows.append((f"stream x{times}, 2 threads", wall, size * times, rss, show(lint + ["--threads", "2", bigs[times]])))
            scaling[times] = wall / base
            os.remove(bigs[times])

        corpus_bytes = sum(os.path.getsize(os.path.join(r, n)) for r, _, ns in os.walk(corpus) for n in ns)
        (c2, _), (c1, _) = group(
            ("corpus directory, 2 threads", "corpus directory, 1 thread"),
            (lint + ["--threads", "2", corpus], lint + ["--threads", "1", corpus]),
            (corpus_bytes, corpus_bytes),
        )
        corpus_threads = measure_group(
            [lint + ["--threads", "1", corpus], lint + ["--threads", "2", corpus]], runs, rss=False)

        reads = None
        if args.read_only:
            read_only = os.path.abspath(args.read_only)
            reads = (
                read_only_seconds(read_only, corpus, 1, runs),
                read_only_seconds(read_only, corpus, 2, runs),
                read_only_two_at_once_seconds(read_only, corpus, runs),
            )

        small = os.path.join(corpus, "plain")
        small_file = None
        for r, _, ns in sorted(os.walk(small)):
            for n in sorted(ns):
                if n.endswith(".yaml") and 500 < os.path.getsize(os.path.join(r, n)) < 3000:
                    small_file = os.path.join(r, n)
                    break
            if small_file:
                break
        one, _ = row("one small file (process start included)", [pc, small_file], os.path.getsize(small_file))

        # First runs: the same cases after an idle gap each (CI, pre-commit).
        cold_stream, cold_stream_rss = cold("stream, file, 2 threads", lint + ["--threads", "2", stream], size)
        cold_corpus, _ = cold("corpus directory, 2 threads", lint + ["--threads", "2", corpus], corpus_bytes)
        cold_one, _ = cold("one small file (process start included)", [pc, small_file], os.path.getsize(small_file))

        # 20,000 diagnostics rendered in each format.
        many = os.path.join(tmp, "many.yaml")
        count = 2_000 if args.smoke else 20_000
        with open(many, "w") as f:
            f.write("kind: Pod\nmetadata: {name: many}\nspec:\n  containers:\n")
            for i in range(count):
                f.write(f"    - {{name: c{i}, image: nginx, imagePullPolicy: Always}}\n")
        render = {}
        for fmt in ("human", "json", "sarif"):
            render[fmt], _ = row(f"{count} diagnostics, {fmt}", [pc, "--format", fmt, "--color", "never", many] if fmt == "human" else [pc, "--format", fmt, many], os.path.getsize(many))

        # Hostile shapes that were quadratic or crashed (bench/hostile.py).
        hostile_dir = os.path.join(tmp, "hostile")
        os.makedirs(hostile_dir)
        for name, case_args, path in hostile.write_cases(hostile_dir, args.smoke):
            row(f"hostile: {name}", [pc, "--fail-on", "never", *case_args, path], os.path.getsize(path))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    lines = []
    w = lines.append
    w("# Benchmark results\n")
    w("Written by `bench/run.sh` (bench/bench.py); do not edit by hand.\n")
    w(f"- Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}")
    w(f"- Runs: median of {runs} after one warm-up; peak RSS from `/usr/bin/time -v`.")
    w(f"- Stream: the corpus README's recipe, {mb(size):.1f} MB.\n")
    w("## References on the stream, same invocation\n")
    w("| reference | median s | MB/s |")
    w("|---|---|---|")
    w(f"| `wc -l` (I/O floor) | {wc:.3f} | {mb(size)/wc:.0f} |")
    w(f"| saphyr-parser events drained (`parse_only`), 1 thread | {parse:.3f} | {mb(size)/parse:.1f} |")
    w(f"| two `parse_only` processes started together | {parse_twice:.3f} | {2*mb(size)/parse_twice:.1f} |")
    if csafe is not None:
        w(f"| PyYAML `CSafeLoader`, every document (malformed ones skipped), 1 thread | {csafe:.3f} | {mb(size)/csafe:.1f} |")
    else:
        w("| PyYAML `CSafeLoader` | not installed | |")
    if reads:
        w("\n## References on the corpus directory, same invocation\n")
        w("| reference | median s | MB/s |")
        w("|---|---|---|")
        w(f"| reading its files alone (`read_only`: open, statx, read, close), 1 thread | {reads[0]:.3f} | {mb(corpus_bytes)/reads[0]:.1f} |")
        w(f"| the same, 2 threads | {reads[1]:.3f} | {mb(corpus_bytes)/reads[1]:.1f} |")
        w(f"| two 1-thread `read_only` processes reading together (the slower) | {reads[2]:.3f} | {2*mb(corpus_bytes)/reads[2]:.1f} |")
    w("\n## pullcheck\n")
    w("| case | median s | MB/s | peak RSS MB | command |")
    w("|---|---|---|---|---|")
    for name, wall, nbytes, rss, cmd in rows:
        w(f"| {name} | {wall:.3f} | {mb(nbytes)/wall:.1f} | {rss/1024 if rss else float('nan'):.0f} | `{cmd}` |")
    w(f"\n## pullcheck, first runs ({gap:g} s idle before each)\n")
    w("The way CI and pre-commit run it: once, after other work. The input is in the page cache.\n")
    w("| case | median s | MB/s | peak RSS MB | loop median s | cold / loop |")
    w("|---|---|---|---|---|---|")
    for name, wall, nbytes, rss, cmd in cold_rows:
        loop = next((w_ for n, w_, *_ in rows if n == name), None)
        w(f"| {name} | {wall:.3f} | {mb(nbytes)/wall:.1f} | {rss/1024 if rss else float('nan'):.0f} | "
          + (f"{loop:.3f} | {wall/loop:.2f} |" if loop else "| |"))
    w("\n## Ratios\n")
    w(f"- First runs: stream {mb(size)/cold_stream:.1f} MB/s, corpus {cold_corpus:.3f} s, one small file "
      f"{cold_one*1000:.1f} ms; peak RSS on the stream {cold_stream_rss/1024 if cold_stream_rss else float('nan'):.0f} MB.")
    w(f"- Stream, 2 threads: {mb(size)/s2:.1f} MB/s; {s2/parse:.2f}x the parse-only time"
      + (f"; {csafe/s2:.1f}x faster than CSafeLoader" if csafe else "")
      + f"; {s2/wc:.0f}x `wc -l`.")
    ceiling = 2 * parse / parse_twice
    w(f"- Two cores, as this machine gave them during the run: two `parse_only` processes started together did "
      f"{ceiling:.2f}x the work of one in the same time (a reference for the 1 -> 2 thread figures; it varies "
      "from run to run with the machine's neighbours).")
    def threads_ratio(timed):
        (one, _), (two, _) = timed
        return one / two
    w(f"- Stream, 1 -> 2 threads: {threads_ratio(stream_threads):.2f}x, the process alone "
      f"({s1/s2:.2f}x in the table, timed through `/usr/bin/time`; two processes: {ceiling:.2f}x).")
    if skim:
        w(f"- Documents read by the fast path (`skim_stats`): {skim}.")
    w(f"- Corpus directory, 1 -> 2 threads: {threads_ratio(corpus_threads):.2f}x, the process alone "
      f"({c1/c2:.2f}x in the table; two processes: {ceiling:.2f}x)"
      + (f"; reading its files alone: 2 threads {reads[0]/reads[1]:.2f}x one, two processes {2*reads[0]/reads[2]:.2f}x." if reads else "."))
    w(f"- Scaling (runs interleaved with 1x runs): 4x input took {scaling[4]:.2f}x the time, 16x input {scaling[16]:.2f}x.")
    w(f"- Peak RSS on the stream: {s2_rss/1024 if s2_rss else float('nan'):.0f} MB for {mb(size):.0f} MB of input (target: 2x input + 30 MB = {2*mb(size)+30:.0f} MB).")
    w(f"- One small file: {one*1000:.1f} ms including process start.")
    w(f"- {count} diagnostics: human {render['human']:.3f} s, JSON {render['json']:.3f} s, SARIF {render['sarif']:.3f} s.")
    text = "\n".join(lines) + "\n"
    with open(args.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
