"""An older commit of this repository checked out beside this one, for benchmarks run side by side
(`--against REV`): a temporary `git worktree`, its translation catalogs compiled as `scripts/setup` does, removed
afterwards.  The benchmark runs that checkout's `bot` package with this checkout's virtual environment (its
dependencies must not have changed in between)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def describe(rev: str) -> str:
    """The short commit id of `rev` (HEAD: this checkout, marked when it has uncommitted changes)."""
    short = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", rev], check=True, capture_output=True,
                           text=True).stdout.strip()
    if rev == "HEAD" and subprocess.run(["git", "-C", str(ROOT), "diff", "--quiet", "HEAD"]).returncode:
        short += "+changes"
    return short


@contextmanager
def checkout(rev: str) -> Iterator[Path]:
    """A temporary worktree of `rev` with its catalogs compiled; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="against-") as parent:
        path = Path(parent) / "checkout"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(path), rev],
                       check=True)
        try:
            for domain in ("messages", "forms"):
                subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-D", domain, "-d",
                                str(path / "locales")], check=True, capture_output=True)
            yield path
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)], check=False)
