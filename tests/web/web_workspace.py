"""A small but complete workspace for the dashboard tests, built in a few seconds.

The synthetic shop of :mod:`vantage.solutions.features.sample` (events and identities), plus what
the pages show beyond it: e-mail and phone identifiers, two years of store orders (forecasts),
scored texts, a model card, a trained assistant (TF-IDF intents) and three users (admin,
analyst, viewer).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from vantage.core.settings import Settings
from vantage.core.workspace import Workspace
from vantage.services import assistant
from vantage.services.nlp_text_batch import SCORES_TABLE
from vantage.services.users import UserStore
from vantage.services.warehouse import open_warehouse
from vantage.solutions.features.sample import SAMPLE_END, load_sample_shop
from vantage.store.compaction import EVENT_SCHEMA

PASSWORD = "dashboard-test-password"
CUSTOMER = "c1"
EMAIL = "ann.lee@example.com"
PHONE = "+447911123456"
ROLES = ("admin", "analyst", "viewer")


@dataclass(frozen=True)
class WebWorkspace:
    """The data directory and what the tests look for in it."""

    home: Path
    settings: Settings
    customer: str = CUSTOMER
    email: str = EMAIL
    phone: str = PHONE
    password: str = PASSWORD


def _store_orders(first_seq: int) -> pa.Table:
    rng = np.random.default_rng(11)
    rows = []
    start = SAMPLE_END - timedelta(weeks=104)
    seq = first_seq
    for week in range(104):
        for store in ("S01", "S02"):
            for _ in range(int(rng.poisson(6 + 2 * np.sin(week / 8)))):
                ts = start + timedelta(weeks=week, hours=float(rng.uniform(0, 150)))
                message = {
                    "type": "track",
                    "event": "Order Completed",
                    "anonymousId": f"till-{seq}",
                    "properties": {
                        "store_id": store,
                        "items": int(rng.integers(1, 4)),
                        "revenue": 20.0,
                    },
                }
                rows.append(
                    {
                        "seq": seq,
                        "message_id": f"pos-{seq}",
                        "source": "pos",
                        "type": "track",
                        "event": "Order Completed",
                        "user_id": None,
                        "anonymous_id": f"till-{seq}",
                        "timestamp": ts,
                        "received_at": ts,
                        "payload": json.dumps(message),
                    }
                )
                seq += 1
    return pa.Table.from_pylist(rows, schema=EVENT_SCHEMA)


def _scores() -> pa.Table:
    texts = [
        ("Late delivery again, the parcel was crushed.", "negative", -0.7, ["delivery"]),
        ("Lovely fit and fast delivery.", "positive", 0.8, ["fit", "delivery"]),
        ("Staff were helpful in store.", "positive", 0.6, ["staff"]),
        ("The size guide is wrong.", "negative", -0.4, ["fit"]),
    ]
    rows = []
    for i in range(40):
        text, label, score, topics = texts[i % len(texts)]
        rows.append(
            {
                "message_id": f"review-{i}",
                "customer_id": CUSTOMER,
                "event": "Product Reviewed",
                "timestamp": SAMPLE_END - timedelta(days=3 * i),
                "text": text,
                "request": "",
                "sentiment": label,
                "sentiment_score": score,
                "route": "",
                "topics": json.dumps(topics),
                "model": "vader",
            }
        )
    return pa.Table.from_pylist(rows)


def _model_card(home: Path) -> None:
    for version, auc in (("20250101T000000000000Z", 0.71), ("20250601T000000000000Z", 0.74)):
        folder = home / "models" / "propensity_30d" / version
        folder.mkdir(parents=True)
        card = {
            "name": "propensity_30d",
            "solution": "propensity",
            "description": "Probability of an order in the next 30 days.",
            "baseline": "logistic regression; recency rule",
            "evaluation": "held out",
            "metric_names": ["roc_auc", "pr_auc"],
            "metrics": {
                "lightgbm": {"roc_auc": auc, "pr_auc": 0.3},
                "logistic": {"roc_auc": 0.69, "pr_auc": 0.25},
            },
            "version": version,
            "trained_at": f"{version[:4]}-{version[4:6]}-{version[6:8]}T00:00:00+00:00",
            "as_of": f"{version[:4]}-{version[4:6]}-{version[6:8]}T00:00:00+00:00",
            "path": str(folder),
        }
        (folder / "card.json").write_text(json.dumps(card))


def build_workspace(home: Path) -> WebWorkspace:
    """Create the workspace in ``home`` (an empty or missing folder)."""
    settings = Settings(home=home)
    Workspace(home).init()
    with open_warehouse(settings) as store:
        events = load_sample_shop(store, 60, seed=5)
        store.append("events", _store_orders(events + 1))
        since = datetime(2024, 1, 1, tzinfo=UTC)
        extra = pd.DataFrame(
            {
                "id_type": ["email", "phone"],
                "id_value": [EMAIL, PHONE],
                "customer_id": [CUSTOMER, CUSTOMER],
                "since": [since, since],
                "reason": ["identify call in event seq 3", "identify call in event seq 3"],
            }
        )
        store.append("identity_map", extra)
        store.create_table(SCORES_TABLE, _scores(), overwrite=True)
    _model_card(home)
    assistant.train(settings, encoder=None)
    users = UserStore(home)
    for role in ROLES:
        users.add(role, PASSWORD, role)
    return WebWorkspace(home, settings)
