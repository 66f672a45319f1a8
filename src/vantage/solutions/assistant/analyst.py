"""The analyst's assistant offline: questions in a documented grammar to a plan.

A question is either about *customers matching conditions* (a segment definition in the
segment language, as a plain dict) or about *a measure* (a read-only :class:`QuerySpec` on the
warehouse). The grammar (docs/assistant.md lists it with examples):

* audience questions: ``how many customers ...``, ``build an audience of ...``,
  ``list / show / find customers ...``, ``who ...``; the conditions, joined by "and", "but",
  "who", "with", are:

  - ``bought|ordered [at least|more than|exactly] N times|once|twice [in the last N days|
    weeks|months|last month]``, ``... but not since`` (no order in the later window);
  - ``have not ordered in N days``, ``lapsed`` (bought before, nothing in 90 days);
  - ``high spenders`` / ``big spenders`` (revenue >= 500), ``spent more than N``;
  - ``average order value over N``;
  - ``consented to e-mail|SMS|advertising``, ``can be e-mailed``;
  - ``high churn risk`` (churn_risk > 0.7), ``likely to buy`` (propensity_30d > 0.5);
  - ``viewed a product but did not buy``; ``in segment NAME``.

* measures: ``how many orders|events|customers``, ``total revenue``, ``average order value``,
  each optionally ``in the last N days|weeks|months`` and ``by month|week|day|event``;
  ``which segment has the highest|lowest churn risk|propensity``; ``how big is each
  segment``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from vantage.solutions.assistant.errors import AssistantError

Measure = Literal[
    "orders",
    "revenue",
    "average_order_value",
    "customers",
    "events",
    "segment_score",
    "segment_sizes",
]
_NUMBERS = {
    "once": 1,
    "twice": 2,
    "thrice": 3,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "ten": 10,
}
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_PERIOD = (
    r"(?:in|during|over|within)\s+the\s+(?:last|past)\s+(?:(\d+|\w+)\s+)?(day|week|month|year)s?"
    r"|(?:last|past)\s+(month|week|year)"
)
ORDER = "Order Completed"


class QuerySpec(BaseModel):
    """A read-only measure on the warehouse.

    Attributes:
        measure: What to compute.
        within_days: Only events of the last N days (None: all time).
        group_by: ``month``, ``week``, ``day`` or ``event`` (None: one number).
        score_model: For ``segment_score``: the prediction model averaged per segment.
        descending: For ``segment_score``: highest first.
        top: Keep the first N rows.
    """

    model_config = ConfigDict(extra="forbid")

    measure: Measure
    within_days: int | None = Field(None, gt=0, le=36_600)
    group_by: Literal["month", "week", "day", "event"] | None = None
    score_model: str | None = None
    descending: bool = True
    top: int | None = Field(None, gt=0, le=1000)


@dataclass
class AnalystPlan:
    """What a question was understood as, before anything runs.

    Attributes:
        question: The question.
        kind: ``segment`` (a definition to preview) or ``query`` (a measure).
        explanation: The reading in words.
        segment: The segment definition (a dict in the segment language), for ``segment``.
        query: The measure, for ``query``.
        answer: ``count`` (a number of customers) or ``list`` (customers), for ``segment``.
    """

    question: str
    kind: Literal["segment", "query"]
    explanation: str
    segment: dict[str, Any] | None = None
    query: QuerySpec | None = None
    answer: str = "count"
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "question": self.question,
            "kind": self.kind,
            "explanation": self.explanation,
            "segment": self.segment,
            "query": self.query.model_dump() if self.query else None,
            "answer": self.answer,
        }


def _number(word: str | None, default: int = 1) -> int:
    if word is None:
        return default
    return int(word) if word.isdigit() else _NUMBERS.get(word.lower(), default)


def _days(match: re.Match[str] | None, first: int = 1) -> int | None:
    """Days of a period match (groups from ``first``: count, unit, or 'last UNIT')."""
    if match is None:
        return None
    count, unit, single = match.group(first), match.group(first + 1), match.group(first + 2)
    if unit is None and single is None:
        return None
    if single:
        return _UNIT_DAYS[single]
    return _number(count) * _UNIT_DAYS[unit]


def _op(word: str | None) -> str:
    words = (word or "").lower().strip()
    if words in ("more than", "over", "above", "greater than"):
        return ">"
    if words in ("less than", "under", "below", "fewer than"):
        return "<"
    if words in ("exactly", "just"):
        return "="
    if words in ("at most", "no more than"):
        return "<="
    return ">="


_COMPARE = (
    r"(at least|more than|over|above|greater than|exactly|just|less than|fewer than|under|"
    r"below|at most|no more than)?\s*"
)
_BOUGHT = re.compile(
    rf"\b(?:bought|ordered|purchased|placed)\s+(?:an?\s+order\s+|orders?\s+)?{_COMPARE}"
    r"(\d+|once|twice|thrice|one|two|three|four|five|ten)?\s*(?:times?|orders?)?\s*"
    rf"(?:{_PERIOD})?(\s+but\s+not\s+since)?",
    re.I,
)
_NOT_ORDERED = re.compile(
    r"\b(?:have\s+not|haven't|did\s+not|didn't|not)\s+(?:ordered|bought|purchased)(?:\s+anything)?\s+(?:in|for)\s+(?:the\s+(?:last|past)\s+)?(\d+)\s+(day|week|month)s?",
    re.I,
)
_SPENT = re.compile(rf"\bspent\s+{_COMPARE}(\d+)", re.I)
_AOV = re.compile(rf"\baverage\s+order\s+value\s+{_COMPARE}(\d+)", re.I)
_CONSENT = re.compile(
    r"\b(?:consented|opted[\s-]in|agreed|subscribed)\s+(?:to\s+)?(e-?mail|sms|text|advertising|personalisation)|\bcan\s+be\s+(e-?mailed|texted)",
    re.I,
)
_PURPOSES = {
    "email": "email_marketing",
    "e-mail": "email_marketing",
    "emailed": "email_marketing",
    "e-mailed": "email_marketing",
    "sms": "sms_marketing",
    "text": "sms_marketing",
    "texted": "sms_marketing",
    "advertising": "advertising",
    "personalisation": "personalisation",
}
_SEGMENT = re.compile(r"\bin\s+(?:the\s+)?segment\s+([a-z][a-z0-9_]*)", re.I)
_AUDIENCE = re.compile(
    r"^\s*(how\s+many\s+(?:customers|people|shoppers|buyers)|(?:build|create|make)\s+(?:an?\s+)?(?:audience|segment|list)\s+(?:of|with|for)|(?:list|show|find|give\s+me|who\s+are)\s+(?:the\s+)?(?:customers|people|shoppers)|who\b)",
    re.I,
)


def _conditions(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Segment-language conditions in ``text`` and their readings in words."""
    conds: list[dict[str, Any]] = []
    said: list[str] = []
    for m in _BOUGHT.finditer(text):
        if m.group(2) is None and _days(m, 3) is None:
            continue
        op, count = _op(m.group(1)), _number(m.group(2))
        if (
            m.group(1) is None
            and m.group(2) in ("once", "twice", "thrice")
            and not re.search(r"at least", text, re.I)
        ):
            op = ">="
        window = _days(m, 3)
        if m.group(6):
            # "N times in the last month but not since": N orders in the month before the last
            # one, i.e. N within 2 windows and none within the last window.
            recent = window or 30
            conds += [
                {"event": ORDER, "count": {"op": op, "value": count}, "within": f"{2 * recent}d"},
                {"event": ORDER, "count": {"op": "=", "value": 0}, "within": f"{recent}d"},
            ]
            said.append(f"{op} {count} orders {2 * recent} to {recent} days ago and none since")
            continue
        node: dict[str, Any] = {"event": ORDER, "count": {"op": op, "value": count}}
        if window:
            node["within"] = f"{window}d"
        conds.append(node)
        said.append(f"{op} {count} orders" + (f" in the last {window} days" if window else ""))
    for m in _NOT_ORDERED.finditer(text):
        days = int(m.group(1)) * _UNIT_DAYS[m.group(2).lower()]
        conds.append({"trait": "days_since_last_order", "op": ">", "value": days})
        said.append(f"last order more than {days} days ago")
    if re.search(r"\blapsed\b", text, re.I):
        conds += [
            {"trait": "orders", "op": ">=", "value": 1},
            {"event": ORDER, "count": {"op": "=", "value": 0}, "within": "90d"},
        ]
        said.append("lapsed (ordered before, nothing in 90 days)")
    if re.search(r"\b(?:high|big|top)[\s-]+spend(?:er|ing)s?\b", text, re.I):
        conds.append({"trait": "revenue", "op": ">=", "value": 500})
        said.append("revenue >= 500")
    for m in _SPENT.finditer(text):
        conds.append({"trait": "revenue", "op": _op(m.group(1)), "value": int(m.group(2))})
        said.append(f"revenue {_op(m.group(1))} {m.group(2)}")
    for m in _AOV.finditer(text):
        conds.append(
            {"trait": "average_order_value", "op": _op(m.group(1)), "value": int(m.group(2))}
        )
        said.append(f"average order value {_op(m.group(1))} {m.group(2)}")
    for m in _CONSENT.finditer(text):
        word = (m.group(1) or m.group(2)).lower()
        conds.append({"consent": _PURPOSES[word]})
        said.append(f"consented to {_PURPOSES[word]}")
    if re.search(
        r"\bhigh\s+churn\s+risk|\blikely\s+to\s+churn|\bat\s+risk\s+of\s+churn", text, re.I
    ):
        conds.append({"prediction": "churn_risk", "op": ">", "value": 0.7})
        said.append("churn risk > 0.7")
    if re.search(r"\blikely\s+to\s+(?:buy|purchase|order)", text, re.I):
        conds.append({"prediction": "propensity_30d", "op": ">", "value": 0.5})
        said.append("purchase propensity > 0.5")
    if re.search(
        r"\b(?:viewed|browsed|looked\s+at)\s+(?:a\s+)?products?\s+(?:but|and)\s+(?:did\s+not|didn't|never)\s+(?:buy|order|purchase)",
        text,
        re.I,
    ):
        conds.append(
            {"did": "Product Viewed", "not_followed_by": ORDER, "within": "1d", "in_last": "30d"}
        )
        said.append("viewed a product without buying within a day (last 30 days)")
    for m in _SEGMENT.finditer(text):
        conds.append({"segment": m.group(1).lower()})
        said.append(f"in segment {m.group(1).lower()}")
    return conds, said


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    stop = {
        "how",
        "many",
        "customers",
        "who",
        "the",
        "of",
        "a",
        "an",
        "in",
        "to",
        "build",
        "audience",
        "list",
        "show",
        "find",
        "and",
        "but",
        "with",
        "have",
        "are",
        "is",
    }
    kept = [w for w in words if w not in stop][:6] or ["question"]
    name = "_".join(kept)
    return ("q_" + name if not name[0].isalpha() else name)[:60]


