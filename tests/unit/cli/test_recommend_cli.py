"""``vantage rfm``, ``clusters``, ``recommend`` and ``uplift`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from vantage.cli.main import app
from vantage.services.context import ServiceContext
from vantage.services.warehouse import open_warehouse
from vantage.solutions.recommend.sample import load_sample_orders

from .cli_process import ok_json, vantage

runner = CliRunner()


def workspace() -> None:
    ctx = ServiceContext()
    ctx.workspace.init()
    with open_warehouse(ctx.settings) as store:
        load_sample_orders(store, customers=120)


@pytest.mark.slow
def test_rfm_and_clusters(home: Path) -> None:
    workspace()
    done = runner.invoke(app, ["rfm", "--as-of", "2025-06-30", "--json"])
    assert done.exit_code == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["customers"] == 120 and data["saved_to"] == "rfm_segments"
    done = runner.invoke(app, ["rfm", "--as-of", "2025-06-30", "--no-save"])
    assert done.exit_code == 0 and "champions" in done.stdout
    done = runner.invoke(app, ["clusters", "--k-max", "3", "--as-of", "2025-06-30"])
    assert done.exit_code == 0, done.stderr
    assert "silhouette" in done.stdout and "clusters of 120 customers" in done.stdout
    done = runner.invoke(app, ["clusters", "--criterion", "bic", "--as-of", "2025-06-30"])
    assert done.exit_code == 1 and "needs method='gmm'" in done.stderr


@pytest.mark.slow
def test_recommend_end_to_end_in_a_real_process(home: Path) -> None:
    workspace()
    found = ok_json(home, "recommend", "c1", "-n", "3")  # trains on first use
    assert found["customer_id"] == "c1" and len(found["items"]) == 3
    missing = vantage(home, "recommend", "nobody")
    assert missing.returncode == 1 and "No customer 'nobody'" in missing.stderr


def test_recommend_evaluate_product_and_usage(home: Path) -> None:
    workspace()
    done = runner.invoke(app, ["recommend", "--evaluate", "--json"])
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)[0]["model"] == "popularity"
    done = runner.invoke(app, ["recommend", "--product", "SKU-p02", "--json"])
    assert done.exit_code == 0 and json.loads(done.stdout)["product_id"] == "p02"
    done = runner.invoke(app, ["recommend", "c2"])
    assert done.exit_code == 0 and "personal" in done.stdout
    done = runner.invoke(app, ["recommend"])
    assert done.exit_code == 2 and "Give a CUSTOMER_ID or --product" in done.stdout


def test_uplift_evaluate_and_train(home: Path, tmp_path: Path) -> None:
    ServiceContext().workspace.init()
    rng = np.random.default_rng(0)
    n = 2000
    x = rng.uniform(size=n)
    arm = np.where(rng.uniform(size=n) < 0.5, "mail", "none")
    y = (rng.uniform(size=n) < 0.1 + 0.3 * (x > 0.5) * (arm == "mail")).astype(int)
    path = tmp_path / "exp.csv"
    pd.DataFrame({"x": x, "arm": arm, "visit": y}).to_csv(path, index=False)
    common = ["--data", str(path), "--treatment-col", "arm", "--treated", "mail"]
    common += ["--control", "none", "--outcome", "visit"]
    done = runner.invoke(app, ["uplift", "evaluate", *common, "--json"])
    assert done.exit_code == 0, done.stderr
    rows = {r["model"]: r for r in json.loads(done.stdout)}
    assert rows["x-learner"]["uplift@30%"] > rows["random"]["uplift@30%"]
    done = runner.invoke(app, ["uplift", "train", *common, "--model", "two-model", "--no-track"])
    assert done.exit_code == 0 and "Saved uplift" in done.stdout
    done = runner.invoke(app, ["uplift", "evaluate", "--data", str(tmp_path / "none.csv")])
    assert done.exit_code == 1 and "No experiment file" in done.stderr
