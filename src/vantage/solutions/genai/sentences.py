"""A rule-based sentence splitter that needs no downloaded data (no NLTK punkt).

Handles common abbreviations (Mr., Dr., e.g., U.S.), initials, decimals, quotes closing a
sentence, paragraphs and sentences glued without a space (``profit.Time Warner``), as found in
scraped news text.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "vs", "etc", "inc", "ltd", "co",
        "corp", "plc", "no", "nos", "fig", "gen", "gov", "sen", "rep", "rev", "capt", "col",
        "lt", "sgt", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
        "nov", "dec", "approx", "dept", "est", "e.g", "i.e", "u.s", "u.k", "u.n", "a.m", "p.m",
    }
)  # fmt: skip
CLOSING = "\"')]\u201d\u2019"
_BOUNDARY = re.compile(r"([.!?]+[\"')\]\u201d\u2019]*)(\s+|(?=[A-Z\"\u201c]))")
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def _ends_with_abbreviation(text: str) -> bool:
    match = _LAST_WORD.search(text.rstrip(".!?" + CLOSING))
    if not match:
        return False
    word = match.group(1).lower().rstrip(".")
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences.

    Paragraph breaks (blank lines and single newlines) always end a sentence.

    Args:
        text: Any text.

    Returns:
        The sentences, stripped, in order; empty pieces are dropped.
    """
    out: list[str] = []
    for raw in re.split(r"\n\s*\n|\r?\n", text):
        paragraph = " ".join(raw.split())
        if not paragraph:
            continue
        start = 0
        for match in _BOUNDARY.finditer(paragraph):
            end = match.end(1)
            piece = paragraph[start:end]
            glued = match.group(2) == ""
            if glued and not re.search(r"[A-Za-z)\d%]{2}[.!?]+[\"')\]\u201d\u2019]*$", piece):
                continue
            if _ends_with_abbreviation(piece):
                continue
            out.append(piece.strip())
            start = match.end()
        tail = paragraph[start:].strip()
        if tail:
            out.append(tail)
    return [s for s in out if s]