def _measure(text: str) -> AnalystPlan | None:
    lowered = text.lower()
    ranked = re.search(
        r"which\s+segments?\s+(?:has|have)\s+the\s+(highest|lowest|most|least)\s+(churn(?:\s+risk)?|propensity|purchase\s+propensity|clv|lifetime\s+value)",
        lowered,
    )
    if ranked:
        model = {
            "churn": "churn_risk",
            "propensity": "propensity_30d",
            "purchase": "propensity_30d",
            "clv": "clv_90d",
            "lifetime": "clv_90d",
        }[ranked.group(2).split()[0]]
        descending = ranked.group(1) in ("highest", "most")
        query = QuerySpec(measure="segment_score", score_model=model, descending=descending)
        return AnalystPlan(
            text,
            "query",
            f"average {model} per saved segment, {'highest' if descending else 'lowest'} first",
            query=query,
        )
    if re.search(
        r"how\s+(?:big|large)\s+is\s+each\s+segment|segment\s+sizes|size\s+of\s+each\s+segment|how\s+many\s+customers\s+(?:are\s+)?in\s+each\s+segment",
        lowered,
    ):
        return AnalystPlan(
            text, "query", "members per saved segment", query=QuerySpec(measure="segment_sizes")
        )
    patterns: list[tuple[str, Measure]] = [
        (r"average\s+order\s+value|\baov\b|average\s+basket", "average_order_value"),
        (
            r"(?:total\s+)?revenue|sales\s+total|total\s+sales|how\s+much\s+(?:did\s+we\s+sell|revenue)",
            "revenue",
        ),
        (r"how\s+many\s+orders|number\s+of\s+orders|order\s+count|orders\s+(?:by|per)", "orders"),
        (r"how\s+many\s+events|number\s+of\s+events|events\s+(?:by|per)", "events"),
        (
            r"how\s+many\s+(?:customers|people)\s*(?:do\s+we\s+have|are\s+there|in\s+total)?\s*\??$|number\s+of\s+customers|customer\s+count",
            "customers",
        ),
    ]
    measure = next((m for p, m in patterns if re.search(p, lowered)), None)
    if measure is None:
        return None
    days = _days(re.search(_PERIOD, lowered))
    group = re.search(r"\b(?:by|per|each)\s+(month|week|day|event)", lowered)
    top = re.search(r"\btop\s+(\d+)", lowered)
    try:
        query = QuerySpec(
            measure=measure,
            within_days=days,
            group_by=group.group(1) if group else None,
            top=int(top.group(1)) if top else None,
        )
    except ValidationError as exc:
        where = ", ".join(str(e["loc"][0]) for e in exc.errors())
        raise AssistantError(
            f"The question asks for {where} out of range: {exc.errors()[0]['msg']}.",
            "Use a period of at most 100 years and a top of at most 1,000 rows.",
        ) from exc
    words = (
        measure.replace("_", " ")
        + (f" in the last {days} days" if days else "")
        + (f" by {query.group_by}" if query.group_by else "")
    )
    return AnalystPlan(text, "query", words, query=query)


