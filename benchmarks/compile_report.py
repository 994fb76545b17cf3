"""Compiling a report: draftbot's .docx next to pandoc converting the same report from Markdown.

    .venv/bin/python benchmarks/compile_report.py [--repeat 3] [--sizes 50,300,1000]

For reports of 50, 300 and 1,000 points with three sub-points each (the sample of
benchmarks/render_report.py: a draft, every other point still under discussion, each point with a
second paragraph and a two-item bullet list) it prints, in one run:

- draftbot: `build_report` + `render_docx`, timed inside a fresh Python process for each size, after
  one warm-up compile (a running bot has its imports and template loaded; this is what a `compile`
  command costs it), best of --repeat. "cold s" is that process's whole wall time: interpreter start,
  imports, sample data, the warm-up and the timed compiles.
- pandoc: `pandoc -f markdown -t docx` on the Markdown of the same report
  (`drafting.report.markdown.render_markdown`), one process per run, wall time, best of --repeat.
- peak memory of both as the same thing: the peak resident set size (ru_maxrss) of the process that did
  the work, read with os.wait4 for that one child. draftbot's includes the Python interpreter and its
  imports; the "baseline" line shows that much for a process that builds the sample and compiles nothing.
- ms/point and growth: the time per point, and that figure relative to the smallest size (1.00 means
  the cost grows linearly with the number of points).

pandoc comes from the distribution's packages (`apt-get install -y pandoc` on Debian); without it the
script says so and prints the draftbot columns alone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SIZES = (50, 300, 1000)
NOW = datetime(2016, 11, 16, 18, 0, tzinfo=UTC)


# ---- what runs in the child process -----------------------------------------------------------------


def child(points: int, repeat: int, compile_: bool) -> None:
    """Builds the sample; unless only measuring the baseline, compiles it; prints the figures as JSON."""
    from render_report import sample

    from drafting.report.builder import build_report
    from drafting.report.formats.informe.docx import render_docx
    from drafting.report.template import load_template

    template = load_template()
    meeting, delegations, items = sample(points)
    best = 0.0
    size = 0
    if compile_:

        def compile_once() -> int:
            report = build_report(meeting, delegations, items, final=False, template=template, now=NOW)
            return len(render_docx(report, template))

        compile_once()  # warm-up: lazy imports, the template package, caches
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            size = compile_once()
            timings.append(time.perf_counter() - started)
        best = min(timings)
    print(json.dumps({"best": best, "bytes": size}))


# ---- measuring a child ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    wall: float  # seconds, start to exit, as the parent saw it
    rss_mib: float  # the child's peak resident set size
    stdout: str


def run_child(command: list[str]) -> Run:
    """Runs one process and reads its own rusage (os.wait4), so every figure is that child's alone."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} exited {process.returncode}: {err.read().decode(errors='replace')}"
            )
        # Linux reports ru_maxrss in KiB (macOS in bytes; this benchmark is for Linux).
        return Run(wall, usage.ru_maxrss / 1024, out.read().decode())


def draftbot_cell(points: int, repeat: int) -> tuple[float, float, float, int]:
    """(best compile s, cold process s, peak RSS MiB, .docx bytes) from a fresh process."""
    run = run_child([sys.executable, __file__, "--child", str(points), "--repeat", str(repeat)])
    figures = json.loads(run.stdout)
    return float(figures["best"]), run.wall, run.rss_mib, int(figures["bytes"])


def baseline_rss(points: int) -> float:
    run = run_child([sys.executable, __file__, "--child", str(points), "--baseline"])
    return run.rss_mib


def markdown_of(points: int) -> str:
    from render_report import sample

    from drafting.report.builder import build_report
    from drafting.report.formats.informe.markdown import render_markdown
    from drafting.report.template import load_template

    template = load_template()
    meeting, delegations, items = sample(points)
    return render_markdown(build_report(meeting, delegations, items, final=False, template=template, now=NOW))


