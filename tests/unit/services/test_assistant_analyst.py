"""The analyst's assistant on a real warehouse: previews and measures, read-only; LLM path."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from vantage.core.settings import load_settings
from vantage.services import assistant_analyst as analyst
from vantage.services import identity as identity_service
from vantage.services.context import ServiceContext
from vantage.services.events import compact_and_sync
from vantage.services.warehouse import open_warehouse
from vantage.solutions.assistant.errors import AssistantError

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _order(user: str, n: int, day: str, revenue: float) -> dict[str, Any]:
    return {
        "type": "track",
        "userId": user,
        "event": "Order Completed",
        "messageId": f"{user}-{n}",
        "timestamp": f"{day}T12:00:00Z",
        "properties": {"order_id": f"HP{n}", "revenue": revenue},
    }


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> ServiceContext:
    home = tmp_path_factory.mktemp("analyst") / "home"
    ctx = ServiceContext(load_settings(home=home, score_text_on_ingest=False))
    ctx.workspace.init()
    messages = [
        _order("u1", 1, "2026-01-10", 100.0),
        _order("u1", 2, "2026-01-20", 50.0),
        _order("u2", 3, "2026-02-25", 30.0),
    ]
    ctx.log.append([ctx.ingestor.prepare("web", messages, correct_skew=False)])
    compact_and_sync(ctx)
    identity_service.rebuild(ctx)
    return ctx


def test_bought_twice_last_month_but_not_since(ctx: ServiceContext) -> None:
    shown = analyst.plan("how many customers bought twice in the last month but not since")
    assert "within: 60d" in shown.shown
    result = analyst.run(ctx, shown, as_of=NOW)
    assert result["rows"] == [{"customers": 1}]


def test_list_answer_and_measures(ctx: ServiceContext) -> None:
    listed = analyst.run(ctx, analyst.plan("list customers who bought at least once"), as_of=NOW)
    assert listed["size"] == 2 and len(listed["rows"]) == 2
    orders = analyst.run(ctx, analyst.plan("how many orders in the last 30 days"), as_of=NOW)
    assert orders["rows"] == [{"orders": 1}]
    revenue = analyst.run(ctx, analyst.plan("total revenue by month"), as_of=NOW)
    assert revenue["rows"] == [
        {"month": "2026-01-01", "revenue": 150.0},
        {"month": "2026-02-01", "revenue": 30.0},
    ]
    customers = analyst.run(ctx, analyst.plan("how many customers do we have"), as_of=NOW)
    assert customers["rows"] == [{"customers": 2}]


def test_the_analyst_never_saves_a_segment(ctx: ServiceContext) -> None:
    analyst.ask(ctx, "build an audience of customers who spent more than 10", as_of=NOW)
    with open_warehouse(ctx.settings) as store:
        saved = store.execute(store.table("segments")) if store.has_table("segments") else []
    assert len(saved) == 0


@dataclass
class _Completion:
    text: str


class _Backend:
    def complete(self, messages: list[dict[str, str]], **options: Any) -> _Completion:
        assert "segment definition" in messages[0]["content"]
        return _Completion('Sure: {"where": {"trait": "revenue", "op": ">", "value": 120}}')


def test_language_model_reads_what_the_grammar_cannot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vantage.services import genai

    settings = load_settings(home=tmp_path / "h")
    with pytest.raises(AssistantError, match="offline grammar"):
        analyst.plan("customers whose lifetime spend tops 120", settings)
    monkeypatch.setattr(genai, "has_backend", lambda _settings: True)
    monkeypatch.setattr(genai, "get_backend", lambda _settings: _Backend())
    shown = analyst.plan("customers whose lifetime spend tops 120", settings)
    assert shown.plan.segment is not None
    assert shown.plan.segment["where"] == {"trait": "revenue", "op": ">", "value": 120}
    assert shown.explanation == "read by the language model"
