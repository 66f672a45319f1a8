from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from vantage.core.settings import Settings, load_settings
from vantage.services import genai as service
from vantage.services import genai_content, genai_eval
from vantage.solutions.genai.describe import ProductInput
from vantage.solutions.genai.errors import GenAIError, NoBackendError, PromptError
from vantage.solutions.genai.guardrails import GuardedBackend
from vantage.solutions.genai.messages import CustomerProfile

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from solutions.genai.fake_openai import FakeOpenAI, fake_openai_server

ARTICLE = (
    "Acme Foods reported record profits of 40 million pounds on Tuesday. Shares rose 12%. "
    "The firm will open a factory in Leeds. Analysts expected less. The chief executive was "
    "pleased with the strategy."
)


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with fake_openai_server() as state:
        yield state


def openai_settings(home: Path, url: str, **extra: object) -> Settings:
    genai = {"backend": "openai", "base_url": url, "model": "fake", "backoff_s": 0, **extra}
    return load_settings(home=home, genai=genai)


def test_no_backend_error_says_how_to_configure_one(home: Path) -> None:
    with pytest.raises(NoBackendError, match="No generative-AI backend is configured") as info:
        service.get_backend(load_settings())
    assert "VANTAGE_GENAI__BACKEND=gguf" in (info.value.fix or "")
    with pytest.raises(NoBackendError, match="needs \\[genai\\] base_url"):
        service.get_backend(load_settings(genai={"backend": "openai", "model": "m"}))


def test_settings_come_from_the_environment(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VANTAGE_GENAI__BACKEND", "openai")
    monkeypatch.setenv("VANTAGE_GENAI__ALLOW_PII_EXTERNAL", "true")
    settings = load_settings()
    assert settings.genai.backend == "openai" and settings.genai.allow_pii_external


def test_backend_is_guarded_cached_and_reused(home: Path, fake: FakeOpenAI) -> None:
    settings = openai_settings(home, fake.url)
    backend = service.get_backend(settings)
    assert isinstance(backend, GuardedBackend) and backend.redacts
    backend.complete("hello")
    service.get_backend(settings).complete("hello")
    assert len(fake.requests) == 1
    assert (home / "genai" / "cache.sqlite").is_file()
    assert service.backend_status(settings)["usage"]["cache_hits"] == 1


def test_summarize_is_extractive_offline_and_abstractive_with_a_backend(
    home: Path, fake: FakeOpenAI
) -> None:
    offline = service.summarize(load_settings(), ARTICLE, sentences=2, encoder="tfidf")
    assert offline["method"] == "extractive" and len(offline["sentences"]) == 2
    with pytest.raises(NoBackendError):
        service.summarize(load_settings(), ARTICLE, method="abstractive")
    fake.replies = ["Acme Foods made record profits. It will open a Leeds factory."]
    online = service.summarize(openai_settings(home, fake.url), ARTICLE, sentences=2)
    assert online["method"] == "abstractive (fake)"
    assert online["sentences"] == [
        "Acme Foods made record profits.",
        "It will open a Leeds factory.",
    ]
    assert "exactly 2 sentences" in fake.requests[0]["messages"][-1]["content"]


def test_minutes_fall_back_to_rules_when_the_model_answer_is_unusable(
    home: Path, fake: FakeOpenAI
) -> None:
    fake.replies = ["sorry, no"]
    out = service.minutes(openai_settings(home, fake.url), "Bob: I will send the deck by Friday.")
    assert out["method"] == "rules"
    assert out["action_items"][0]["owner"] == "Bob"
    assert "not JSON" in out["warnings"][0]


def test_describe_template_offline_and_llm_online(home: Path, fake: FakeOpenAI) -> None:
    mug = ProductInput(name="Ceramic Mug", category="home", attributes={"colour": "white"})
    offline = genai_content.describe(load_settings(), [mug], tone="premium")
    assert offline[0]["method"] == "template" and offline[0]["coverage"] == 1.0
    fake.replies = ["A white Ceramic Mug. Guaranteed to last."]
    online = genai_content.describe(openai_settings(home, fake.url), [mug])
    assert online[0]["method"] == "llm (fake)"
    assert online[0]["problems"] == ["contains the banned term 'guaranteed'"]


def test_demo_catalogue_batch(home: Path) -> None:
    results = list(genai_content.describe_catalogue(load_settings(), "demo", limit=5))
    assert len(results) == 5
    assert all(r["coverage"] == 1.0 and r["product_id"] for r in results)


def test_messages_skip_channels_without_consent_and_hide_the_name(
    home: Path, fake: FakeOpenAI
) -> None:
    customer = CustomerProfile(
        customer_id="c1",
        first_name="Zelda",
        recommendations=["Yoga Mat"],
        consent={"email_marketing": True, "sms_marketing": False},
    )
    fake.replies = ["Hi [NAME_1], the Yoga Mat is waiting for you."]
    out = genai_content.message(openai_settings(home, fake.url), customer, ["email", "sms"])
    assert [m["channel"] for m in out["messages"]] == ["email"]
    assert out["messages"][0]["text"] == "Hi Zelda, the Yoga Mat is waiting for you."
    assert out["skipped"] == [{"channel": "sms", "reason": "no sms_marketing consent"}]
    assert "Zelda" not in fake.sent_text()
    assert len(fake.requests) == 1


def test_eval_needs_a_backend_and_compares_versions(home: Path, fake: FakeOpenAI) -> None:
    with pytest.raises(NoBackendError):
        genai_eval.evaluate(load_settings(), "describe")
    out = genai_eval.evaluate(openai_settings(home, fake.url), "describe", ["v1", "v2"])
    assert [r["prompt"] for r in out["reports"]] == ["describe@v1", "describe@v2"]
    assert {row["metric"] for row in out["comparison"]} >= {"coverage", "invented_share", "words"}
    with pytest.raises(PromptError, match="has no version 'v7'"):
        genai_eval.evaluate(openai_settings(home, fake.url), "describe", ["v1", "v7"])


def test_auto_keeps_offline_methods_with_the_small_gguf_model(home: Path) -> None:
    settings = load_settings(genai={"backend": "gguf"})
    assert service.has_backend(settings) and not service.writes_freely(settings)
    out = service.summarize(settings, ARTICLE, sentences=1, encoder="tfidf")
    assert out["method"] == "extractive"


def test_unknown_encoder_is_refused(home: Path) -> None:
    with pytest.raises(GenAIError, match="Unknown encoder 'bert'"):
        service.summarize(load_settings(), ARTICLE, encoder="bert")


def test_minutes_from_an_audio_recording(home: Path, tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (Debian package espeak-ng; .ci/run installs it)")
    clip = tmp_path / "meeting.wav"
    said = "We decided to open the new shop in May. I will order the signs by Friday."
    subprocess.run(["espeak-ng", "-w", str(clip), said], check=True, timeout=60)
    out = service.minutes(load_settings(), audio=clip.read_bytes())
    assert any("decided" in d.lower() for d in out["decisions"])
    assert any("sign" in a["task"].lower() for a in out["action_items"])
