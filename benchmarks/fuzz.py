"""Hostile input against every item of every form: N inputs (100,000 by default) through the engine, as a typed
message would go (bot.interview.engine.apply at that item; a group's fields through the parser).

Inputs are drawn (seeded) from the mix of tests/interview/hostile.py: every Unicode plane, control characters,
RTL and zero-width marks, emoji, 4 KB and 64 KB strings, huge and tiny numbers, impossible dates, HTML,
SQL-looking text and what Chinese input methods make; and (issue 22) text made only of invisible or formatting
characters, visible text laced with bidi and other format controls, and numbers in the digits of other scripts
(①②③, superscripts, Arabic-Indic, Devanagari, Thai, mathematical).  Prints tried / refused / accepted /
exceptions, the slowest inputs, and the slowest time per input length (the parsers are meant to be linear, with
every text capped before any pattern runs); then how many invisible inputs were accepted, how many accepted
answers were stored with a format control, and how many inputs in foreign digits were accepted where digits are
read (numbers, dates, phones, codes, the contract's bank accounts): each must be 0.

    python benchmarks/fuzz.py [--inputs 100000] [--seed 11]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.interview import engine
from bot.interview.answer import Answer
from bot.interview.conditions import names_in
from bot.interview.errors import AnswerError
from bot.interview.kinds.choice import MultiChoice, SingleChoice
from bot.interview.kinds.text import TextItem
from bot.interview.kinds.yesno import YesNo
from bot.interview.loader import load_forms
from bot.interview.parsing import parse_answer
from bot.interview.schema import Form, GroupItem, Item
from bot.interview.typed import HIDDEN, clean, visible
from tests.interview.hostile import (
    BIDI,
    CONTROLS,
    EMOJI,
    FIXED,
    FOREIGN_DIGITS,
    FORMAT,
    IME,
    INVISIBLE,
    MARKS,
    NOTHING_TO_SEE,
)

TODAY = date(2026, 11, 27)
ALPHABET = (CONTROLS + MARKS + IME + EMOJI + BIDI + FORMAT + NOTHING_TO_SEE + FOREIGN_DIGITS
            + "0123456789 .-/%万元亿年月日x#转<>&'\";是否abcXYZ测试公司")
HIDDEN_RE = re.compile(f"[{HIDDEN}]")
VISIBLE_PARTS = ["公司", "1", "12", "2024-03-11", "杭州", "a", "0571-85257095", "91330100716105852F", "exe", ".", "10%"]


def random_text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.08:  # nothing to see
        return "".join(rng.choice(INVISIBLE) for _ in range(rng.randint(1, 12)))
    if kind < 0.16:  # visible text laced with format controls
        return "".join(rng.choice(VISIBLE_PARTS) + "".join(rng.choice(BIDI + FORMAT) for _ in range(rng.randint(0, 3)))
                       for _ in range(rng.randint(1, 4)))
    if kind < 0.24:  # a number in the digits of other scripts, perhaps with ASCII digits and separators
        return "".join(rng.choice(FOREIGN_DIGITS + "0123456789 -") for _ in range(rng.randint(1, 20)))
    if kind < 0.40:
        return rng.choice(FIXED)
    if kind < 0.50:
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))
    if kind < 0.65:  # any code point of any plane (surrogates included: a terminal may hand them over)
        return "".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(1, 30)))
    if kind < 0.80:  # numbers: huge, tiny, signed, with units
        whole = str(rng.randint(0, 10 ** rng.randint(1, 400)))
        return rng.choice(["", "-", "+"]) + whole + rng.choice(["", "." + str(rng.randint(0, 10**40))]) + \
            rng.choice(["", "%", "万", "万元", "亿", "元", " 万元", "e308"])
    if kind < 0.92:  # dates, possible and not
        sep = rng.choice(["-", "/", ".", "", " ", "年"])
        return f"{rng.randint(-5, 99999)}{sep}{rng.randint(-1, 99)}{sep}{rng.randint(-1, 99)}"
    char = rng.choice([" ", "1", "😀", "\u3000", "a", "\x01", "万", "<", "\n"])  # long runs
    return rng.choice(["1", ""]) + char * rng.choice([1000, 4094, 4096, 4097, 65_536]) + rng.choice(["1", "万", ""])


def foreign_digit(ch: str) -> bool:
    """What Python's isdigit() takes for a digit that is neither ASCII nor full width (what Chinese input methods
    type): ①, ², ٣, ๓, 𝟏… (not 万 or 亿, which are units)."""
    return ch.isdigit() and not "0" <= ch <= "9" and not "０" <= ch <= "９"


def digit_items(forms: dict[str, Form]) -> set[str]:
    """Where digits are read: every item but choices (circled numbers are option numbers there), yes/no and free
    text, plus the free-text items a check reads as digits (`is ascii_digits`, through a computed value)."""
    found: set[str] = set()
    for form in forms.values():
        computed = {c.id: names_in(c.expr) for c in form.computed}
        for check in form.checks:
            if "ascii_digits" in check.test:
                for name in names_in(check.test):
                    found |= {f"{form.id}/{i}" for i in computed.get(name, {name})}
        for item in form.items:
            for each in (item, *getattr(item, "fields", ())):
                if not isinstance(each, SingleChoice | MultiChoice | YesNo | TextItem | GroupItem):
                    found.add(f"{form.id}/{each.id}")
    return found


def texts_of(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [t for v in value for t in texts_of(v)]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (*texts_of(k), *texts_of(v))]
    return []


def targets(forms: dict[str, Form]) -> list[tuple[Form, Item, GroupItem | None]]:
    found: list[tuple[Form, Item, GroupItem | None]] = []
    for form in forms.values():
        for item in form.items:
            found.append((form, item, None))
            if isinstance(item, GroupItem):
                found.extend((form, f, item) for f in item.fields)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    forms = load_forms()
    places = targets(forms)
    starts = {form.id: engine.start(form) for form in forms.values()}
    reads_digits = digit_items(forms)
    counts: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    slowest: list[tuple[float, str, str, int]] = []
    by_length: dict[str, float] = {}
    failures: list[str] = []
    #: an invisible text or foreign digits accepted, a format control stored
    wrongly: list[str] = []
    began = time.perf_counter()
    for _ in range(args.inputs):
        form, item, group = rng.choice(places)
        text = random_text(rng)
        t0 = time.perf_counter()
        answer: Answer | None = None
        try:
            if group is None:
                step = engine.apply(form, replace(starts[form.id], cursor=item.id), engine.Text(text), TODAY)
                error = step.error
                answer = step.state.answers.get(item.id) if error is None else None
                if error is None and step.state.group is not None:  # a group's first field, typed: in its draft
                    answer = Answer(dict(step.state.group.current))
            else:
                try:
                    answer = parse_answer(item, text, {}, TODAY)
                    error = None
                except AnswerError as exc:
                    error = exc
        except Exception as exc:  # what the fuzzing looks for
            counts["exceptions"] += 1
            failures.append(f"{form.id}/{item.id}: {type(exc).__name__}: {exc} ← {text[:60]!r}")
            continue
        finally:
            elapsed = time.perf_counter() - t0
            slowest.append((elapsed, f"{form.id}/{item.id}", text[:24], len(text)))
            if len(slowest) > 200:
                slowest.sort(reverse=True)
                del slowest[10:]
            bucket = "<100" if len(text) < 100 else "<4097" if len(text) <= 4096 else "64 KB" if len(text) >= 65_536 \
                else ">4096"
            by_length[bucket] = max(by_length.get(bucket, 0.0), elapsed)
        counts["tried"] += 1
        invisible = not visible(clean(text, lines=True, limit=len(text)))
        laced = not invisible and bool(HIDDEN_RE.search(text))
        foreign = f"{form.id}/{item.id}" in reads_digits and any(foreign_digit(ch) for ch in text)
        counts["invisible tried"] += invisible
        counts["laced tried"] += laced
        counts["foreign digits tried"] += foreign
        if error is None:
            counts["accepted"] += 1
            stored = texts_of([answer.value, answer.extra]) if answer is not None else []
            for what, found in (("invisible accepted", invisible), ("foreign digits accepted", foreign),
                                ("stored with a format control", any(HIDDEN_RE.search(t) for t in stored))):
                if found:
                    counts[what] += 1
                    wrongly.append(f"{form.id}/{item.id}: {what} ← {text[:60]!r} → {stored[:2]!r}")
        else:
            counts["refused"] += 1
            codes[error.code] += 1
    total = time.perf_counter() - began
    slowest.sort(reverse=True)
    print(f"inputs: {args.inputs} over {len(places)} items of {len(forms)} forms (seed {args.seed}), "
          f"{total:.1f} s, {total / args.inputs * 1e6:.0f} µs per input")
    print(f"tried {counts['tried'] + counts['exceptions']} / refused {counts['refused']} / accepted "
          f"{counts['accepted']} / exceptions {counts['exceptions']}")
    print("slowest: " + "; ".join(f"{t * 1000:.2f} ms {where} len {n} {head!r}" for t, where, head, n in slowest[:5]))
    print("slowest by input length: " + ", ".join(f"{k} chars {v * 1000:.2f} ms" for k, v in sorted(by_length.items())))
    print("refusals: " + ", ".join(f"{code} {n}" for code, n in codes.most_common(12)))
    print(f"invisible only: tried {counts['invisible tried']} / accepted {counts['invisible accepted']}; "
          f"laced with format controls: tried {counts['laced tried']} / stored with a format control "
          f"{counts['stored with a format control']}; foreign digits where digits are read: tried "
          f"{counts['foreign digits tried']} / accepted {counts['foreign digits accepted']}")
    for line in failures[:20]:
        print("EXCEPTION " + line)
    for line in wrongly[:20]:
        print("WRONGLY " + line)
    return 1 if failures or wrongly else 0


if __name__ == "__main__":
    sys.exit(main())
