"""Would Typst render the slowest reports faster?  The Heilongjiang and miit-2022 reports, approximated in Typst.

    pip install -e .[bench]    # the typst package (a Rust binary in a wheel)
    .venv/bin/python benchmarks/typst_probe.py [--rounds 7] [--out DIR]

Issue 25: "If WeasyPrint cannot reach 300 ms on these layouts, measure Typst (CJK with the system font,
lang: "zh") on the two slowest layouts and decide with numbers."  This builds, from the same fixed answers as the
tests, Typst sources close to the two slowest reports (the Heilongjiang application: its basic-information table,
the 30-indicator rubric with its row-spanning sections and the evidence table; the miit-2022 report: summary,
levels, the two SVG charts, dimensions, advice and every question) with the same font (the WenQuanYi file the
PDFs embed, DejaVu for the check boxes), and times, taking turns, Typst (one compiler kept, as a service would,
each round's source changed so nothing is reused from the round before) and WeasyPrint on the real reports.  It
prints wall and CPU medians of both (Typst's CPU is the whole process: it may use more than one thread).

These are approximations, not ports: they print the same content in the same tables, not every detail of the
layout (page breaks, the next-steps page, metadata).  --out writes both PDFs to compare the pages.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.interview.loader import load_forms  # noqa: E402
from bot.rendering.context import ReportContext, build_context, for_layout  # noqa: E402
from bot.rendering.layouts.miit import charts  # noqa: E402
from bot.rendering.pdf import SYMBOL_FONTS, find_font, render_pdf  # noqa: E402
from tests.rendering.fixtures import all_sets  # noqa: E402

HEAD = """#set page(paper: "a4", margin: (x: 15mm, y: 16mm),
  footer: context align(center, text(8pt, fill: gray)[#counter(page).display() / #counter(page).final().first()]))
#set text(font: ("WenQuanYi Micro Hei", "DejaVu Sans"), size: 10pt, lang: "zh")
#set par(leading: 0.45em)
#set table(stroke: 0.6pt + rgb("#333"), inset: (x: 1.6mm, y: 1.2mm))
#show heading: it => block(width: 100%, stroke: (bottom: 0.8pt + rgb("#2f6db5")), inset: (bottom: 1mm),
  above: 5mm, below: 2mm, text(12pt, weight: "bold", it.body))
"""


def esc(value: Any) -> str:
    text = str(value)
    for ch in '\\#[]*_`$<>@"~=/':
        text = text.replace(ch, "\\" + ch)
    return text


def yes_no(value: bool | None) -> str:
    return f"是{'☑' if value is True else '☐'} 否{'☑' if value is False else '☐'}"


def heilongjiang(c: ReportContext) -> str:
    r = c.rubric
    assert r is not None
    out = [HEAD, f'#align(center, text(16pt, weight: "bold")[{esc(c.title)}])',
           f'#block(stroke: 1pt + rgb("#2f6db5"), fill: rgb("#f5f8fc"), inset: 3mm, width: 100%)[企业自评最终得分：'
           f'#text(20pt, weight: "bold")[{esc(r.total)}] （基础分 {esc(r.base)} / {esc(r.base_max)} + 加分 '
           f'{esc(r.bonus_points)}）]',
           '#align(center, text(14pt, weight: "bold")[企业基本情况表])',
           "#table(columns: (13.75%, 12.5%, 16.25%, 21.25%, 13.75%, 22.5%),"]
    t = c.text
    cells = [f"table.cell(colspan: 2)[企业名称], table.cell(colspan: 4)[{esc(c.company or t('applicant'))}]",
             f"table.cell(colspan: 2)[通讯地址], table.cell(colspan: 2)[{esc(t('address'))}], [邮编], "
             f"[{esc(t('postal_code'))}]"]
    for who, name, phone, mobile in (("法人代表", "legal_rep", "legal_rep_phone", "legal_rep_mobile"),
                                     ("联系人", "contact_name", "contact_phone", "contact_mobile")):
        cells.append(f"[{who}], [{esc(t(name))}], [电话], [{esc(t(phone))}], [手机], [{esc(t(mobile))}]")
    cells.append(f"table.cell(colspan: 2)[传真], table.cell(colspan: 2)[{esc(t('fax'))}], [E-mail], "
                 f"[{esc(t('email'))}]")
    sizes = " ".join(("☑" if o.checked else "☐") + esc(o.label) for o in c.choices("enterprise_size"))
    cells.append("table.cell(colspan: 4)[根据《中小企业划型标准》（工信部联企业〔2011〕300号），企业规模属于], "
                 f"table.cell(colspan: 2)[{sizes}]")
    for label, key in (("所属行业", "industry"), ("具体细分领域名称", "niche"), ("银行信用等级", "bank_credit_rating")):
        cells.append(f"table.cell(colspan: 2)[{label}], table.cell(colspan: 4)[{esc(t(key))}]")
    out.append(",\n".join(cells) + ")")
    out += ["#pagebreak()",
            '#align(center, text(14pt, weight: "bold")[黑龙江省中小企业数字化示范标杆企业 \\ 自评得分情况表])',
            "#table(columns: (6%, 11%, 1fr, 11%, 11%, 6%, 6%), align: (center, center, left, center, center, "
            "center, center), table.header([一级 \\ 指标], [二级 \\ 指标], [三级指标], [是/否 \\ 满足], "
            "[是/否 \\ 至少符合其中一项], [分值], [自评 \\ 得分]),"]
    cells = []
    for s in r.sections:
        rows = sum(len(g.indicators) + 1 for g in s.groups)
        for gi, g in enumerate(s.groups):
            for ii, i in enumerate(g.indicators):
                if gi == 0 and ii == 0:
                    cells.append(f'table.cell(rowspan: {rows}, text(weight: "bold")[{esc(s.name)} \\ '
                                 f"（{esc(s.maximum)}分）])")
                if ii == 0:
                    cells.append(f"table.cell(rowspan: {len(g.indicators) + 1})[{esc(g.name)} \\ "
                                 f"（{esc(g.maximum)}分）]")
                cells.append(f"[{i.number}.{esc(i.text)}], [{yes_no(i.yes)}]")
                if ii == 0:
                    cells.append(f"table.cell(rowspan: {len(g.indicators)})[{yes_no(g.any_yes)}]")
                cells.append(f"[{esc(i.points)}], [{esc(i.earned)}]")
            cells.append(f'table.cell(colspan: 3, fill: rgb("#f3f3f3"))[分值小计], [{esc(g.maximum)}], '
                         f"[{esc(g.points)}]")
    out.append(",\n".join(cells) + ")")
    out += ['#text(14pt, weight: "bold")[佐证材料说明]',
            "#table(columns: (8%, 24%, 1fr), table.header([指标], [二级指标], [佐证材料]),"]
    cells = [f"[{i.number}], [{esc(g.name)}], [{esc(i.evidence)}]"
             for s in r.sections for g in s.groups for i in g.indicators if i.yes]
    out.append(",\n".join(cells) + ")")
    return "\n".join(out)


def miit(c: ReportContext, folder: Path) -> str:
    t, labels = c.tree, c.labels
    assert t is not None
    extra = charts(c)
    (folder / "bar.svg").write_text(str(extra["bar_svg"]), encoding="utf-8")
    (folder / "radar.svg").write_text(str(extra["radar_svg"]), encoding="utf-8")
    out = [HEAD, f'#align(center, text(16pt, weight: "bold")[{esc(c.title)} \\ {esc(labels["report"])}])',
           f'#text(9pt)[{esc(labels["company"])}：{esc(c.company)}]',
           f'#block(stroke: 1pt + rgb("#2f6db5"), fill: rgb("#f5f8fc"), inset: 3mm, width: 100%)[{esc(labels["total"])}'
           f'：#text(20pt, weight: "bold")[{esc(t.total)}] / {esc(t.maximum)} #h(6mm) #text(16pt, weight: "bold")'
           f'[{esc(labels["level"])}：{esc(t.level_name)}] \\ {esc(t.next_level)}]',
           f'#block(stroke: (left: 2pt + rgb("#d08a00")), inset: (left: 2mm), text(8.5pt)[{esc(t.notice or "")}])',
           f'= {esc(labels["levels"])}', "#table(columns: (11%, 10%, 65%, 14%),"]
    out.append(",\n".join(f"[*{esc(lv.name)}*], [{esc(lv.band)}], [{esc(lv.description)}], [{esc(lv.mark or '')}]"
                          for lv in t.levels) + ")")
    out += [f'= {esc(labels["dimensions"])}', '#grid(columns: 2, image("bar.svg"), image("radar.svg"))',
            "#table(columns: (55%, 15%, 15%, 15%), align: (left, right, right, right), "
            "table.header([*一级指标*], [*得分*], [*满分*], [*%*]),"]
    rows = [f"[{esc(d.name)}], [{esc(d.points)}], [{esc(d.maximum)}], [{d.ratio * 100:.1f}%]" for d in t.dimensions]
    out.append(",\n".join([*rows, f"[*总分*], [*{esc(t.total)}*], [*{esc(t.maximum)}*], []"]) + ")")
    out += [f'= {esc(labels["advice"])}', f'{esc(t.next_level)} {esc(labels["advice_intro"])}',
            "#table(columns: (7%, 33%, 24%, 26%, 10%), table.header([\\#], [*题目*], [*当前回答*], [*满分做法*], "
            "[*可增加*]),"]
    out.append(",\n".join(f"[{esc(a.number)}], [{esc(a.label)}], [{esc(a.current)}], [{esc(a.best)}], "
                          f"[+{esc(a.gain)}]" for a in t.advice) + ")")
    out += [f'= {esc(labels["indicators"])}',
            "#table(columns: (7%, 42%, 35%, 16%), table.header([\\#], [*题目*], [*回答*], [*得分 / 满分*]),"]
    rows = []

    def node(n: Any) -> None:
        if n.item:
            note = f' #text(8pt, fill: rgb("#555"))[{esc(n.note)}]' if n.note else ""
            rows.append(f"[{esc(n.number)}], [{esc(n.name)}{note}], [{esc(n.answer)}], "
                        f"[{esc(n.points)} / {esc(n.maximum)}]")
        else:
            rows.append(f'table.cell(colspan: 3, fill: rgb("#eef2f7"))[*{esc(n.name)}*], '
                        f'table.cell(fill: rgb("#eef2f7"))[*{esc(n.points)} / {esc(n.maximum)}*]')
            for child in n.children:
                node(child)

    for d in t.dimensions:
        node(d)
    out.append(",\n".join(rows) + ")")
    return "\n".join(out)


def _pages(pdf: bytes, folder: Path) -> str:
    """The page count pdfinfo reads (poppler-utils), or "?"."""
    import subprocess

    path = folder / "count.pdf"
    path.write_bytes(pdf)
    try:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--out", type=Path, help="write both engines' PDFs here")
    args = parser.parse_args()
    try:
        import typst
    except ImportError:
        print("typst is not installed: pip install -e .[bench]", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="typst-probe-"))
    try:
        fonts = folder / "fonts"
        fonts.mkdir()
        for font in (find_font().path, next(p for p in SYMBOL_FONTS if Path(p).exists())):
            shutil.copy(font, fonts)
        sets = all_sets(load_forms())
        contexts = {name: build_context(*sets[name][:2], lang="zh", company=sets[name][2])
                    for name in ("heilongjiang", "miit")}
        sources = {"heilongjiang": heilongjiang(for_layout(contexts["heilongjiang"], "rubric")),
                   "miit": miit(for_layout(contexts["miit"], "miit"), folder)}
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; {args.rounds} rounds; medians")
        print(f"{'report':<14} {'Typst wall':>11} {'cpu':>7} {'WeasyPrint wall':>16} {'cpu':>7}  pages T/W")
        for name, source in sources.items():
            path = folder / f"{name}.typ"
            path.write_text(source, encoding="utf-8")
            compiler = typst.Compiler(str(path), font_paths=[str(fonts)], ignore_system_fonts=True)
            pdf_t = compiler.compile()
            ctx = contexts[name]
            pdf_w = render_pdf(ctx.kind, ctx)
            typst_times, weasy_times = [], []
            for n in range(1, args.rounds + 1):
                # every cell containing 的 or 企业 changes: a new document, not the last one's cached layout
                path.write_text(source.replace("的", "的" + chr(0x4E00 + n)).replace("企业", "企业" + chr(0x4E10 + n)),
                                encoding="utf-8")
                typst_times.append(_timed(compiler.compile))
                weasy_times.append(_timed(lambda ctx=ctx: render_pdf(ctx.kind, ctx)))  # type: ignore[misc]
            if args.out:
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / f"{name}-typst.pdf").write_bytes(pdf_t)
                (args.out / f"{name}-weasyprint.pdf").write_bytes(pdf_w)

            def med(times: list[tuple[float, float]], i: int) -> str:
                return f"{statistics.median(t[i] for t in times) * 1000:.1f}"

            print(f"{name:<14} {med(typst_times, 0):>11} {med(typst_times, 1):>7} {med(weasy_times, 0):>16} "
                  f"{med(weasy_times, 1):>7}  {_pages(pdf_t, folder)}/{_pages(pdf_w, folder)}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
