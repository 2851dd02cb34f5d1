"""The README stays true: its two commands, its settings table, and CI calling its test command."""

from __future__ import annotations

import re
from pathlib import Path

from tools.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands() -> None:
    first_block = re.search(r"```bash\n(.*?)```", README, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make consult", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)


def test_every_setting_is_in_the_readme_table() -> None:
    documented = set(re.findall(r"^\| `(SPINE_[A-Z_]+)` \|", README, re.M))
    fields = {f"SPINE_{name.upper()}" for name in Settings.model_fields}
    assert documented == fields
