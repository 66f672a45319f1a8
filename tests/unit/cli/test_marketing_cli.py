"""``vantage attribution`` and ``vantage mmm optimise`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vantage.cli.main import app
from vantage.services.context import ServiceContext
from vantage.services.events import compact_and_sync
from vantage.services.identity import rebuild
from vantage.services.marketing import save_mmm
from vantage.solutions.mmm import simulate_mmm

from .cli_process import ok_json

runner = CliRunner()


def with_journeys() -> None:
    ctx = ServiceContext()
    ctx.workspace.init()
    messages = [
        {
            "type": "track",
            "event": "Ad Clicked",
            "anonymousId": "d1",
            "messageId": f"m{i}",
            "timestamp": f"2025-03-0{i + 1}T10:00:00Z",
            "properties": {"channel": channel},
        }
        for i, channel in enumerate(["social", "paid_search"])
    ]
    messages.append(
        {
            "type": "track",
            "event": "Order Completed",
            "anonymousId": "d1",
            "messageId": "m9",
            "timestamp": "2025-03-04T10:00:00Z",
            "properties": {"revenue": 40.0},
        }
    )
    ctx.log.append([ctx.ingestor.prepare("web", messages)])
    compact_and_sync(ctx)
    rebuild(ctx)


@pytest.mark.slow
def test_attribution_as_a_real_subprocess(home: Path) -> None:
    with_journeys()
    out = ok_json(home, "attribution", "--model", "last-touch", "--model", "linear")
    assert out["models"] == ["last-touch", "linear"]
    credit = {c["channel"]: c for c in out["channels"]}
    assert credit["paid_search"]["last-touch"] == 1.0
    assert credit["social"]["linear"] == 0.5
    table = runner.invoke(app, ["attribution", "-m", "markov"])
    assert table.exit_code == 0 and "paid_search" in table.stdout


def test_unknown_model_is_a_friendly_error(home: Path) -> None:
    with_journeys()
    done = runner.invoke(app, ["attribution", "--model", "magic"])
    assert done.exit_code != 0
    assert "Unknown attribution model 'magic'" in done.stderr


@pytest.mark.slow
def test_optimise_prints_the_plan_and_names_bad_bounds(home: Path) -> None:
    ctx = ServiceContext()
    sim = simulate_mmm(weeks=40)
    spend = sim.data[sim.truth.channels].to_numpy()
    summary = {
        "computed_at": "x",
        "method": "truth",
        "draws": 1,
        "weeks": 40,
        "contributions": [
            {"channel": c, "mean": 1.0, "lo": 1.0, "hi": 1.0} for c in sim.truth.channels
        ],
        "roi": [],
        "sales": sim.data["sales"].tolist(),
    }
    save_mmm(ctx, sim.truth, spend[-13:].mean(0), spend.max(0), summary)
    done = runner.invoke(app, ["mmm", "optimise", "--budget", "6000", "--json"])
    assert done.exit_code == 0, done.stderr
    plan = json.loads(done.stdout)
    assert abs(sum(c["recommended"] for c in plan["channels"]) - 6000.0) < 1e-6
    assert len(plan["charts"]) == 6
    text = runner.invoke(app, ["mmm", "optimise", "--bounds", "tv=1000:2000"])
    assert text.exit_code == 0 and "uplift" in text.stdout
    bad = runner.invoke(app, ["mmm", "optimise", "--bounds", "tv=cheap"])
    assert bad.exit_code != 0 and "is not channel=low:high" in bad.stderr


def test_optimise_before_fit_says_what_to_run(home: Path) -> None:
    ServiceContext().workspace.init()
    done = runner.invoke(app, ["mmm", "optimise"])
    assert done.exit_code != 0 and "vantage mmm fit" in done.stderr


@pytest.mark.slow
def test_mmm_fit_prints_contributions_and_warnings(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fit command end to end in-process, with the sampler replaced by fixed draws."""
    import numpy as np
    import xarray as xr

    from vantage.services import marketing
    from vantage.solutions.mmm.model import MarketingMixModel

    ServiceContext().workspace.init()
    sim = simulate_mmm(weeks=40, seed=5)
    truth = sim.truth
    monkeypatch.setattr(
        marketing, "weekly_data", lambda ctx: sim.data.rename(columns={"promo": "peak"})
    )

    def fake_sample(self: MarketingMixModel, frame: object) -> object:
        def draws(values: np.ndarray) -> xr.DataArray:
            return xr.DataArray(
                np.broadcast_to(values, (2, 3, 3)).copy(), dims=("chain", "draw", "channel")
            )

        names = {"adstock_alpha": truth.alpha, "saturation_lam": truth.lam}
        posterior = xr.Dataset(
            {**{k: draws(v) for k, v in names.items()}, "saturation_beta": draws(truth.beta * 80)}
        )
        return posterior, (truth.channel_scale, truth.target_scale)

    monkeypatch.setattr(MarketingMixModel, "_sample", fake_sample)
    monkeypatch.setattr("vantage.solutions.mmm.model._max_rhat", lambda posterior: 1.0)
    done = runner.invoke(app, ["mmm", "fit"])
    assert done.exit_code == 0, done.stderr
    assert "Channel contributions over 40 weeks" in done.stdout
    assert "exceed total sales" in done.stdout
    assert (home / "marketing" / "charts" / "response_curves.png").exists()
