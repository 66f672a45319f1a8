"""Every ```python snippet in docs/ and README.md runs, and every ```toml snippet parses."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("**/*.md")])
FENCE = re.compile(r"```(python|toml)\n(.*?)```", re.S)


def snippets() -> list[tuple[str, str, str]]:
    found = []
    for doc in DOCS:
        for number, match in enumerate(FENCE.finditer(doc.read_text()), start=1):
            found.append((f"{doc.relative_to(ROOT)}#{number}", match.group(1), match.group(2)))
    return found


SNIPPETS = snippets()


@pytest.mark.parametrize(("where", "language", "code"), SNIPPETS, ids=[s[0] for s in SNIPPETS])
def test_snippet_runs(
    where: str, language: str, code: str, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if language == "toml":
        assert isinstance(tomllib.loads(code), dict), where
        return
    monkeypatch.chdir(home.parent)
    exec(compile(code, where, "exec"), {"__name__": "__docs__"})
