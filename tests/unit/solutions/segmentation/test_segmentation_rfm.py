"""RFM table, quintile scores and the named segment grid."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vantage.solutions.segmentation import (
    SEGMENTS,
    RFMSegmenter,
    rfm_table,
    segment_for,
    segment_summary,
)


def orders(n_customers: int = 200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(n_customers):
        for _ in range(1 + rng.poisson(c / 40)):
            day = rng.uniform(0, 365) if c % 3 else rng.uniform(300, 365)
            rows.append(
                (f"c{c}", pd.Timestamp("2025-01-01", tz="UTC") + pd.Timedelta(days=day), 10 + c)
            )
    return pd.DataFrame(rows, columns=["customer_id", "ts", "amount"])


def test_every_cell_of_the_grid_has_exactly_one_segment() -> None:
    cells = [(r, f) for r in range(1, 6) for f in range(1, 6)]
    names = [segment_for(r, f) for r, f in cells]
    assert {s.name for s in SEGMENTS} == set(names)
    assert segment_for(5, 5) == "champions" and segment_for(1, 1) == "hibernating"
    assert segment_for(1, 4) == "at_risk" and segment_for(4, 5) == "loyal"
    for segment in SEGMENTS:
        owned = [c for c in cells if c[0] in segment.recency and c[1] in segment.frequency]
        assert owned, segment.name
        assert all(segment_for(*c) == segment.name for c in owned)
    with pytest.raises(ValueError, match="scores must be 1-5"):
        segment_for(0, 3)


def test_rfm_table_ignores_orders_after_the_cutoff() -> None:
    frame = orders()
    cutoff = pd.Timestamp("2025-07-01", tz="UTC")
    table = rfm_table(frame, as_of=cutoff)
    later = pd.DataFrame(
        {"customer_id": ["c1", "new"], "ts": [cutoff + pd.Timedelta(days=1)] * 2, "amount": 1e6}
    )
    pd.testing.assert_frame_equal(
        rfm_table(pd.concat([frame, later]), as_of=cutoff), table, check_dtype=False
    )
    one = frame[(frame.customer_id == "c5") & (frame.ts <= cutoff)]
    assert table.loc["c5", "frequency"] == len(one)
    assert table.loc["c5", "recency_days"] == pytest.approx(
        (cutoff - one.ts.max()).total_seconds() / 86400
    )
    assert table.loc["c5", "monetary"] == pytest.approx(one.amount.mean())


def test_scores_follow_quintiles_and_best_customers_are_champions() -> None:
    table = rfm_table(orders())
    scored = RFMSegmenter().fit_transform(table)
    assert set(scored.r) <= {1, 2, 3, 4, 5} and scored.r.nunique() == 5
    by_recency = scored.sort_values("recency_days")
    assert by_recency.r.iloc[0] == 5 and by_recency.r.iloc[-1] == 1
    assert scored.sort_values("frequency").f.iloc[-1] == 5
    # a customer with the highest score on both is a champion
    best = scored[(scored.r == 5) & (scored.f >= 4)]
    assert (best.segment == "champions").all() and len(best) > 0
    assert scored.rfm.str.len().eq(3).all()
    summary = segment_summary(scored)
    assert summary.customers.sum() == len(scored)
    assert summary.share.sum() == pytest.approx(1.0)
    assert summary.description.str.len().gt(0).all()


def test_ties_share_the_lower_frequency_score() -> None:
    table = pd.DataFrame(
        {"recency_days": np.arange(10.0), "frequency": [1] * 7 + [2, 3, 4], "monetary": 1.0}
    )
    scored = RFMSegmenter().fit_transform(table)
    assert (scored.f[:7] == 1).all() and scored.f.iloc[-1] == 5


def test_clear_errors() -> None:
    with pytest.raises(ValueError, match="lack column"):
        rfm_table(pd.DataFrame({"customer_id": [1]}))
    with pytest.raises(ValueError, match="no order on or before"):
        rfm_table(orders(), as_of="2000-01-01")
    with pytest.raises(ValueError, match="bins must be 5"):
        RFMSegmenter(bins=4).fit(rfm_table(orders()))
    with pytest.raises(ValueError, match="not fitted"):
        RFMSegmenter().transform(rfm_table(orders()))
    with pytest.raises(ValueError, match="non-empty rfm_table"):
        RFMSegmenter().fit(pd.DataFrame({"frequency": [1]}))
