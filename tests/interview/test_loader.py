"""A broken form never reaches a user: each defect is a FormError naming the file and the item."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.interview.errors import FormError
from bot.interview.loader import FORMS_DIR, load_forms, parse_form

GOOD = """
id: demo
version: 1
title: 演示
items:
  - id: a
    type: single
    text: 问题一
    options:
      - {id: x, label: 甲, rung: 1}
      - {id: none, label: 以上均无, exclusive: true, rung: 0}
  - id: b
    type: multi
    text: 问题二
    show_if: "a == 'x'"
    options:
      - {id: p, label: 乙}
      - {id: q, label: 丙}
scoring:
  rule: weighted_tree
  levels: [{level: 0, min: 0, name: 无}, {level: 1, min: 50, name: 一级}]
  tree:
    - {id: d1, name: 维度, weight: 100, children: [{item: a, weight: 60}, {item: b, weight: 40}]}
"""


def test_a_good_form_loads() -> None:
    form = parse_form(GOOD, "demo.yaml")
    assert [i.id for i in form.items] == ["a", "b"]


@pytest.mark.parametrize(
    ("change", "needle", "item"),
    [
        (("type: multi", "type: checkbox"), "unknown item type 'checkbox'", "b"),
        (("  - id: b", "  - id: a"), "duplicate item id", "a"),
        (("a == 'x'", "zz == 'x'"), "unknown item 'zz'", "b"),
        (("{id: p, label: 乙}", "{id: p}"), "label", "b"),
        (("{item: b, weight: 40}", "{item: b, weight: 30}"), "add up to 90%", None),
        (("{item: b, weight: 40}", "{item: c, weight: 40}"), "unknown item", "c"),
        (("{id: x, label: 甲, rung: 1}", "{id: x, label: 甲}"), "needs a rung", "a"),
        (("a == 'x'", "a ==="), "cannot parse", "b"),
    ],
)
def test_each_defect_is_named(change: tuple[str, str], needle: str, item: str | None) -> None:
    broken = GOOD.replace(*change)
    assert broken != GOOD
    with pytest.raises(FormError) as info:
        parse_form(broken, "bot/forms/demo.yaml")
    message = str(info.value)
    assert needle in message
    assert "bot/forms/demo.yaml" in message
    if item is not None:
        assert info.value.item == item


def test_errors_carry_the_line_of_the_item() -> None:
    broken = GOOD.replace("type: multi", "type: checkbox")
    with pytest.raises(FormError, match=r"demo.yaml:12: item .b."):
        parse_form(broken, "demo.yaml")


def test_condition_must_look_backwards() -> None:
    forward = GOOD.replace("    text: 问题一\n", "    text: 问题一\n    show_if: \"b\"\n", 1)
    with pytest.raises(FormError, match="not asked before it"):
        parse_form(forward, "demo.yaml")


def test_shipped_forms_load_and_file_names_match(tmp_path: Path) -> None:
    forms = load_forms(FORMS_DIR)
    assert "miit-2022" in forms
    (tmp_path / "wrong-name.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(FormError, match="file name must be the form id"):
        load_forms(tmp_path)


BANDED = """
id: demo
version: 1
title: 演示
items:
  - id: a
    type: single
    text: 比例
    accepts_number: percent
    options:
{options}
"""


@pytest.mark.parametrize(("options", "defect"), [
    # "小于1%" and "1%以上" both written as including 1: two bands hold it
    ("      - {id: lo, label: 小于1%, upto: 1}\n      - {id: hi, label: 1%以上, at_least: 1}", "all hold 1"),
    # "(10%, 20%)" then "20%以上" written as excluding 20: no band holds it
    ("      - {id: lo, label: '(10%, 20%)', below: 20}\n      - {id: hi, label: 大于20%, above: 20}",
     "no band holds 20"),
])
def test_typed_number_bands_must_cover_every_number_once(options: str, defect: str) -> None:
    with pytest.raises(FormError, match=defect):
        parse_form(BANDED.format(options=options), "demo.yaml")


def test_a_band_has_one_bound_on_each_side() -> None:
    options = "      - {id: lo, label: x, upto: 1, below: 1}\n      - {id: hi, label: y, above: 1}"
    with pytest.raises(FormError, match="one upper bound"):
        parse_form(BANDED.format(options=options), "demo.yaml")


def test_fill_ins_plausibility_and_origin_values_are_checked_when_loaded(tmp_path: Path) -> None:
    base = """
id: {id}
version: 1
title: 演示
{extra}
items:
  - {{id: staff, type: integer, text: 人数}}
  - {{id: money, type: money, text: 收入, plausible_max: "{bound}"}}
"""
    with pytest.raises(FormError, match="plausible_max refers to unknown name"):
        parse_form(base.format(id="a", extra="", bound="nobody * 1000"), "a.yaml")
    with pytest.raises(FormError, match="origin_values needs starts_from"):
        parse_form(base.format(id="a", extra="origin_values: [x]", bound="staff * 1000"), "a.yaml")
    with pytest.raises(FormError, match="fill_in_of must name a question"):
        parse_form(GOOD.replace("    show_if: \"a == 'x'\"", "    fill_in_of: b"), "demo.yaml")
    (tmp_path / "a.yaml").write_text(base.format(id="a", extra="", bound="staff * 1000"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(base.format(id="b", extra="starts_from: a\norigin_values: [revenue]",
                                                 bound="origin.staff"), encoding="utf-8")
    with pytest.raises(FormError, match="origin_values names item"):
        load_forms(tmp_path)
