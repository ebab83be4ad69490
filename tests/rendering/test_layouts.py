"""One fact in one place: a form's documents are layouts that declare the item ids they read; a renamed item is
an error at start-up naming the form, the document and the id, and an unknown or undeclared id at render time
raises instead of leaving a blank cell."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.interview.errors import FormError
from bot.interview.loader import FORMS_DIR, load_forms
from bot.interview.schema import Form
from bot.rendering.context import UnknownItem, build_context, for_layout
from bot.rendering.docx import render_docx
from bot.rendering.html import render_html
from bot.rendering.layouts import LAYOUTS
from tests.rendering.fixtures import filing_answers


def test_renaming_an_item_without_its_documents_fails_at_start_up(tmp_path: Path) -> None:
    forms_dir = tmp_path / "forms"
    shutil.copytree(FORMS_DIR, forms_dir)
    filing = forms_dir / "hangzhou-filing.yaml"
    filing.write_text(filing.read_text(encoding="utf-8").replace("- id: digital_foundation", "- id: digital_basis"),
                      encoding="utf-8")
    with pytest.raises(FormError) as raised:
        load_forms.__wrapped__(forms_dir)
    message = str(raised.value)
    assert "hangzhou-filing.yaml" in message
    assert "'filing'" in message and "'digital_foundation'" in message


def test_a_document_that_is_not_a_layout_fails_at_start_up(tmp_path: Path) -> None:
    forms_dir = tmp_path / "forms"
    shutil.copytree(FORMS_DIR, forms_dir)
    miit = forms_dir / "miit-2022.yaml"
    miit.write_text(miit.read_text(encoding="utf-8").replace("documents: [miit]", "documents: [miit, brochure]"),
                    encoding="utf-8")
    with pytest.raises(FormError, match="'brochure' is not a layout"):
        load_forms.__wrapped__(forms_dir)


def test_every_form_names_its_documents(forms: dict[str, Form]) -> None:
    for form in forms.values():
        assert form.documents, form.id
        assert all(name in LAYOUTS for name in form.documents)


def test_an_unknown_id_at_render_time_raises(forms: dict[str, Form]) -> None:
    form = forms["hangzhou-filing"]
    ctx = build_context(form, filing_answers(form), lang="zh")
    with pytest.raises(UnknownItem, match="main_product'"):
        ctx.text("main_product")
    with pytest.raises(UnknownItem):
        ctx.raw.get("main_product", "")
    assert ctx.text("main_products")  # a known id reads as before


def test_a_layout_reading_an_id_it_did_not_declare_raises(forms: dict[str, Form]) -> None:
    form = forms["hangzhou-filing"]
    ctx = for_layout(build_context(form, filing_answers(form), lang="zh"), "annex5")
    assert ctx.text("main_products")  # declared by annex 5
    with pytest.raises(UnknownItem, match="without declaring it"):
        ctx.text("implementation_plan")  # the filing's, not annex 5's


@pytest.mark.parametrize("name", ["filing", "rubric"])
def test_the_declarations_cover_what_the_writers_read(forms: dict[str, Form], name: str) -> None:
    """Rendering each declared layout with full answers reads no undeclared id (it would raise)."""
    from tests.rendering.fixtures import heilongjiang_answers

    form = forms["hangzhou-filing" if name == "filing" else "heilongjiang-benchmark"]
    answers = filing_answers(form) if name == "filing" else heilongjiang_answers(form)
    ctx = build_context(form, answers, lang="zh")
    assert render_html(name, ctx) and render_docx(name, ctx)


def test_the_district_table_reads_what_its_columns_declare(forms: dict[str, Form]) -> None:
    """Annex 5's columns are its declaration: the layout's item ids are gathered from them, and a filing's row is
    read through the layout (an id no column declares would raise)."""
    from bot.rendering.layouts import annex5

    form = forms["hangzhou-filing"]
    row = annex5.filing_row(build_context(form, filing_answers(form), lang="zh"))
    assert set(row.values) == {c.key for c in annex5.COLUMNS if c.value is not None}
    assert row.values["company_name"] and row.providers
    declared = set(annex5.LAYOUT.reads[annex5.SELF]) if annex5.LAYOUT.reads else set()
    assert {r for c in annex5.COLUMNS for r in c.reads} | {f"providers.{p.field}" for p in annex5.PROVIDER_COLUMNS} \
        == declared
    assert len(annex5.headers()) == len(annex5.widths()) == sum(span for _, span in annex5.groups()) == 28
