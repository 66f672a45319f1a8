"""Marketing services on a tiny hand-made workspace: journeys across devices, results, plans."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vantage.core.errors import VantageError
from vantage.services import marketing, marketing_charts
from vantage.services.context import ServiceContext
from vantage.services.events import compact_and_sync
from vantage.services.identity import rebuild
from vantage.services.marketing_data import MarketingDataError
from vantage.services.warehouse import open_warehouse
from vantage.solutions.mmm import simulate_mmm


def click(message_id: str, anon: str, ts: str, channel: str) -> dict[str, object]:
    return {
        "type": "track",
        "event": "Ad Clicked",
        "anonymousId": anon,
        "messageId": message_id,
        "timestamp": ts,
        "properties": {"channel": channel},
    }


def order(message_id: str, ts: str, revenue: float, **ids: str) -> dict[str, object]:
    return {
        "type": "track",
        "event": "Order Completed",
        "messageId": message_id,
        "timestamp": ts,
        "properties": {"revenue": revenue},
        **ids,
    }


def workspace(home: Path) -> ServiceContext:
    """Ann clicks social on her phone, logs in there, and buys on her laptop a day later."""
    ctx = ServiceContext()
    ctx.workspace.init()
    messages = [
        click("m1", "phone-a", "2025-03-03T10:00:00Z", "social"),
        {
            "type": "identify",
            "userId": "ann",
            "anonymousId": "phone-a",
            "messageId": "m2",
            "timestamp": "2025-03-03T10:05:00Z",
        },
        click("m3", "laptop-a", "2025-03-04T09:00:00Z", "paid_search"),
        order("m4", "2025-03-04T09:10:00Z", 80.0, userId="ann", anonymousId="laptop-a"),
        click("m5", "phone-b", "2025-03-05T12:00:00Z", "display"),
        order("m6", "2025-03-10T12:00:00Z", 20.0, anonymousId="phone-c"),
    ]
    ctx.log.append([ctx.ingestor.prepare("web", messages)])
    compact_and_sync(ctx)
    rebuild(ctx)
    return ctx


def test_identity_resolution_joins_a_phone_click_to_a_laptop_order(home: Path) -> None:
    ctx = workspace(home)
    resolved, conversions = marketing.journeys(ctx)
    assert conversions == 2
    converted = resolved[resolved["conversions"] > 0]
    assert [tuple(p) for p in converted["path"]] == [("social", "paid_search")]
    assert converted["value"].tolist() == [80.0]
    per_device, _ = marketing.journeys(ctx, resolve_identities=False)
    assert [tuple(p) for p in per_device[per_device["conversions"] > 0]["path"]] == [
        ("paid_search",)
    ]


def test_attribution_is_saved_for_the_api_and_adds_up(home: Path) -> None:
    ctx = workspace(home)
    with pytest.raises(marketing.MarketingResultMissingError, match="No attribution result"):
        marketing.load_attribution(ctx)
    report = marketing.run_attribution(ctx, ["first-touch", "markov"])
    assert report.table.loc["social", "first-touch"] == 1.0
    assert report.table["markov"].sum() == pytest.approx(1.0)
    saved = marketing.load_attribution(ctx)
    assert saved["models"] == ["first-touch", "markov"]
    assert saved["identity_resolved"] is True
    assert {c["channel"] for c in saved["channels"]} == {"social", "paid_search", "display"}


def test_weekly_data_joins_spend_and_sales_by_week(home: Path) -> None:
    ctx = workspace(home)
    with pytest.raises(MarketingDataError, match="no 'campaign_spend' table"):
        marketing.weekly_data(ctx)
    spend = pd.DataFrame(
        {
            "week_start": pd.to_datetime(["2025-03-03", "2025-03-03", "2025-03-10"]).date,
            "channel": ["social", "paid_search", "social"],
            "spend_gbp": [10.0, 5.0, 7.0],
        }
    )
    with open_warehouse(ctx.settings) as store:
        store.create_table("campaign_spend", spend)
    weekly = marketing.weekly_data(ctx)
    assert weekly["sales"].tolist() == [80.0, 20.0]
    assert weekly["social"].tolist() == [10.0, 7.0]
    assert weekly["paid_search"].tolist() == [5.0, 0.0]
    assert weekly["peak"].tolist() == [0.0, 0.0]


def saved_truth(ctx: ServiceContext) -> np.ndarray:
    sim = simulate_mmm(weeks=60, seed=2)
    spend = sim.data[sim.truth.channels].to_numpy()
    summary = {
        "computed_at": "2025-01-01T00:00:00+00:00",
        "method": "truth",
        "draws": 1,
        "weeks": 60,
        "contributions": [
            {"channel": c, "mean": float(v), "lo": float(v), "hi": float(v)}
            for c, v in sim.contributions.items()
        ],
        "roi": [
            {"channel": c, "mean": float(v), "lo": float(v), "hi": float(v)}
            for c, v in sim.roi.items()
        ],
        "sales": sim.data["sales"].tolist(),
    }
    marketing.save_mmm(ctx, sim.truth, spend[-13:].mean(0), spend.max(0), summary)
    return spend[-13:].mean(0)


@pytest.mark.slow
def test_optimise_uses_the_saved_curves_and_charts_follow(home: Path) -> None:
    ctx = ServiceContext()
    with pytest.raises(marketing.MarketingResultMissingError, match="No fitted marketing-mix"):
        marketing.optimise(ctx, 1000.0)
    current = saved_truth(ctx)
    plan = marketing.optimise(ctx, bounds=marketing.parse_bounds(["tv=0:5000"]))
    assert plan.recommended.sum() == pytest.approx(current.sum())
    assert plan.uplift[0] >= 0
    assert json.loads((home / "marketing" / "budget.json").read_text())["weeks"] == 13
    paths = marketing_charts.write_charts(ctx)
    assert sorted(p.name for p in paths) == [
        "budget.html",
        "budget.png",
        "contribution_waterfall.html",
        "contribution_waterfall.png",
        "response_curves.html",
        "response_curves.png",
    ]
    assert all(p.stat().st_size > 1000 for p in paths)


def test_bad_bounds_are_named(home: Path) -> None:
    ctx = ServiceContext()
    saved_truth(ctx)
    with pytest.raises(VantageError, match="The bound 'tv=lots' is not channel=low:high"):
        marketing.parse_bounds(["tv=lots"])
    with pytest.raises(VantageError, match="unknown channel 'radio'"):
        marketing.optimise(ctx, 100.0, {"radio": (0.0, 10.0)})
    with pytest.raises(VantageError, match="cannot be split within the bounds"):
        marketing.optimise(ctx, 100.0, {"tv": (500.0, 600.0)})


def test_fit_mmm_keeps_the_posterior_and_its_summary(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The glue around the sampler, with the sampler replaced by the true parameters."""
    import xarray as xr

    from vantage.solutions.mmm.model import MarketingMixModel

    sim = simulate_mmm(weeks=40, seed=4)
    truth = sim.truth

    def fake_sample(self: MarketingMixModel, frame: pd.DataFrame) -> object:
        def draws(values: np.ndarray) -> xr.DataArray:
            return xr.DataArray(
                np.broadcast_to(values, (2, 5, 3)).copy(), dims=("chain", "draw", "channel")
            )

        posterior = xr.Dataset(
            {
                "adstock_alpha": draws(truth.alpha),
                "saturation_lam": draws(truth.lam),
                "saturation_beta": draws(truth.beta),
            }
        )
        return posterior, (truth.channel_scale, truth.target_scale)

    monkeypatch.setattr(MarketingMixModel, "_sample", fake_sample)
    monkeypatch.setattr("vantage.solutions.mmm.model._max_rhat", lambda posterior: 1.0)
    ctx = ServiceContext()
    summary = marketing.fit_mmm(ctx, data=sim.data, controls=["promo"])
    got = {r["channel"]: r["mean"] for r in summary["contributions"]}
    assert got == pytest.approx(sim.contributions.to_dict())
    roi = {r["channel"]: r["mean"] for r in summary["roi"]}
    assert roi == pytest.approx(sim.roi.to_dict())
    assert summary["max_rhat"] == 1.0 and summary["draws"] == 10
    assert summary["warnings"] == []
    response, spend, saved = marketing.load_mmm(ctx)
    assert response.channels == ["tv", "search", "social"]
    np.testing.assert_allclose(spend["max"], truth.channel_scale)
    assert saved["weeks"] == 40
