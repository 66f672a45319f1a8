"""Computed traits give the same answer on every warehouse backend."""

from __future__ import annotations

import pytest

from profile_samples import AS_OF, load_sample
from vantage.profiles.computed import DEFAULT_TRAITS, computed_traits
from vantage.store.warehouse import IbisStore


def test_default_traits_on_every_backend(store: IbisStore) -> None:
    load_sample(store)
    expr = computed_traits(store, as_of=AS_OF)
    out = store.execute(expr).set_index("customer_id").sort_index()
    assert [t.name for t in DEFAULT_TRAITS] == [c for c in out.columns]
    assert list(out.index) == ["c1", "c2"]
    assert out.loc["c1", "orders"] == 2 and out.loc["c1", "orders_30d"] == 1
    assert out.loc["c1", "revenue"] == pytest.approx(40.0)
    assert out.loc["c1", "average_order_value"] == pytest.approx(20.0)
    assert out.loc["c1", "days_since_last_order"] == 20
    assert out.loc["c1", "favourite_category"] == "hats"
    assert out.loc["c1", "page_views_30d"] == 1
    assert out.loc["c2", "events_total"] == 1


def test_json_text_reads_any_scalar_at_a_path(store: IbisStore) -> None:
    import pandas as pd

    docs = [
        '{"properties": {"revenue": 10.5, "ok": true, "name": "shoes", "a b": "x", "p": {"c": 3}}}',
        '{"properties": {}}',
    ]
    store.create_table("docs", pd.DataFrame({"i": [0, 1], "payload": docs}))
    t = store.table("docs")
    out = store.execute(
        t.select(
            t.i,
            revenue=store.json_text(t.payload, ["properties", "revenue"]),
            ok=store.json_text(t.payload, ["properties", "ok"]),
            name=store.json_text(t.payload, ["properties", "name"]),
            spaced=store.json_text(t.payload, ["properties", "a b"]),
            nested=store.json_text(t.payload, ["properties", "p", "c"]),
        ).order_by("i")
    )
    first, missing = out.to_dict("records")
    assert (first["revenue"], first["name"], first["spaced"], first["nested"]) == (
        "10.5",
        "shoes",
        "x",
        "3",
    )
    assert first["ok"] == "true"
    assert all(pd.isna(missing[k]) for k in ("revenue", "ok", "name", "spaced", "nested"))