def parse_question(question: str) -> AnalystPlan:
    """Read a question into a segment definition or a measure (nothing runs here).

    Raises:
        AssistantError: The question is outside the grammar (the error lists what is).
    """
    text = question.strip()
    if not text:
        raise AssistantError(
            "The question is empty.",
            "Ask e.g. 'how many customers bought twice in the last 30 days'.",
        )
    audience = _AUDIENCE.search(text)
    conds, said = _conditions(text)
    if audience is None or not conds:
        plan = _measure(text)
        if plan is not None:
            return plan
    if conds:
        where = conds[0] if len(conds) == 1 else {"all": conds}
        listing = audience is not None and not audience.group(1).lower().startswith("how many")
        segment = {"name": _slug(text), "description": f"From the question: {text}", "where": where}
        return AnalystPlan(
            text,
            "segment",
            "customers with " + " and ".join(said),
            segment=segment,
            answer="list" if listing else "count",
        )
    raise AssistantError(
        f"I can't read {text!r} with the offline grammar.",
        "Ask about customers (e.g. 'how many customers bought twice in the last month but not "
        "since', 'build an audience of lapsed high spenders who consented to e-mail') or a "
        "measure ('total revenue by month', 'which segment has the highest churn risk'); "
        "docs/assistant.md lists the grammar.",
    )
