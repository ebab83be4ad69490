"""Report rendering benchmark: PDF per report kind, DOCX, and the 10,000-filing annex-5 XLSX export.

    .venv/bin/python benchmarks/reports.py [--runs 15] [--rows 10000] [--font wqy|noto|both]

Prints, per report kind, the median and p90 wall time over N runs after a warm-up run, beside a baseline measured
in the same process (a trivial one-line HTML page rendered to PDF with the same fonts and stylesheet), so a slow
machine shows up in the baseline rather than as a regression.  Then the XLSX export of --rows filings streamed
from a generator: wall time (without tracemalloc), then peak traced memory (a second run under tracemalloc) and the
process's peak RSS (resource.getrusage) before and after.  Goals: each PDF <= 300 ms median; the 10,000-filing
export <= 5 s and <= 200 MB.

WeasyPrint allocates many short-lived cyclic objects, so Python's cyclic GC rescans every long-lived object of the
process (forms, fonts, imported modules) several times per PDF.  The PDF table is printed twice: with the default
GC, and after gc.freeze() (the long-lived objects moved out of the collector's way, as STACK-NOTES.md recommends
for benchmarks — and as a service can do once after start-up).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import date
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.interview.loader import load_forms  # noqa: E402
from bot.rendering.context import ReportContext, build_context  # noqa: E402
from bot.rendering.docx import render_docx  # noqa: E402
from bot.rendering.xlsx import FilingRow, filing_row, write_summary_xlsx  # noqa: E402
from tests.rendering.fixtures import all_sets  # noqa: E402

PDF_GOAL_MS = 300.0
XLSX_GOAL_S = 5.0
XLSX_GOAL_MB = 200.0
#: the report of each kind measured (the richest answer set of each)
PDF_CASES = ("miit", "heilongjiang", "eligibility", "filing")
DOCX_CASES = ("filing", "heilongjiang")
DISTRICT = "滨江区经济和信息化局"
FILLED_ON = date(2024, 5, 12)


def _times(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm-up: imports, font loading, template compilation
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1] if len(values) >= 2 else values[0]


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _filings(base: list[FilingRow], count: int) -> Iterator[FilingRow]:
    """`count` filings varied from the fixed ones (half with two providers), made one at a time."""
    for n in range(count):
        row = base[n % len(base)]
        yield row.replaced(company_name=f"{row.values['company_name']}{n:05d}",
                           credit_code=f"{row.values['credit_code'][:12]}{n:06d}")


def bench_xlsx(contexts: dict[str, ReportContext], rows: int) -> list[tuple[str, str]]:
    base = [filing_row(contexts["filing"]), filing_row(contexts["filing-single"])]
    write_summary_xlsx(_filings(base, 10), BytesIO(), district=DISTRICT, filled_on=FILLED_ON)
    gc.collect()
    rss_before = _maxrss_mb()
    start = time.perf_counter()
    buf = BytesIO()
    written = write_summary_xlsx(_filings(base, rows), buf, district=DISTRICT, filled_on=FILLED_ON)
    seconds = time.perf_counter() - start
    rss_after = _maxrss_mb()
    size = len(buf.getvalue())
    del buf
    gc.collect()
    tracemalloc.start()
    write_summary_xlsx(_filings(base, rows), BytesIO(), district=DISTRICT, filled_on=FILLED_ON)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_mb = peak / 1e6
    sheet_rows = sum(max(1, len(f.providers)) for f in _filings(base, rows))
    return [
        ("filings written", f"{written} ({sheet_rows} sheet rows, 28 columns)"),
        ("time", f"{seconds:.2f} s  (goal <= {XLSX_GOAL_S:.0f} s) {'OK' if seconds <= XLSX_GOAL_S else 'OVER'}"),
        ("tracemalloc peak", f"{peak_mb:.1f} MB  (goal <= {XLSX_GOAL_MB:.0f} MB) "
                             f"{'OK' if peak_mb <= XLSX_GOAL_MB else 'OVER'}"),
        ("maxrss before / after", f"{rss_before:.0f} MB / {rss_after:.0f} MB (growth {rss_after - rss_before:.0f} MB)"),
        ("file size", f"{size / 1e6:.1f} MB"),
    ]


def bench_pdf(contexts: dict[str, ReportContext], runs: int,
              font: str) -> list[tuple[str, float, float, float, str]]:
    """Per report: (label, min, median, p90, verdict); the first row is the baseline."""
    from bot.rendering.pdf import html_to_pdf, render_pdf

    rows = []
    baseline = _times(lambda: html_to_pdf("<p>基线 baseline</p>", font=font), runs)
    rows.append(("baseline (one-line HTML)", min(baseline), statistics.median(baseline), _p90(baseline), ""))
    for name in PDF_CASES:
        ctx = contexts[name]
        size = len(render_pdf(ctx.kind, ctx, font=font))
        times = _times(lambda ctx=ctx: render_pdf(ctx.kind, ctx, font=font), runs)  # type: ignore[misc]
        median = statistics.median(times)
        verdict = "OK" if median * 1000 <= PDF_GOAL_MS else "OVER"
        rows.append((f"pdf {name} ({ctx.kind}, {size // 1024} KB)", min(times), median, _p90(times), verdict))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rows", type=int, default=10_000, help="filings in the XLSX export")
    parser.add_argument("--font", choices=["wqy", "noto", "both"], default="wqy")
    args = parser.parse_args()

    t0 = time.perf_counter()
    forms = load_forms()
    contexts = {name: build_context(form, answers, lang="zh", company=company)
                for name, (form, answers, company) in all_sets(forms).items()}
    ctx_times = _times(lambda: build_context(*all_sets(forms)["filing"][:2], lang="zh"), args.runs)
    print(f"setup {time.perf_counter() - t0:.2f} s; build_context (filing) median "
          f"{statistics.median(ctx_times) * 1000:.2f} ms; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f} (other processes slow the medians; min is the uncontended cost)\n")

    fonts = ["wqy", "noto"] if args.font == "both" else [args.font]
    for font in fonts:
        start = time.perf_counter()
        from bot.rendering.pdf import find_font, render_pdf

        render_pdf("eligibility", contexts["eligibility"], font=font)
        first = time.perf_counter() - start
        print(f"PDF, font {font} ({find_font(font).path}); first render incl. imports and font load {first:.2f} s; "
              f"{args.runs} runs after a warm-up")
        for gc_mode in ("default GC", "gc.freeze()"):
            if gc_mode == "gc.freeze()":
                gc.collect()
                gc.freeze()
            rows = bench_pdf(contexts, args.runs, font)
            base = rows[0][2]
            print(f"  {'report (' + gc_mode + ')':<42} {'min':>9} {'median':>9} {'p90':>9} {'x base':>7}")
            for label, low, median, p90, verdict in rows:
                print(f"  {label:<42} {low * 1000:7.1f}ms {median * 1000:7.1f}ms {p90 * 1000:7.1f}ms "
                      f"{median / base:6.1f}x  {verdict}")
            gc.unfreeze()
        print()

    print(f"XLSX export of {args.rows} filings (annex 5, openpyxl write-only)")
    for label, value in bench_xlsx(contexts, args.rows):
        print(f"  {label:<24} {value}")
    print()

    print(f"DOCX ({args.runs} runs after a warm-up)")
    for name in DOCX_CASES:
        ctx = contexts[name]
        times = _times(lambda ctx=ctx: render_docx(ctx.kind, ctx), args.runs)  # type: ignore[misc]
        print(f"  docx {name:<37} {statistics.median(times) * 1000:7.1f}ms {_p90(times) * 1000:7.1f}ms")
    print(f"\npeak RSS of the whole run {_maxrss_mb():.0f} MB; load average now {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
