"""The registry of scoring rules is complete: every form's rule is found by its name, each rule gives every hook
the loader, the chat texts and the reports call, and a form naming a rule nobody registered is refused at load."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import get_args

import pytest

from bot.interview.errors import FormError
from bot.interview.loader import load_forms, parse_form
from bot.interview.schema import RuleModel
from bot.rendering.context import ReportContext
from bot.scoring import RULES, evaluate, rule_named, rule_of, running
from bot.scoring.registry import HOOKS, Rule
from tests.interview.test_loader import GOOD


def test_every_form_names_a_registered_rule_and_gets_its_model() -> None:
    scored = [form for form in load_forms().values() if form.scoring is not None]
    assert {form.scoring.rule for form in scored if form.scoring is not None} <= set(RULES)
    for form in scored:
        rule = rule_of(form)
        assert rule is not None and form.scoring is not None
        assert rule.name == form.scoring.rule
        assert type(form.scoring) is rule.model, form.id


def test_every_rule_the_forms_name_is_used_by_a_shipped_form() -> None:
    used = {form.scoring.rule for form in load_forms().values() if form.scoring is not None}
    assert used == set(RULES)


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_rule_has_every_hook(name: str) -> None:
    rule = RULES[name]
    assert set(HOOKS) == {f.name for f in fields(Rule)} - {"name", "model", "report_slot"}
    for hook in HOOKS:
        assert callable(getattr(rule, hook)), f"{name}: {hook}"
    assert issubclass(rule.model, RuleModel)
    assert get_args(rule.model.model_fields["rule"].annotation) == (name,), "the model's `rule:` is the rule's name"
    assert rule.report_slot in {f.name for f in fields(ReportContext)}, "the report view fills a context field"


def test_each_rules_evaluation_names_the_rule_that_made_it() -> None:
    for form in load_forms().values():
        rule = rule_of(form)
        if rule is None:
            continue
        evaluation = evaluate(form, {})
        assert evaluation is not None and rule_named(evaluation) is rule
        figures = running(form, {})
        assert figures is None or rule_named(figures) is rule


def test_a_form_naming_an_unknown_rule_is_refused_at_load_with_the_rule_named() -> None:
    broken = GOOD.replace("rule: weighted_tree", "rule: weighted_forest")
    assert broken != GOOD
    with pytest.raises(FormError) as info:
        parse_form(broken, "bot/forms/demo.yaml")
    message = str(info.value)
    assert "bot/forms/demo.yaml" in message
    assert "unknown scoring rule 'weighted_forest'" in message
    assert "weighted_tree" in message, "the known rules are listed"


def test_a_rule_checks_its_own_model_at_load() -> None:
    with pytest.raises(FormError, match="add up to 90%"):
        parse_form(GOOD.replace("{item: b, weight: 40}", "{item: b, weight: 30}"), "demo.yaml")
    with pytest.raises(FormError, match=r"scoring\.levels"):
        parse_form(GOOD.replace("  levels: [{level: 0, min: 0, name: 无}, {level: 1, min: 50, name: 一级}]\n", ""),
                   "demo.yaml")


def test_a_document_printing_another_rules_view_is_refused_at_load(tmp_path: Path) -> None:
    """A layout declares which rule's report view it prints; a form whose rule does not give it fails at start-up."""
    (tmp_path / "demo.yaml").write_text(GOOD + "documents: [miit]\n", encoding="utf-8")
    assert load_forms(tmp_path)["demo"].documents == ("miit",)
    load_forms.cache_clear()
    (tmp_path / "demo.yaml").write_text(GOOD + "documents: [rubric]\n", encoding="utf-8")
    with pytest.raises(FormError, match=r"prints the scoring view 'rubric'.*does not give \(tree\)"):
        load_forms(tmp_path)
