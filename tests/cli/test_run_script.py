"""scripts/run sets the project up only when something setup depends on changed (pyproject.toml, the catalogs,
the setup scripts) or there is no .venv yet; otherwise it starts at once.  Run on a copy with a stand-in
scripts/setup and .venv/bin/python that only record that they ran."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _tree(tmp: Path) -> Path:
    root = tmp / "project"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "run", root / "scripts" / "run")
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (root / "scripts" / "system-packages").write_text("#!/usr/bin/env bash\n")
    po = root / "locales" / "zh" / "LC_MESSAGES"
    po.mkdir(parents=True)
    (po / "messages.po").write_text('msgid "a"\nmsgstr "甲"\n')
    setup = root / "scripts" / "setup"
    setup.write_text("#!/usr/bin/env bash\nset -e\ncd \"$(dirname \"$0\")/..\"\nmkdir -p .venv/bin\n"
                     "printf '#!/usr/bin/env bash\\necho started \"$@\"\\n' > .venv/bin/python\n"
                     "chmod +x .venv/bin/python\necho setup >> setup.log\n")
    setup.chmod(0o755)
    return root


def _run(root: Path) -> str:
    done = subprocess.run([str(root / "scripts" / "run"), "--form", "miit-2022"], capture_output=True, text=True,
                          timeout=60, check=True)
    assert "started -m bot run --form miit-2022" in done.stdout
    log = root / "setup.log"
    return log.read_text() if log.exists() else ""


def test_run_sets_up_only_when_its_inputs_changed(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    assert _run(root).count("setup") == 1  # no .venv yet
    assert _run(root).count("setup") == 1  # nothing changed: started at once
    assert (root / ".venv" / ".setup-stamp").stat().st_mode & 0o077 == 0
    (root / "locales" / "zh" / "LC_MESSAGES" / "messages.po").write_text('msgid "a"\nmsgstr "乙"\n')
    assert _run(root).count("setup") == 2  # a catalog changed
    assert _run(root).count("setup") == 2
    (root / "pyproject.toml").write_text("[project]\nname = 'y'\n")
    assert _run(root).count("setup") == 3  # the project's dependencies may have changed
