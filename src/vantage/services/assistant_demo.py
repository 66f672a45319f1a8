"""The ``assistant`` step of ``vantage demo``: train the customer-service assistant and ask it.

After this step the dashboard's chat widget and ``vantage chat`` answer at once on the demo
workspace.
"""

from __future__ import annotations

from typing import Any

from vantage.services import assistant

DEMO_QUESTION = "what time does your Leeds store open on saturday?"
# The sentence encoder the demo trains with (None: TF-IDF n-grams only).
DEMO_ENCODER: str | None = assistant.DEFAULT_ENCODER


def demo_assistant_step(run: Any) -> str:
    """A ``vantage demo`` step: train on the shipped intents (MiniLM + TF-IDF), answer one question.

    Stores the held-out scores in ``run.facts["assistant"]``.
    """
    card = assistant.train(run.ctx.settings, encoder=DEMO_ENCODER)
    model = card["metrics"]["model"]
    reply = assistant.respond(run.ctx, "demo", DEMO_QUESTION, record=False)
    run.facts["assistant"] = {**model, "intent": reply.intent}
    return (
        f"intents: in-scope accuracy {model['in_scope_accuracy']:.2f}, out-of-scope recall "
        f"{model['oos_recall']:.2f} (5-fold); asked {DEMO_QUESTION!r} -> {reply.intent}"
    )
