"""The Generative-AI page: summaries, product descriptions and message previews (no browser).

The test workspace has no language model configured, so the offline methods answer and asking
for the model shows the service's "no backend" message with its fix.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from web_workspace import WebWorkspace

from conftest import csrf_of

TEXT = (
    "The council approved the new budget on Monday. It includes funding for schools. "
    "Critics said the plan was rushed. The mayor defended the timetable. Voting will resume "
    "next week after a short recess. Local residents expressed mixed feelings."
)
NO_BACKEND = "No generative-AI backend is configured."


def _post(client: TestClient, path: str, data: dict[str, object]) -> str:
    csrf = csrf_of(client.get("/ui/genai").text)
    response = client.post(path, data={"csrf_token": csrf, **data})
    assert response.status_code == 200
    return html.unescape(response.text)


def test_page_says_no_model_is_configured_and_is_for_analysts(
    analyst: TestClient, viewer: TestClient
) -> None:
    page = html.unescape(analyst.get("/ui/genai").text)
    assert "No language model is configured" in page and "VANTAGE_GENAI__BACKEND=gguf" in page
    for form in ("summary-form", "description-form", "message-form"):
        assert f'id="{form}"' in page
    assert viewer.get("/ui/genai").status_code == 403


def test_summary_is_extractive_offline_and_abstractive_needs_a_backend(
    analyst: TestClient,
) -> None:
    done = _post(analyst, "/ui/genai/summary", {"text": TEXT, "sentences": "2"})
    assert "Method: extractive · 2 sentences" in done
    assert "The council approved the new budget on Monday." in done
    refused = _post(analyst, "/ui/genai/summary", {"text": TEXT, "method": "abstractive"})
    assert NO_BACKEND in refused and "VANTAGE_GENAI__BACKEND=gguf" in refused


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Invalid text: field required."),
        ({"text": TEXT, "sentences": "99"}, "Invalid sentences: input should be less than"),
        ({"text": TEXT, "method": "magic"}, "Invalid method: input should be 'auto'"),
    ],
)
def test_summary_form_errors_name_the_field(
    analyst: TestClient, data: dict[str, str], message: str
) -> None:
    assert message in _post(analyst, "/ui/genai/summary", data)


def test_description_from_attributes_with_its_measures(analyst: TestClient) -> None:
    data = {
        "name": "Merino jumper",
        "category": "knitwear",
        "attributes": "colour: navy\nprice: 59",
    }
    done = _post(analyst, "/ui/genai/description", data)
    assert "Merino jumper" in done and "navy" in done and "59" in done
    assert "<td>template</td>" in done and '<td class="num">100%</td>' in done
    bad = _post(analyst, "/ui/genai/description", {"name": "x", "attributes": "a: 1\nbad line"})
    assert "Invalid attributes: line 2 'bad line' is not 'name: value'." in bad
    assert "Invalid name: field required." in _post(analyst, "/ui/genai/description", {})
    llm = _post(analyst, "/ui/genai/description", {"name": "x", "method": "llm"})
    assert NO_BACKEND in llm


def test_message_preview_respects_consent(analyst: TestClient, workspace: WebWorkspace) -> None:
    from vantage.profiles.consent import ConsentChange
    from vantage.profiles.consent_ledger import ConsentLedger
    from vantage.services.warehouse import open_warehouse

    with open_warehouse(workspace.settings) as store:
        ids = store.table("identity_map")
        row = store.execute(ids.filter(ids.customer_id == "c2").limit(1)).iloc[0]
        change = ConsentChange(
            row["id_type"], row["id_value"], "email_marketing", True, datetime.now(UTC), "test"
        )
        ConsentLedger(store).record([change])
    both = {"customer_id": "c2", "channels": ["email", "sms"], "goal": "thank"}
    done = _post(analyst, "/ui/genai/message", both)
    assert 'class="panel message channel-email"' in done and "goal: thank" in done
    assert "Skipped sms: no sms_marketing consent." in done
    refused = _post(analyst, "/ui/genai/message", {"customer_id": "c1", "channels": "email"})
    assert "Skipped email: no email_marketing consent." in refused
    assert "No customer 'nobody'." in _post(
        analyst, "/ui/genai/message", {"customer_id": "nobody", "channels": "email"}
    )
    missing = _post(analyst, "/ui/genai/message", {"customer_id": "c1"})
    assert "Invalid channels: field required." in missing and "Tick at least one" in missing