def pandoc_cell(pandoc: str, points: int, repeat: int, workdir: Path) -> tuple[float, float, int]:
    """(best wall s, peak RSS MiB, .docx bytes) for pandoc converting the same report's Markdown."""
    source = workdir / f"report-{points}.md"
    target = workdir / f"report-{points}.docx"
    source.write_text(markdown_of(points), encoding="utf-8")
    best, rss = float("inf"), 0.0
    for _ in range(repeat):
        run = run_child([pandoc, "-f", "markdown", "-t", "docx", "-o", str(target), str(source)])
        best, rss = min(best, run.wall), max(rss, run.rss_mib)
    return best, rss, target.stat().st_size


# ---- the table ----------------------------------------------------------------------------------------


def pandoc_version(pandoc: str) -> str:
    result = subprocess.run([pandoc, "--version"], capture_output=True, text=True, check=False)
    return result.stdout.splitlines()[0] if result.stdout else "pandoc (version unknown)"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per cell; the best is shown")
    parser.add_argument(
        "--sizes", default=",".join(map(str, SIZES)), help="comma-separated numbers of points"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.child is not None:
        child(args.child, args.repeat, compile_=not args.baseline)
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    pandoc = shutil.which("pandoc")
    print(
        f"compile a draft report, 3 sub-points per point, best of {args.repeat}; "
        f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs"
    )
    if pandoc is None:
        print(
            "pandoc: NOT FOUND on PATH, so there is nothing to compare with. Install it from the "
            "distribution's packages (Debian: apt-get install -y pandoc) and run this again.",
            file=sys.stderr,
        )
        print("pandoc: not installed; its columns show n/a")
    else:
        print(f"pandoc: {pandoc_version(pandoc)}, `pandoc -f markdown -t docx`, one process per run")
    print(
        f"draftbot baseline (interpreter, imports, sample of {sizes[-1]} points, no compile): "
        f"{baseline_rss(sizes[-1]):.0f} MiB peak RSS"
    )
    header = (
        f"{'points':>6} | {'draftbot s':>10} {'ms/pt':>6} {'growth':>6} {'cold s':>6} {'RSS MiB':>7} "
        f"{'KiB':>5} | {'pandoc s':>8} {'ms/pt':>6} {'growth':>6} {'RSS MiB':>7} {'KiB':>5} | "
        f"{'pandoc/draftbot':>15}"
    )
    print(header)
    print("-" * len(header))
    first_ours: float | None = None
    first_theirs: float | None = None
    with tempfile.TemporaryDirectory(prefix="draftbot-bench-") as tmp:
        for points in sizes:
            ours, cold, our_rss, our_bytes = draftbot_cell(points, args.repeat)
            ours_pp = ours / points * 1000
            first_ours = first_ours or ours_pp
            row = (
                f"{points:>6} | {ours:>10.3f} {ours_pp:>6.2f} {ours_pp / first_ours:>6.2f} {cold:>6.2f} "
                f"{our_rss:>7.0f} {our_bytes / 1024:>5.0f} | "
            )
            if pandoc is None:
                row += f"{'n/a':>8} {'n/a':>6} {'n/a':>6} {'n/a':>7} {'n/a':>5} | {'n/a':>15}"
            else:
                theirs, their_rss, their_bytes = pandoc_cell(pandoc, points, args.repeat, Path(tmp))
                theirs_pp = theirs / points * 1000
                first_theirs = first_theirs or theirs_pp
                row += (
                    f"{theirs:>8.3f} {theirs_pp:>6.2f} {theirs_pp / first_theirs:>6.2f} {their_rss:>7.0f} "
                    f"{their_bytes / 1024:>5.0f} | {theirs / ours:>14.1f}x"
                )
            print(row, flush=True)
    print("draftbot s: build_report + render_docx in a warm process; cold s: that whole fresh process.")
    print("growth: ms/pt relative to the first size (1.00 = linear; below 1 = fixed costs spread out).")
    print("RSS MiB: peak resident set of the process that did the work; KiB: size of the .docx.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
