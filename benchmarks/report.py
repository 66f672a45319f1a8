"""Rewrite one named section of benchmarks/README.md, keeping the others."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def write_section(name: str, body: str) -> None:
    """Replace the text between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    text = README.read_text() if README.exists() else "# Benchmarks\n"
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body}\n{end}"
    if start in text:
        text = re.sub(
            re.escape(start) + r".*?" + re.escape(end), lambda _m: block, text, flags=re.S
        )
    else:
        text = text.rstrip() + f"\n\n## {name}\n\n{block}\n"
    README.write_text(text)
