"""The ``activate`` step of ``vantage demo``: a local webhook receiver sees triggers fire.

It starts a real HTTP receiver on 127.0.0.1 (a thread), connects it as a webhook destination
for e-mail marketing with two triggers (an order of 100 or more; entering the real-time
``frequent_buyers`` segment), then sends a few customers' consent and orders through the
demo's collection API (the real path: HTTP, durable log, live view, bus, triggers, consent,
signed POST). Customers who refused e-mail are never sent. It also exports the
``likely_buyers_emailable`` segment as a Google Customer Match list and writes a small action
catalogue for ``vantage nba``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from vantage.activate.receiver import WebhookReceiver
from vantage.services import activation

DESTINATION = "demo-webhook"
CATALOGUE = """\
control_share: 0.1
outcome_window: 14d
actions:
  - name: free-shipping
    kind: offer
    description: Free shipping on the next order.
    value: 12.0
    cost: 1.0
    score: {model: propensity_30d}
    base_rate: 0.05
    caps: {per_customer: 1, per: 7d}
  - name: loyalty-voucher
    kind: offer
    description: 10% voucher for frequent buyers.
    value: 25.0
    cost: 3.0
    segments: [frequent_buyers]
    base_rate: 0.15
  - name: new-arrivals
    kind: message
    description: E-mail with this week's new arrivals.
    value: 3.0
    consent: email_marketing
    base_rate: 0.04
"""


def _customers(count: int) -> list[tuple[str, bool]]:
    return [(f"demo-activate-{i}", i % 4 != 3) for i in range(count)]


def _send(run: Any, receiver: WebhookReceiver, people: list[tuple[str, bool]]) -> None:
    source = run.ctx.sources.ensure("demo-activate")
    client = httpx.Client(base_url=run.api_url, timeout=30, auth=(source.write_key, ""))
    for user, consents in people:
        consent = {"consent": {"categoryPreferences": {"email": consents}}}
        client.post(
            "/v1/identify",
            json={"userId": user, "traits": {"email": f"{user}@example.com"}, "context": consent},
        ).raise_for_status()
    time.sleep(1.0)  # the server's live view applies the consent decisions
    for user, _ in people:
        for revenue in (40.0, 120.0):
            client.post(
                "/v1/track",
                json={
                    "userId": user,
                    "event": "Order Completed",
                    "properties": {"revenue": revenue},
                },
            ).raise_for_status()


def _export(run: Any, folder: Path) -> str:
    from vantage.services.segments import SegmentNotFoundError, members

    activation.add_destination(
        run.ctx,
        {
            "name": "demo-google-list",
            "kind": "ads",
            "purpose": "advertising",
            "platform": "google",
            "folder": str(folder),
        },
        replace=True,
    )
    try:
        page = members(run.ctx, "likely_buyers_emailable", page_size=10_000)
    except SegmentNotFoundError:
        return "no likely_buyers_emailable segment to export"
    ids = [m["customer_id"] for m in page["members"]]
    result = activation.export_audience(run.ctx, "demo-google-list", ids)
    return f"ad list {result['exported']:,} customers ({result['blocked']:,} without consent)"


def demo_activate_step(run: Any) -> str:
    """A ``vantage demo`` step: triggers to a local webhook, an ad-list export, an NBA catalogue.

    Needs the ``segments`` step before it and the demo's collection API (``run.api_url``);
    stores what was delivered in ``run.facts["activation"]``.
    """
    home = Path(run.ctx.settings.home)
    catalogue = home / "activate" / "actions.yml"
    catalogue.parent.mkdir(parents=True, exist_ok=True)
    if not catalogue.exists():
        catalogue.write_text(CATALOGUE)
    people = _customers(8)
    with WebhookReceiver() as receiver:
        made = activation.add_destination(
            run.ctx,
            {
                "name": DESTINATION,
                "kind": "webhook",
                "purpose": "email_marketing",
                "url": receiver.url,
            },
            replace=True,
        )
        receiver.secret = made["secret"]
        activation.add_trigger(
            run.ctx,
            {
                "name": "demo-big-order",
                "when": {
                    "event": "Order Completed",
                    "where": [{"property": "revenue", "op": ">=", "value": 100}],
                },
                "destination": DESTINATION,
            },
            replace=True,
        )
        activation.add_trigger(
            run.ctx,
            {
                "name": "demo-frequent-buyer",
                "when": {"segment": "frequent_buyers"},
                "destination": DESTINATION,
                "frequency_cap": {"max": 1, "per": "7d"},
            },
            replace=True,
        )
        if run.api_url is None:
            return "no API server: destinations and triggers saved, nothing sent"
        consenting = sum(1 for _, ok in people if ok)
        _send(run, receiver, people)
        receiver.wait_for(consenting, 15)
        time.sleep(1.0)  # segment entries follow the orders
        bodies = [r.body for r in receiver.received]
    blocked = len(activation.deliveries(run.ctx, destination=DESTINATION, status="blocked"))
    kinds: dict[str, int] = {}
    for body in bodies:
        kinds[body.get("trigger", "?")] = kinds.get(body.get("trigger", "?"), 0) + 1
    exported = _export(run, run.out_dir / "activation")
    run.facts["activation"] = {"delivered": kinds, "blocked": blocked}
    shown = ", ".join(f"{n} x {name}" for name, n in sorted(kinds.items())) or "nothing"
    return (
        f"webhook received {shown} (signed); {blocked} blocked for lack of e-mail consent; "
        f"{exported}"
    )
