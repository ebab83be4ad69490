"""Documents benchmark: every PDF and Word file, and the 10,000-filing annex-5 export, beside a baseline.

    .venv/bin/python benchmarks/reports.py [--rounds 3] [--runs 3] [--rows 10000] [--against REV] [--untuned]

Each checkout measured runs in a worker process of its own (this checkout, and with --against REV the commit REV
exported with `git archive` into a temporary folder, its catalogs compiled, run with this checkout's interpreter).
The workers take turns case by case, round by round, so a change in the machine's load falls on both alike; each
prints per case the median wall time and the median CPU time of the rendering thread (the cost the machine's
other processes cannot inflate), and with --against the ratio this / baseline.  Every sample is taken after a
warm-up render of the same case (imports, fonts, templates loaded).  A one-line HTML page rendered to PDF with the
same fonts and stylesheets is the floor of any PDF.

Garbage collector: as the service runs it (bot/runtime.py: start-up frozen, young generation every 50,000
allocations), in both workers; --untuned keeps CPython's defaults.

The annex-5 export writes --rows filings (half with two providers) streamed from a generator: wall and CPU time,
then the peak traced memory (a second run under tracemalloc) and the growth of the process's peak RSS.

Goals (issue 25): each PDF <= 300 ms median, each Word file <= 200 ms, the 10,000-filing export <= 5 s and
<= 200 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PDF_GOAL_MS = 300.0
DOCX_GOAL_MS = 200.0
XLSX_GOAL_S = 5.0
XLSX_GOAL_MB = 200.0
#: the cases, in the order printed: (name, goal in ms or None)
CASES: tuple[tuple[str, float | None], ...] = (
    ("pdf baseline (one-line HTML)", None),
    ("pdf miit", PDF_GOAL_MS), ("pdf miit2024", PDF_GOAL_MS), ("pdf heilongjiang", PDF_GOAL_MS),
    ("pdf eligibility", PDF_GOAL_MS), ("pdf filing", PDF_GOAL_MS), ("pdf contract", PDF_GOAL_MS),
    ("docx filing", DOCX_GOAL_MS), ("docx heilongjiang", DOCX_GOAL_MS), ("docx contract", DOCX_GOAL_MS),
)
DISTRICT = "滨江区经济和信息化局"


# --- the worker: one checkout's documents -----------------------------------------------------------------------


def _renderers() -> dict[str, Callable[[], bytes]]:
    """Each case of this checkout that it can make (an older checkout lacks some: the contract, miit-2024)."""
    from bot.interview.loader import load_forms
    from bot.rendering.context import build_context
    from bot.rendering.docx import render_docx
    from bot.rendering.pdf import html_to_pdf, render_pdf
    from tests.rendering.fixtures import all_sets

    forms = load_forms()
    ctx = {name: build_context(form, answers, lang="zh", company=company)
           for name, (form, answers, company) in all_sets(forms).items()}
    out: dict[str, Callable[[], bytes]] = {"pdf baseline (one-line HTML)": lambda: html_to_pdf("<p>基线 baseline</p>")}
    for name in ("miit", "heilongjiang", "eligibility", "filing"):
        out[f"pdf {name}"] = lambda c=ctx[name]: render_pdf(c.kind, c)  # type: ignore[misc]
    for name in ("filing", "heilongjiang"):
        out[f"docx {name}"] = lambda c=ctx[name]: render_docx(c.kind, c)  # type: ignore[misc]
    try:
        from tests.rendering.test_miit2024_report import context as miit2024_context

        c2024 = miit2024_context("80 with 10 scenarios at 4 but only 5", "zh")
        out["pdf miit2024"] = lambda: render_pdf(c2024.kind, c2024)  # type: ignore[attr-defined]
    except ImportError:
        pass
    try:
        from bot.rendering.contract import (
            CONTRACT_FORM,
            contract_view,
            render_contract_docx,
            render_contract_pdf,
        )
        from tests.rendering.fixtures import filing_answers
        from tests.rendering.test_contract import contract_answers

        view = contract_view(filing_answers(forms["hangzhou-filing"]), 0, contract_answers(forms[CONTRACT_FORM], 0))
        out["pdf contract"] = lambda: render_contract_pdf(view)
        out["docx contract"] = lambda: render_contract_docx(view)
    except ImportError:
        pass
    return out


def _timed(fn: Callable[[], object], runs: int) -> dict[str, list[float]]:
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.thread_time()
        fn()
        cpu.append(time.thread_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    return {"wall": wall, "cpu": cpu}


def _filings(count: int) -> Iterator[Any]:
    """`count` filings varied from the two fixed ones (half with two providers), made one at a time."""
    from bot.interview.loader import load_forms
    from bot.rendering.context import build_context
    from bot.rendering.xlsx import filing_row
    from tests.rendering.fixtures import all_sets

    sets = all_sets(load_forms())
    base = [filing_row(build_context(*sets[name][:2], lang="zh")) for name in ("filing", "filing-single")]
    for n in range(count):
        row = base[n % 2]
        if hasattr(row, "replaced"):
            yield row.replaced(company_name=f"{row.values['company_name']}{n:05d}",
                               credit_code=f"{row.values['credit_code'][:12]}{n:06d}")
        else:  # a checkout whose FilingRow was a dataclass of fields (before the layouts declared the columns)
            from dataclasses import replace

            yield replace(row, company_name=f"{row.company_name}{n:05d}", credit_code=f"{row.credit_code[:12]}{n:06d}")


def _xlsx(rows: int) -> dict[str, Any]:
    import gc
    import resource
    import tracemalloc
    from io import BytesIO

    from bot.rendering.xlsx import write_summary_xlsx

    write_summary_xlsx(_filings(10), BytesIO(), district=DISTRICT, filled_on=None)
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    buf = BytesIO()
    start, start_cpu = time.perf_counter(), time.thread_time()
    write_summary_xlsx(_filings(rows), buf, district=DISTRICT, filled_on=None)
    cpu, wall = time.thread_time() - start_cpu, time.perf_counter() - start
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss_before
    size = len(buf.getvalue())
    del buf
    gc.collect()
    tracemalloc.start()
    write_summary_xlsx(_filings(rows), BytesIO(), district=DISTRICT, filled_on=None)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"wall": wall, "cpu": cpu, "peak_mb": peak / 1e6, "rss_growth_mb": rss_growth, "size_mb": size / 1e6}


def worker(root: Path, tuned: bool) -> int:
    """Serve measurements of the checkout at `root` over stdin/stdout, one JSON object a line."""
    os.chdir(root)
    sys.path.insert(0, str(root))
    renderers = _renderers()
    if tuned:
        import gc

        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 20, 10)  # bot/runtime.py's settings, applied alike to every checkout
    print(json.dumps({"cases": sorted(renderers)}), flush=True)
    warmed: set[str] = set()
    for line in sys.stdin:
        request = json.loads(line)
        if request["op"] == "xlsx":
            answer: dict[str, Any] = _xlsx(request["rows"])
        else:
            fn = renderers[request["case"]]
            if request["case"] not in warmed:
                fn()
                warmed.add(request["case"])
            answer = _timed(fn, request["runs"])
        print(json.dumps(answer), flush=True)
    return 0


# --- the parent: workers side by side ---------------------------------------------------------------------------


class Worker:
    def __init__(self, label: str, root: Path, tuned: bool) -> None:
        self.label = label
        args = [sys.executable, str(Path(__file__).resolve()), "--worker", str(root)]
        if not tuned:
            args.append("--untuned")
        self.process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=root)
        self.cases = set(self._read()["cases"])

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.label} worker stopped")
        return dict(json.loads(line))

    def ask(self, **request: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def export(rev: str, into: Path) -> Path:
    """The commit `rev` as files under `into` (git archive), its catalogs compiled."""
    commit = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    folder = into / commit
    folder.mkdir()
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    for domain in ("messages", "forms"):
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-D", domain, "-d",
                        str(folder / "locales")], check=True, capture_output=True)
    return folder


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:7.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="turns each worker takes per case")
    parser.add_argument("--runs", type=int, default=3, help="renders per case per turn")
    parser.add_argument("--rows", type=int, default=10_000, help="filings in the annex-5 export (0: skip it)")
    parser.add_argument("--against", metavar="REV", help="also measure this commit, side by side")
    parser.add_argument("--untuned", action="store_true", help="CPython's default garbage collector settings")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, not args.untuned)

    load = os.getloadavg()
    print(f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {args.rounds} rounds × "
          f"{args.runs} runs per case and checkout; GC {'default' if args.untuned else 'as the service'}")
    tmp = Path(tempfile.mkdtemp(prefix="reports-bench-"))
    try:
        workers = [Worker("this", ROOT, not args.untuned)]
        if args.against:
            workers.append(Worker(args.against, export(args.against, tmp), not args.untuned))
        return _run(workers, args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run(workers: list[Worker], args: argparse.Namespace) -> int:
    samples: dict[tuple[str, str], dict[str, list[float]]] = {}
    for _ in range(args.rounds):
        for case, _goal in CASES:
            for w in workers:
                if case in w.cases:
                    got = w.ask(op="run", case=case, runs=args.runs)
                    entry = samples.setdefault((w.label, case), {"wall": [], "cpu": []})
                    entry["wall"] += got["wall"]
                    entry["cpu"] += got["cpu"]
    head = "  ".join(f"{w.label + ' wall':>14} {'cpu':>7}" for w in workers)
    ratio = "  this/base wall cpu" if len(workers) > 1 else ""
    print(f"\n{'median, ms':<30} {head}{ratio}  goal")
    for case, goal in CASES:
        cells, medians = [], []
        for w in workers:
            entry = samples.get((w.label, case))
            if entry is None:
                cells.append(f"{'n/a':>14} {'':>7}")
                medians.append(None)
            else:
                cells.append(f"{_ms(entry['wall']):>14} {_ms(entry['cpu']):>7}")
                medians.append((statistics.median(entry["wall"]), statistics.median(entry["cpu"])))
        line = f"{case:<30} " + "  ".join(cells)
        if len(workers) > 1:
            if medians[0] and medians[1]:
                line += f"  {medians[0][0] / medians[1][0]:9.2f} {medians[0][1] / medians[1][1]:4.2f}"
            else:
                line += f"  {'':>14}"
        if goal is not None and medians[0]:
            line += f"  <= {goal:.0f} {'OK' if medians[0][0] * 1000 <= goal else 'OVER'}"
        print(line)
    if args.rows:
        print(f"\nannex-5 export of {args.rows} filings (half with two providers)")
        for w in workers:
            x = w.ask(op="xlsx", rows=args.rows)
            verdict = "OK" if x["wall"] <= XLSX_GOAL_S and x["peak_mb"] <= XLSX_GOAL_MB else "OVER"
            print(f"  {w.label:<10} {x['wall']:.2f} s wall, {x['cpu']:.2f} s CPU; tracemalloc peak "
                  f"{x['peak_mb']:.1f} MB, peak RSS growth {x['rss_growth_mb']:.0f} MB; {x['size_mb']:.1f} MB file  "
                  f"(goal <= {XLSX_GOAL_S:.0f} s, <= {XLSX_GOAL_MB:.0f} MB) {verdict}")
    for w in workers:
        w.close()
    load = os.getloadavg()
    print(f"\nload average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
