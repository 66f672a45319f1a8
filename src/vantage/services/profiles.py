"""The single customer view: one profile from identities, traits, computed traits and events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import orjson
import pandas as pd
import pyarrow as pa

from vantage.core.errors import VantageError
from vantage.core.identifiers import normalise
from vantage.profiles.computed import (
    ComputedTrait,
    customer_events,
    load_computed_traits,
)
from vantage.profiles.customer_traits import CustomerEvent, evaluate_traits
from vantage.profiles.traits import TraitPolicy, long_traits, merge_traits
from vantage.store.warehouse import Store

IDENTITY_MAP = "identity_map"


class ProfileNotFoundError(VantageError):
    """No customer matches the id or identifier asked for."""


def _require_identity_map(store: Store) -> None:
    if not store.has_table(IDENTITY_MAP):
        raise ProfileNotFoundError(
            "No identity map in the warehouse yet, so there are no profiles.",
            "Resolve identities first: `vantage identity rebuild` (or run `vantage demo`).",
        )


def find_customer(store: Store, id_type: str, id_value: str) -> str:
    """The customer an identifier belongs to (the identifier is normalised first).

    Raises:
        ProfileNotFoundError: The identifier is junk or belongs to nobody.
    """
    _require_identity_map(store)
    identifier = normalise(id_type, id_value)
    if identifier is None:
        raise ProfileNotFoundError(
            f"The {id_type} given is not a usable identifier (empty, junk or malformed).",
            "Check the value; e-mails need an @ and a domain, phones a valid number.",
        )
    ids = store.table(IDENTITY_MAP)
    hit = store.execute(
        ids.filter((ids.id_type == identifier.type) & (ids.id_value == identifier.value))
        .select("customer_id")
        .limit(1)
    )
    if hit.empty:
        raise ProfileNotFoundError(
            f"No customer has this {identifier.type}.",
            "Check the identifier type (email, phone, user_id, anonymous_id, ...) and value.",
        )
    return str(hit.customer_id.iloc[0])


def _identifiers(store: Store, customer_id: str, ids: ir.Table) -> list[dict[str, Any]]:
    return _identifier_rows(store.execute(ids.filter(ids.customer_id == customer_id)), customer_id)


def _identifier_rows(frame: pd.DataFrame, customer_id: str) -> list[dict[str, Any]]:
    frame = frame[frame["customer_id"] == customer_id]
    if frame.empty:
        raise ProfileNotFoundError(
            f"No customer {customer_id!r}.",
            "Look the customer up by an identifier instead: `vantage profile show --email ...`.",
        )
    keep = [c for c in ("id_type", "id_value", "since", "reason") if c in frame.columns]
    records = frame[keep].sort_values(["id_type", "id_value"]).to_dict("records")
    return [_plain({str(k): v for k, v in r.items()}) for r in records]


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready values: ISO times, None for missing, Python numbers for NumPy scalars."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, pd.Timestamp | datetime):
            out[key] = value.isoformat()
        elif _isna(value):
            out[key] = None
        else:
            out[key] = value.item() if isinstance(value, np.generic) else value
    return out


def _isna(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def profile(
    store: Store,
    customer_id: str,
    *,
    as_of: datetime | None = None,
    policy: TraitPolicy | None = None,
    identity: pa.Table | None = None,
    computed: tuple[ComputedTrait, ...] | None = None,
) -> dict[str, Any]:
    """Everything known about one customer: identifiers, traits with provenance, computed traits.

    Args:
        store: The warehouse.
        customer_id: The customer.
        as_of: Cut-off for computed traits (now by default).
        policy: Trait merge strategies.
        identity: The customer's ``identity_map`` rows to use instead of the warehouse's (the
            server passes its real-time identity graph's, which may be ahead of the warehouse).
        computed: Computed traits to compute (default: vantage.toml's, else the defaults).
    """
    from vantage.services.enrichment import customer_enrichment

    _require_identity_map(store)
    if identity is None:
        ids = store.table(IDENTITY_MAP)
        identifiers = _identifiers(store, customer_id, ids)
    else:
        ids = ibis.memtable(identity)
        identifiers = _identifier_rows(identity.to_pandas(), customer_id)
    mine = ids.filter(ids.customer_id == customer_id)
    # One query for the customer's events; traits are evaluated from them in Python (compiling
    # the warehouse-wide Ibis expressions per request would cost far more than the query).
    rows = store.execute(
        customer_events(store.table("events"), mine).select(
            "customer_id", "seq", "timestamp", "type", "event", "source", "payload"
        )
    ).sort_values("seq", ascending=False)
    calls = rows[rows["type"].isin(["identify", "group"])]
    merged = merge_traits(long_traits(calls.sort_values("seq").itertuples(index=False)), policy)
    traits = {
        str(row["trait"]): {
            "value": orjson.loads(str(row["value"])),
            "source": row["source"],
            "updated_at": pd.Timestamp(row["updated_at"]).isoformat(),
            "strategy": row["strategy"],
            "pii": bool(row["pii"]),
        }
        for row in merged.to_dict("records")
    }
    cutoff = as_of or datetime.now(UTC)
    declared = load_computed_traits() if computed is None else computed
    events = [
        CustomerEvent.from_row(*values)
        for values in rows[["seq", "timestamp", "type", "event", "payload"]].itertuples(
            index=False, name=None
        )
    ]
    values = _plain(evaluate_traits(declared, events, cutoff))
    plain_traits = {name: t["value"] for name, t in traits.items()}
    return {
        "customer_id": customer_id,
        "identifiers": identifiers,
        "traits": traits,
        "computed_traits": values,
        "computed_as_of": cutoff.isoformat(),
        "consent": _consent(store, customer_id, ids),
        "enrichment": customer_enrichment(plain_traits, (e.message for e in events)),
        "predictions": _predictions(store, customer_id),
        "text": _text_traits(store, customer_id, cutoff),
    }


def _text_traits(store: Store, customer_id: str, cutoff: datetime) -> dict[str, Any]:
    """Sentiment and complaint traits from the scored texts (after ``vantage nlp score``)."""
    from vantage.services.nlp_text_batch import SCORES_TABLE, profile_traits

    if not store.has_table(SCORES_TABLE):
        return {}
    table = store.table(SCORES_TABLE)
    rows = store.execute(table.filter(table.customer_id == customer_id))
    long = profile_traits(rows, as_of=cutoff)
    return {
        str(t): _plain({"v": v})["v"] for t, v in zip(long["trait"], long["value"], strict=True)
    }


def _predictions(store: Store, customer_id: str) -> list[dict[str, Any]]:
    """The latest score of every model for the customer (none before a model was trained)."""
    from vantage.services.models import read_predictions
    from vantage.store.migrations import PREDICTIONS_TABLE

    if not store.has_table(PREDICTIONS_TABLE):
        return []
    return read_predictions(store, customer_id)


def _consent(store: Store, customer_id: str, ids: ir.Table) -> dict[str, bool]:
    """The customer's current decision per purpose (purposes never decided are absent)."""
    from vantage.profiles.consent_ledger import ConsentLedger

    if not store.has_table("consent_ledger"):
        return {}
    states = ConsentLedger(store).customer_states(ids.filter(ids.customer_id == customer_id))
    return {str(k): bool(v) for k, v in states.get(customer_id, {}).items()}


def timeline(
    store: Store, customer_id: str, *, limit: int = 50, before_seq: int | None = None
) -> dict[str, Any]:
    """The customer's events, newest first, a page at a time.

    Returns:
        ``events`` (seq, time, source, type, event, message) and ``next_before_seq`` to pass back
        for the next page (None on the last page).
    """
    _require_identity_map(store)
    ids = store.table(IDENTITY_MAP)
    rows = customer_events(store.table("events"), ids.filter(ids.customer_id == customer_id))
    if before_seq is not None:
        rows = rows.filter(rows.seq < before_seq)
    page = store.execute(
        rows.order_by(rows.seq.desc())
        .limit(limit + 1)
        .select("seq", "timestamp", "source", "type", "event", "payload")
    )
    more = len(page) > limit
    page = page.head(limit)
    events = [
        {
            "seq": int(str(r["seq"])),
            "timestamp": pd.Timestamp(r["timestamp"]).isoformat(),
            "source": r["source"],
            "type": r["type"],
            "event": None if _isna(r["event"]) else r["event"],
            "message": orjson.loads(str(r["payload"])),
        }
        for r in page.to_dict("records")
    ]
    return {"events": events, "next_before_seq": events[-1]["seq"] if more else None}
