"""The analyst's assistant: a question to a plan shown first, then a read-only answer.

:func:`plan` reads the question with the offline grammar
(:func:`vantage.solutions.assistant.analyst.parse_question`) and validates a segment definition
with :class:`vantage.segments.spec.SegmentSpec`; :func:`run` answers it with a segment preview
(never saved) or an Ibis aggregate over the warehouse. Nothing here writes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import yaml

from vantage.core.settings import Settings
from vantage.services.context import ServiceContext
from vantage.solutions.assistant.analyst import ORDER, AnalystPlan, QuerySpec, parse_question
from vantage.solutions.assistant.errors import AssistantError
from vantage.store.warehouse import Store

_TRUNCATE = {"month": "M", "week": "W", "day": "D"}


class ShownPlan:
    """A plan with the text shown to the user before it runs."""

    def __init__(self, plan: AnalystPlan) -> None:
        self.plan = plan
        self.kind = plan.kind
        self.explanation = plan.explanation
        if plan.segment is not None:
            self.shown = yaml.safe_dump(plan.segment, sort_keys=False)
        else:
            assert plan.query is not None
            self.shown = json.dumps(plan.query.model_dump(exclude_none=True), indent=1)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {**self.plan.as_dict(), "shown": self.shown}


LLM_PROMPT = """You turn a marketing analyst's question into a customer segment definition.
Answer with one JSON object {"where": CONDITION} and nothing else. CONDITION is one of:
{"all": [CONDITION, ...]}, {"any": [...]}, {"not": CONDITION},
{"trait": NAME, "op": OP, "value": V} with NAME in orders, orders_30d, revenue, revenue_90d,
average_order_value, days_since_last_order, page_views_30d;
{"prediction": "churn_risk" | "propensity_30d" | "clv_90d", "op": OP, "value": V};
{"consent": "email_marketing" | "sms_marketing" | "advertising"};
{"event": "Order Completed", "count": {"op": OP, "value": N}, "within": "30d"}.
OP is one of = != > >= < <=."""


def _llm_plan(settings: Settings, question: str) -> AnalystPlan:
    """Ask the configured language model for a segment definition (validated by the caller)."""
    import re

    from vantage.services.genai import get_backend

    completion = get_backend(settings).complete(
        [{"role": "system", "content": LLM_PROMPT}, {"role": "user", "content": question}],
        temperature=0.0,
        max_tokens=400,
    )
    found = re.search(r"\{.*\}", completion.text, re.S)
    where = json.loads(found.group(0)).get("where") if found else None
    if not isinstance(where, dict):
        raise AssistantError(
            "The language model did not answer with a segment definition.",
            "Rephrase the question with the offline grammar (docs/assistant.md).",
        )
    segment = {
        "name": "llm_question",
        "description": f"From the question: {question}",
        "where": where,
    }
    return AnalystPlan(question, "segment", "read by the language model", segment=segment)


def plan(question: str, settings: Settings | None = None) -> ShownPlan:
    """Read ``question`` into a validated plan (nothing runs).

    The offline grammar comes first; when it cannot read the question and ``settings`` name a
    generative-AI backend (``[genai] backend``), the language model is asked for a segment
    definition, which is validated like any other.

    Raises:
        AssistantError: The question is outside the grammar (and no backend could read it).
        SegmentSpecError: The definition read from it is invalid (the node is named).
    """
    from vantage.segments.spec import load_spec
    from vantage.services.genai import has_backend

    try:
        parsed = parse_question(question)
    except AssistantError:
        if settings is None or not has_backend(settings):
            raise
        parsed = _llm_plan(settings, question)
    if parsed.segment is not None:
        parsed.segment = load_spec(parsed.segment).model_dump(
            mode="json", exclude_none=True, by_alias=True
        )
    return ShownPlan(parsed)


def _revenue(store: Store, events: ir.Table) -> ir.FloatingValue:
    value: ir.FloatingValue = store.json_text(events.payload, ["properties", "revenue"]).try_cast(
        "float64"
    )
    return value


def _events(store: Store, query: QuerySpec, now: datetime) -> ir.Table:
    events = store.table("events")
    if query.measure in ("orders", "revenue", "average_order_value"):
        events = events.filter(events.event == ORDER)
    if query.within_days:
        events = events.filter(events.timestamp >= now - timedelta(days=query.within_days))
    return events


def _measure(store: Store, query: QuerySpec, now: datetime) -> pd.DataFrame:
    if query.measure == "customers":
        ids = store.table("identity_map")
        return store.execute(ids.aggregate(customers=ids.customer_id.nunique()))
    if query.measure in ("segment_score", "segment_sizes"):
        return _segments(store, query)
    events = _events(store, query, now)
    metrics: dict[str, Any] = {
        "orders": {"orders": events.count()},
        "events": {"events": events.count()},
        "revenue": {"revenue": _revenue(store, events).sum().round(2)},
        "average_order_value": {"average_order_value": _revenue(store, events).mean().round(2)},
    }[query.measure]
    if query.group_by is None:
        return store.execute(events.aggregate(**metrics))
    if query.group_by == "event":
        key = events.event.name("event")
        grouped = events.group_by(key).aggregate(**metrics)
        order = ibis.desc(next(iter(metrics)))
    else:
        key = events.timestamp.truncate(_TRUNCATE[query.group_by]).name(query.group_by)
        grouped = events.group_by(key).aggregate(**metrics)
        order = ibis.asc(query.group_by)
    grouped = grouped.order_by(order)
    return store.execute(grouped.limit(query.top) if query.top else grouped)


def _segments(store: Store, query: QuerySpec) -> pd.DataFrame:
    from vantage.store.migrations import PREDICTIONS_TABLE, SEGMENT_MEMBERSHIP_TABLE

    if not store.has_table(SEGMENT_MEMBERSHIP_TABLE):
        return pd.DataFrame(columns=["segment", "members"])
    members = store.table(SEGMENT_MEMBERSHIP_TABLE)
    if query.measure == "segment_sizes":
        expr = (
            members.group_by("segment")
            .aggregate(members=members.count())
            .order_by(ibis.desc("members"))
        )
        return store.execute(expr)
    if not store.has_table(PREDICTIONS_TABLE):
        return pd.DataFrame(columns=["segment", "members", "mean_score"])
    scores = store.table(PREDICTIONS_TABLE)
    scores = scores.filter(scores.model == query.score_model).select("customer_id", "score")
    joined = members.inner_join(scores, "customer_id")
    expr = joined.group_by("segment").aggregate(
        members=joined.count(), mean_score=joined.score.mean().round(4)
    )
    expr = expr.order_by(ibis.desc("mean_score") if query.descending else ibis.asc("mean_score"))
    return store.execute(expr.limit(query.top) if query.top else expr)


def _plain(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for record in frame.to_dict(orient="records"):
        row = {}
        for key, raw in record.items():
            value = raw
            if isinstance(raw, pd.Timestamp | datetime):
                value = raw.date().isoformat()
            elif hasattr(raw, "item"):
                value = raw.item()
            row[str(key)] = None if isinstance(value, float) and pd.isna(value) else value
        out.append(row)
    return out


def run(ctx: ServiceContext, shown: ShownPlan, *, as_of: datetime | None = None) -> dict[str, Any]:
    """Answer a plan read-only: ``title``, ``columns`` and ``rows`` (a table).

    Args:
        ctx: The workspace.
        shown: The plan from :func:`plan`.
        as_of: "Now" for relative periods (default: the current time).
    """
    from vantage.segments.spec import load_spec
    from vantage.services.segments import preview
    from vantage.services.warehouse import open_warehouse

    now = as_of or datetime.now(UTC)
    current = shown.plan
    if current.segment is not None:
        spec = load_spec(current.segment)
        found = preview(ctx, spec, sample=20, as_of=now)
        if current.answer == "list":
            rows = [{"customer_id": c} for c in found.sample]
            return {
                "title": f"{found.size} customers (first {len(rows)})",
                "columns": ["customer_id"],
                "rows": rows,
                "size": found.size,
            }
        return {
            "title": current.explanation,
            "columns": ["customers"],
            "rows": [{"customers": found.size}],
            "size": found.size,
        }
    assert current.query is not None
    with open_warehouse(ctx.settings, timeout_s=60) as store:
        frame = _measure(store, current.query, now)
    return {
        "title": current.explanation,
        "columns": [str(c) for c in frame.columns],
        "rows": _plain(frame),
    }


def ask(ctx: ServiceContext, question: str, *, as_of: datetime | None = None) -> dict[str, Any]:
    """Plan and answer ``question``: the plan (as shown) and the result table."""
    shown = plan(question, ctx.settings)
    return {**shown.as_dict(), "result": run(ctx, shown, as_of=as_of)}
