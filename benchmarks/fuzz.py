"""Hostile input against every item of every form: N inputs (100,000 by default) through the engine, as a typed
message would go (bot.interview.engine.apply at that item; a group's fields through the parser).

Inputs are drawn (seeded) from the mix of tests/interview/hostile.py: every Unicode plane, control characters,
RTL and zero-width marks, emoji, 4 KB and 64 KB strings, huge and tiny numbers, impossible dates, HTML,
SQL-looking text and what Chinese input methods make.  Prints tried / refused / accepted / exceptions, the
slowest inputs, and the slowest time per input length (the parsers are meant to be linear, with every text capped
before any pattern runs).

    python benchmarks/fuzz.py [--inputs 100000] [--seed 11]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.interview import engine
from bot.interview.errors import AnswerError
from bot.interview.loader import load_forms
from bot.interview.parsing import parse_answer
from bot.interview.schema import Form, GroupItem, Item
from tests.interview.hostile import CONTROLS, EMOJI, FIXED, IME, MARKS

TODAY = date(2026, 11, 27)
ALPHABET = CONTROLS + MARKS + IME + EMOJI + "0123456789 .-/%万元亿年月日x#转<>&'\";是否abcXYZ测试公司"


def random_text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.25:
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
    counts: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    slowest: list[tuple[float, str, str, int]] = []
    by_length: dict[str, float] = {}
    failures: list[str] = []
    began = time.perf_counter()
    for _ in range(args.inputs):
        form, item, group = rng.choice(places)
        text = random_text(rng)
        t0 = time.perf_counter()
        try:
            if group is None:
                step = engine.apply(form, replace(starts[form.id], cursor=item.id), engine.Text(text), TODAY)
                error = step.error
            else:
                try:
                    parse_answer(item, text, {}, TODAY)
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
        if error is None:
            counts["accepted"] += 1
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
    for line in failures[:20]:
        print("EXCEPTION " + line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
