"""Analyst's assistant: share of questions the offline parser answers correctly on the demo.

Each question has the expected reading: a segment ``where`` tree (compared after validation by
``SegmentSpec``) or a measure (``QuerySpec`` fields). A question counts as correct when the
parser's reading equals the expected one *and* the plan runs on the demo workspace
(``VANTAGE_BENCH_DEMO_CUSTOMERS``, default 2,000, seed 7). Measures are also checked against an
independent pandas computation on the warehouse's events.

Run: ``python -m benchmarks --only analyst``.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.report import write_section

DEMO_CUSTOMERS = int(os.environ.get("VANTAGE_BENCH_DEMO_CUSTOMERS", "2000"))
NOTE = (
    "The questions were written alongside the grammar: this shows that every documented form "
    "works end to end on real data, not how well free phrasing is understood (that is what the "
    "optional language-model path is for). Identities are resolved deterministically here."
)
ORDER = "Order Completed"


def _n(op: str, value: int, within: str | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"event": ORDER, "count": {"op": op, "value": value}}
    if within:
        node["within"] = within
    return node


LAPSED = [{"trait": "orders", "op": ">=", "value": 1}, _n("=", 0, "90d")]
HIGH = {"trait": "revenue", "op": ">=", "value": 500}
EMAIL = {"consent": "email_marketing"}
CHURN = {"prediction": "churn_risk", "op": ">", "value": 0.7}
LIKELY = {"prediction": "propensity_30d", "op": ">", "value": 0.5}
BROWSED = {"did": "Product Viewed", "not_followed_by": ORDER, "within": "1d", "in_last": "30d"}

SEGMENT_QUESTIONS: list[tuple[str, Any]] = [
    (
        "how many customers bought twice in the last month but not since",
        {"all": [_n(">=", 2, "60d"), _n("=", 0, "30d")]},
    ),
    ("How many customers bought at least 3 times?", _n(">=", 3)),
    ("how many customers ordered more than 2 times in the last 60 days", _n(">", 2, "60d")),
    ("how many customers bought once in the last 30 days", _n(">=", 1, "30d")),
    ("how many customers bought exactly 1 time", _n("=", 1)),
    ("how many customers placed at least 2 orders in the last 90 days", _n(">=", 2, "90d")),
    ("how many customers bought in the last week", _n(">=", 1, "7d")),
    ("how many customers bought twice in the last 3 months", _n(">=", 2, "90d")),
    ("how many customers ordered at least 5 times in the last year", _n(">=", 5, "365d")),
    (
        "how many customers bought three times in the last 2 months but not since",
        {"all": [_n(">=", 3, "120d"), _n("=", 0, "60d")]},
    ),
    (
        "how many customers have not ordered in 90 days",
        {"trait": "days_since_last_order", "op": ">", "value": 90},
    ),
    (
        "how many customers haven't bought anything in 6 months",
        {"trait": "days_since_last_order", "op": ">", "value": 180},
    ),
    ("how many customers are lapsed", {"all": LAPSED}),
    (
        "build an audience of lapsed high spenders who consented to e-mail",
        {"all": [*LAPSED, HIGH, EMAIL]},
    ),
    ("build an audience of high spenders", HIGH),
    ("how many big spenders do we have", HIGH),
    ("list customers who spent more than 1000", {"trait": "revenue", "op": ">", "value": 1000}),
    ("how many customers spent at least 250", {"trait": "revenue", "op": ">=", "value": 250}),
    ("how many customers spent less than 50", {"trait": "revenue", "op": "<", "value": 50}),
    (
        "how many customers have an average order value over 100",
        {"trait": "average_order_value", "op": ">", "value": 100},
    ),
    ("how many customers consented to email", EMAIL),
    ("how many customers can be emailed", EMAIL),
    ("how many customers opted in to sms", {"consent": "sms_marketing"}),
    ("how many customers consented to advertising", {"consent": "advertising"}),
    ("list customers with high churn risk", CHURN),
    ("how many customers are at risk of churn", CHURN),
    (
        "build an audience of customers likely to buy who consented to email",
        {"all": [EMAIL, LIKELY]},
    ),
    ("how many customers are likely to buy", LIKELY),
    ("how many customers viewed a product but did not buy", BROWSED),
    ("build a segment of customers who browsed products but didn't buy", BROWSED),
    (
        "how many high spenders have not ordered in 60 days",
        {"all": [{"trait": "days_since_last_order", "op": ">", "value": 60}, HIGH]},
    ),
    (
        "how many customers in segment frequent_buyers consented to email",
        {"all": [EMAIL, {"segment": "frequent_buyers"}]},
    ),
    ("list customers in segment lapsed_big_spenders", {"segment": "lapsed_big_spenders"}),
    ("how many lapsed customers can be emailed", {"all": [*LAPSED, EMAIL]}),
    (
        "how many customers bought at least twice and spent more than 300",
        {"all": [_n(">=", 2), {"trait": "revenue", "op": ">", "value": 300}]},
    ),
    (
        "who are the customers with high churn risk who spent over 500",
        {"all": [{"trait": "revenue", "op": ">", "value": 500}, CHURN]},
    ),
    ("how many customers bought more than 4 times", _n(">", 4)),
    ("show customers who ordered twice in the past 30 days", _n(">=", 2, "30d")),
    ("how many customers purchased in the last 14 days", _n(">=", 1, "14d")),
    ("how many customers who bought once are likely to buy", {"all": [_n(">=", 1), LIKELY]}),
]

MEASURE_QUESTIONS: list[tuple[str, dict[str, Any]]] = [
    ("how many orders in the last 30 days", {"measure": "orders", "within_days": 30}),
    ("how many orders were placed in the last 7 days", {"measure": "orders", "within_days": 7}),
    ("how many orders do we have", {"measure": "orders"}),
    ("number of orders by month", {"measure": "orders", "group_by": "month"}),
    ("what is the total revenue", {"measure": "revenue"}),
    ("total revenue in the last 90 days", {"measure": "revenue", "within_days": 90}),
    ("revenue by month", {"measure": "revenue", "group_by": "month"}),
    (
        "total revenue by week in the last 3 months",
        {"measure": "revenue", "group_by": "week", "within_days": 90},
    ),
    ("what is the average order value", {"measure": "average_order_value"}),
    (
        "average order value in the last 30 days",
        {"measure": "average_order_value", "within_days": 30},
    ),
    ("average order value by month", {"measure": "average_order_value", "group_by": "month"}),
    ("how many customers do we have", {"measure": "customers"}),
    ("how many events by event", {"measure": "events", "group_by": "event"}),
    ("number of events in the last 7 days", {"measure": "events", "within_days": 7}),
    ("top 5 events by event", {"measure": "events", "group_by": "event", "top": 5}),
    ("orders per day in the last week", {"measure": "orders", "group_by": "day", "within_days": 7}),
    (
        "which segment has the highest churn risk",
        {"measure": "segment_score", "score_model": "churn_risk"},
    ),
    (
        "which segment has the lowest purchase propensity",
        {"measure": "segment_score", "score_model": "propensity_30d", "descending": False},
    ),
    ("which segments have the highest clv", {"measure": "segment_score", "score_model": "clv_90d"}),
    ("how big is each segment", {"measure": "segment_sizes"}),
]


def _rebuild_identities(run: Any) -> str:
    """Deterministic identity resolution only (the questions do not depend on fuzzy matches)."""
    from vantage.services import identity

    report = identity.rebuild(run.ctx)
    return f"{report.identifiers:,} identifiers resolved deterministically"


def _demo(home: Path) -> Any:
    from vantage.core.settings import load_settings
    from vantage.services import demo_steps as steps
    from vantage.services.analytics import demo_models_step
    from vantage.services.context import ServiceContext
    from vantage.services.demo import DemoPipeline, DemoStep, run_demo
    from vantage.services.segments_demo import demo_segments_step

    ctx = ServiceContext(load_settings(home=home))
    pipeline = DemoPipeline(
        [
            DemoStep("init", steps.init_workspace),
            DemoStep("generate", steps.generate_data),
            DemoStep("collect", steps.send_api_events),
            DemoStep("import-files", steps.import_files),
            DemoStep("compact-sync", steps.compact_and_sync),
            DemoStep("identity", _rebuild_identities),
            DemoStep("models", demo_models_step),
            DemoStep("segments", demo_segments_step),
        ]
    )
    run_demo(ctx, customers=DEMO_CUSTOMERS, seed=7, pipeline=pipeline)
    return ctx


def _pandas_answer(ctx: Any, query: dict[str, Any], now: Any) -> Any:
    """An independent answer for simple measures (one number), or None when not checked."""
    import orjson
    import pandas as pd

    from vantage.services.warehouse import open_warehouse

    if query.get("group_by") or query["measure"] not in (
        "orders",
        "revenue",
        "average_order_value",
        "events",
    ):
        return None
    with open_warehouse(ctx.settings) as store:
        events = store.execute(store.table("events").select("event", "timestamp", "payload"))
    if query.get("within_days"):
        events = events[
            pd.to_datetime(events.timestamp, utc=True) >= now - timedelta(days=query["within_days"])
        ]
    if query["measure"] == "events":
        return len(events)
    orders = events[events.event == ORDER]
    if query["measure"] == "orders":
        return len(orders)
    revenue = [orjson.loads(p).get("properties", {}).get("revenue") for p in orders.payload]
    values = pd.Series([float(v) for v in revenue if v is not None])
    return round(float(values.sum() if query["measure"] == "revenue" else values.mean()), 2)


def main() -> dict[str, Any]:
    """Parse and run every question on a fresh demo workspace; rewrite the README section."""
    from vantage.segments.spec import load_spec
    from vantage.services import assistant_analyst as analyst
    from vantage.services.analytics import data_end
    from vantage.services.warehouse import open_warehouse
    from vantage.solutions.assistant.analyst import QuerySpec

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        ctx = _demo(Path(tmp) / "home")
        build_s = time.perf_counter() - started
        with open_warehouse(ctx.settings) as store:
            now = data_end(store)
        for question, expected in [*SEGMENT_QUESTIONS, *MEASURE_QUESTIONS]:
            row: dict[str, Any] = {
                "question": question,
                "read": False,
                "ran": False,
                "checked": None,
            }
            try:
                shown = analyst.plan(question)
                if isinstance(expected, dict) and "measure" in expected:
                    row["read"] = shown.plan.query == QuerySpec(**expected)
                else:
                    want = load_spec({"name": "q", "where": expected}).where
                    got = load_spec(shown.plan.segment or {}).where if shown.plan.segment else None
                    row["read"] = got == want
                result = analyst.run(ctx, shown, as_of=now)
                row["ran"] = True
                row["answer"] = result["rows"][:3]
                if row["read"] and shown.plan.query is not None:
                    truth = _pandas_answer(ctx, expected, now)
                    if truth is not None:
                        value = next(iter(result["rows"][0].values()))
                        row["checked"] = abs(float(value) - float(truth)) < 0.01
            except Exception as exc:
                row["error"] = f"{type(exc).__name__}: {exc}"[:200]
            row["correct"] = bool(row["read"] and row["ran"] and row["checked"] is not False)
            rows.append(row)
    correct = sum(r["correct"] for r in rows)
    checked = [r for r in rows if r["checked"] is not None]
    misses = [r["question"] for r in rows if not r["correct"]]
    body = (
        f"{len(rows)} questions ({len(SEGMENT_QUESTIONS)} audiences, {len(MEASURE_QUESTIONS)} "
        f"measures) on the demo workspace ({DEMO_CUSTOMERS:,} customers, seed 7, built in "
        f"{build_s:.0f} s). Correct = the parser's segment definition or query equals the "
        "expected one and it runs read-only on the warehouse; one-number measures are also "
        "compared with a pandas computation on the raw events. " + NOTE + "\n\n"
        "| parser | answered correctly | share | measures matching pandas |\n|---|---|---|---|\n"
        f"| offline grammar | {correct} / {len(rows)} | {correct / len(rows):.1%} | "
        f"{sum(bool(r['checked']) for r in checked)} / {len(checked)} |\n\n"
        + (f"Missed: {'; '.join(misses)}.\n\n" if misses else "")
        + "Reproduce: `nice -n 10 .venv/bin/python -m benchmarks --only analyst`."
    )
    write_section("analyst", body)
    return {"correct": correct, "total": len(rows), "rows": rows}


if __name__ == "__main__":
    import json

    print(json.dumps(main(), indent=1, default=str))
