"""The assistant service end to end on a real lake and warehouse (TF-IDF model, no encoder)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from threadpoolctl import threadpool_limits

from vantage.core.settings import load_settings
from vantage.services import assistant as service
from vantage.services import identity as identity_service
from vantage.services.assistant_store import AssistantStore
from vantage.services.context import ServiceContext
from vantage.services.events import compact_and_sync
from vantage.services.warehouse import open_warehouse


def _order(user: str, order_id: str, day: str, total: float) -> dict[str, Any]:
    return {
        "type": "track",
        "userId": user,
        "event": "Order Completed",
        "messageId": f"o-{order_id}",
        "timestamp": f"{day}T12:00:00Z",
        "properties": {"order_id": order_id, "total": total, "products": [{"name": "Rain jacket"}]},
    }


@pytest.fixture(autouse=True, scope="module")
def _one_thread() -> Iterator[None]:
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> ServiceContext:
    home = tmp_path_factory.mktemp("assistant") / "home"
    ctx = ServiceContext(load_settings(home=home, score_text_on_ingest=False))
    ctx.workspace.init()
    messages = [
        {
            "type": "identify",
            "userId": "u1",
            "messageId": "i1",
            "timestamp": "2026-01-01T10:00:00Z",
            "traits": {"email": "ann@example.com", "loyalty_card_no": "6339000000000001"},
        },
        {
            "type": "identify",
            "userId": "u2",
            "messageId": "i2",
            "timestamp": "2026-01-01T10:00:00Z",
            "traits": {"email": "bob@example.com", "loyalty_points": 77},
        },
        _order("u1", "HP1000001", "2026-02-01", 120.5),
        _order("u1", "HP1000003", "2026-02-20", 30.0),
        _order("u2", "HP1000002", "2026-02-02", 55.0),
    ]
    ctx.log.append([ctx.ingestor.prepare("web", messages, correct_skew=False)])
    compact_and_sync(ctx)
    identity_service.rebuild(ctx)
    service.train(ctx.settings, encoder=None)
    return ctx


def _chat(ctx: ServiceContext, session: str, *messages: str, **kw: Any) -> list[Any]:
    return [service.respond(ctx, session, m, **kw) for m in messages]


def test_train_saves_a_card_with_cross_validated_scores(ctx: ServiceContext) -> None:
    card = service.load_assistant(ctx.settings).card
    assert card["name"] == "assistant"
    assert card["metrics"]["model"]["in_scope_accuracy"] > 0.6
    assert 0.0 <= card["params"]["threshold"] < 1.0


def test_identification_by_email_and_order_then_order_status(ctx: ServiceContext) -> None:
    replies = _chat(ctx, "web-1", "where is my order HP1000001", "ann@example.com")
    assert replies[0].outcome == "asked"
    assert replies[1].outcome == "answered"
    assert "HP1000001" in replies[1].text and "Rain jacket" in replies[1].text


def test_wrong_order_number_is_refused(ctx: ServiceContext) -> None:
    replies = _chat(ctx, "web-2", "what have I bought recently", "ann@example.com", "HP1000002")
    assert replies[-1].outcome == "refused"
    assert "HP1000001" not in replies[-1].text


def test_verified_user_id_history_and_loyalty(ctx: ServiceContext) -> None:
    [history] = _chat(ctx, "app-1", "show me my past orders", verified_user_id="u1")
    assert history.text.index("HP1000003") < history.text.index("HP1000001")
    assert "HP1000002" not in history.text
    [points] = _chat(ctx, "app-2", "how many loyalty points do I have", verified_user_id="u2")
    assert "77 loyalty points" in points.text
    [earned] = _chat(ctx, "app-3", "what's my points balance", verified_user_id="u1")
    assert "150 loyalty points" in earned.text


def test_stop_emailing_me_changes_the_consent_ledger(ctx: ServiceContext) -> None:
    replies = _chat(ctx, "app-4", "stop emailing me", "yes", verified_user_id="u2")
    assert replies[-1].outcome == "answered"
    assert replies[-1].data["consent_recorded"] == 1
    from vantage.profiles.consent_ledger import ConsentLedger

    with open_warehouse(ctx.settings) as store:
        history = ConsentLedger(store).history("user_id", "u2")
    assert history[["purpose", "granted"]].values.tolist() == [["email_marketing", False]]


def test_handoff_goes_to_the_queue_with_a_summary(ctx: ServiceContext) -> None:
    replies = _chat(
        ctx, "web-3", "my parcel is late and nobody answers", "I want to speak to a person"
    )
    assert replies[-1].handoff and replies[-1].data["handoff_id"].startswith("HO-")
    [queued] = [h for h in service.handoffs(ctx.settings) if h.session_id == "web-3"]
    assert "order_status" in queued.summary and "parcel is late" in queued.summary
    assert len(queued.transcript) == 4


def test_every_message_is_a_support_chat_event(ctx: ServiceContext) -> None:
    _chat(ctx, "app-5", "this is terrible, where is my order HP1000001", verified_user_id="u1")
    payloads = [orjson.loads(r["payload"]) for r in ctx.log.tail(200) if r["source"] == "assistant"]
    chats = [p for p in payloads if p.get("event") == "Support Chat Message"]
    mine = [p for p in chats if p["properties"]["session_id"] == "app-5"]
    assert mine[0]["userId"] == "u1"
    assert mine[0]["properties"]["intent"] == "order_status"
    assert mine[0]["properties"]["sentiment"] == "negative"
    assert mine[0]["properties"]["outcome"] == "answered"


def test_conversation_state_survives_between_calls(ctx: ServiceContext) -> None:
    _chat(ctx, "web-4", "where is my order")
    state = AssistantStore(Path(ctx.settings.home)).load("web-4")
    assert state.task == "order_status" and state.awaiting == "identify:email"


def test_untrained_workspace_says_how_to_train(tmp_path: Path) -> None:
    ctx = ServiceContext(load_settings(home=tmp_path / "empty"))
    with pytest.raises(service.AssistantNotTrainedError, match="vantage assistant train"):
        service.respond(ctx, "s", "hello")


class _Backend:
    def complete(self, messages: list[dict[str, str]], **options: Any) -> Any:
        assert "using only this passage" in messages[0]["content"]
        return type("Completion", (), {"text": "Refunds reach you within 5 working days."})()


def test_faq_answer_is_phrased_by_a_configured_language_model(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vantage.services import genai

    monkeypatch.setattr(genai, "has_backend", lambda _settings: True)
    monkeypatch.setattr(genai, "get_backend", lambda _settings: _Backend())
    [reply] = _chat(ctx, "web-5", "how long do refunds take")
    assert reply.text.startswith("Refunds reach you within 5 working days.")
    assert reply.text.endswith("(Source: returns.md#How long do refunds take?)")


def test_own_faq_folder_store_directory_and_threshold(ctx: ServiceContext, tmp_path: Path) -> None:
    faq = tmp_path / "faq"
    faq.mkdir()
    shipped = Path(__file__).parents[3] / "src/vantage/solutions/assistant/data/faq"
    for page in shipped.glob("*.md"):
        (faq / page.name).write_text(page.read_text())
    (faq / "pets.md").write_text(
        "# Pets\n\n## Can I bring my dog into the shop?\nDogs on a lead are welcome in stores.\n"
    )
    store = {
        "id": "X1",
        "name": "York Minster",
        "aliases": ["york"],
        "hours": {"wed": "08:00-12:00"},
    }
    settings = ctx.settings.model_copy(
        update={
            "assistant": ctx.settings.assistant.model_copy(
                update={"faq_dir": faq, "stores": [store], "threshold": 0.3}
            )
        }
    )
    own = ServiceContext(settings)
    [dog] = _chat(own, "own-1", "are dogs allowed in the shop", record=False)
    assert dog.sources == ["pets.md#Can I bring my dog into the shop?"]
    [hours] = _chat(own, "own-2", "what are the opening times of the york store", record=False)
    assert "York Minster" in hours.text
    assert service.load_assistant(settings).nlu.classifier.threshold_ == 0.3
