"""The demo's activate step, through a real embedded collection API and a local receiver."""

from __future__ import annotations

from pathlib import Path

from vantage.cli.embedded import collection_api
from vantage.services.activation_demo import demo_activate_step
from vantage.services.context import ServiceContext
from vantage.services.demo import DemoRun, default_pipeline


def test_activate_step_follows_segments_in_the_demo() -> None:
    names = [s.name for s in default_pipeline().steps]
    assert names.index("activate") == names.index("segments") + 1


def test_activate_step_delivers_only_with_consent(home: Path, tmp_path: Path) -> None:
    ctx = ServiceContext()
    ctx.workspace.init()
    with collection_api(ctx.settings) as url:
        run = DemoRun(ctx=ctx, customers=0, seed=1, api_url=url, out_dir=tmp_path / "out")
        summary = demo_activate_step(run)
    # 8 customers, 6 consented to e-mail: one big order each reaches the webhook.
    assert run.facts["activation"] == {"delivered": {"demo-big-order": 6}, "blocked": 2}
    assert "6 x demo-big-order" in summary and "2 blocked" in summary
    assert (home / "activate" / "actions.yml").is_file()
