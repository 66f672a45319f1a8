"""Messages from the e-mail platform: opens and link clicks, keyed by e-mail address.

The platform knows a subscriber's e-mail address and, once the customer has a web account, the
web ``userId`` (synced as its external id); before that it uses its own subscriber id as the
``anonymousId``.
"""

from __future__ import annotations

import numpy as np

from vantage.datasets.demo import world
from vantage.datasets.demo.marketing import EMAIL, Marketing
from vantage.datasets.demo.messages import Builder, MessageIds, campaign_context
from vantage.datasets.demo.population import People
from vantage.datasets.demo.rand import stream

LIBRARY = {"name": "vantage-esp-webhook", "version": "1.0.0"}


def email_messages(
    people: People, marketing: Marketing, account_ts: np.ndarray, seed: int
) -> list[str]:
    """Every ``Email Opened`` and ``Email Link Clicked`` message as JSON text, in time order."""
    ids = MessageIds(stream(seed, "email-message-ids"))
    out = Builder(ids, "esp-")
    touches = marketing.touches
    for t in np.flatnonzero(touches.channel == EMAIL).tolist():
        person = int(touches.owner[t])
        camp = marketing.campaigns[int(touches.campaign[t])]
        email = people.email[person]
        context = {
            "library": LIBRARY,
            "integration": {"name": "esp"},
            "traits": {"email": email},
            "externalIds": [
                {"id": email, "type": "email", "collection": "users", "encoding": "none"}
            ],
        }
        opened = int(touches.ts[t])
        synced = opened >= account_ts[person]
        user = people.user_id[person] if synced else None
        anon = None if synced else people.esp_id[person]
        properties = {
            "channel": "email",
            "campaign_id": camp.campaign_id,
            "campaign_name": camp.name,
            "email_subject": camp.subject,
            "email_id": f"{camp.campaign_id}-{people.esp_id[person][4:]}",
        }
        out.emit("track", opened, anon, user, context, event="Email Opened", properties=properties)
        if touches.clicked[t]:
            utm = campaign_context("email", camp.name, camp.campaign_id)
            link = f"{world.SITE}/sale?utm_source={utm['source']}&utm_campaign={utm['name']}"
            out.emit(
                "track",
                int(touches.click_ts[t]),
                anon,
                user,
                context,
                event="Email Link Clicked",
                properties={**properties, "link_url": link},
            )
    return out.sorted_lines()
