"""Report contexts of the fixed answer sets (tests/rendering/fixtures.py), built once per test session."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot.interview.schema import Form
from bot.rendering.context import ReportContext, build_context
from tests.rendering.fixtures import all_sets


@pytest.fixture(scope="session")
def contexts(forms: dict[str, Form]) -> dict[str, ReportContext]:
    return {
        name: build_context(form, answers, lang="zh", company=company,
                            session_meta={"generated": "2024-05-12 10:30", "session": 42})
        for name, (form, answers, company) in all_sets(forms).items()
    }


def poppler(tool: str, *args: str | Path) -> str:
    """Run a poppler-utils tool (pdftotext, pdffonts, pdfinfo) and return its output."""
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (apt-get install poppler-utils)")
    result = subprocess.run([tool, *map(str, args)], capture_output=True, text=True, check=True, timeout=60)
    return result.stdout
