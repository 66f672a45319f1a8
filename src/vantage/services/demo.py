"""``vantage demo``: a pipeline of named steps that builds a realistic workspace end to end.

The generator writes what a retailer would have (web and app events, a CRM export, point-of-sale
files, chats and reviews, touchpoints, spend, footfall); the steps then send the events through
the real HTTP collection API, import the files through the importers, load plain tables into the
warehouse, compact the lake and sync the warehouse. Later capabilities add their own steps with
:meth:`DemoPipeline.add`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from vantage.services.context import ServiceContext

StepFunc = Callable[["DemoRun"], str]
Notify = Callable[[str, str], None]


@dataclass
class DemoRun:
    """State shared by the steps of one demo run."""

    ctx: ServiceContext
    customers: int
    seed: int
    api_url: str | None
    out_dir: Path
    manifest: Any = None
    facts: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoStep:
    """A named step; ``run`` returns a one-line summary."""

    name: str
    run: StepFunc


@dataclass
class DemoReport:
    """What the demo did, step by step, with the figures it measured."""

    steps: list[tuple[str, str, float]]
    facts: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "steps": [{"name": n, "summary": s, "seconds": round(t, 3)} for n, s, t in self.steps],
            **self.facts,
        }


class DemoPipeline:
    """An ordered list of demo steps."""

    def __init__(self, steps: list[DemoStep] | None = None) -> None:
        self.steps: list[DemoStep] = list(steps or [])

    def add(self, step: DemoStep, *, after: str | None = None) -> DemoPipeline:
        """Add a step at the end, or right after the step named ``after``."""
        if after is None:
            self.steps.append(step)
            return self
        names = [s.name for s in self.steps]
        if after not in names:
            raise ValueError(f"no demo step named {after!r}; steps are {names}")
        self.steps.insert(names.index(after) + 1, step)
        return self

    def run(self, run: DemoRun, on_step: Notify | None = None) -> DemoReport:
        """Run every step in order, reporting each as it finishes."""
        done: list[tuple[str, str, float]] = []
        for step in self.steps:
            if on_step:
                on_step(step.name, "...")
            started = time.perf_counter()
            summary = step.run(run)
            elapsed = time.perf_counter() - started
            run.timings[step.name] = elapsed
            done.append((step.name, summary, elapsed))
            if on_step:
                on_step(step.name, f"{summary} ({elapsed:.1f} s)")
        return DemoReport(done, run.facts)


def default_pipeline() -> DemoPipeline:
    """The foundation's demo steps."""
    from vantage.services import demo_steps as s
    from vantage.services.activation_demo import demo_activate_step
    from vantage.services.analytics import demo_models_step
    from vantage.services.assistant_demo import demo_assistant_step
    from vantage.services.segments_demo import demo_segments_step

    return DemoPipeline(
        [
            DemoStep("init", s.init_workspace),
            DemoStep("generate", s.generate_data),
            DemoStep("collect-api", s.send_api_events),
            DemoStep("import-files", s.import_files),
            DemoStep("load-tables", s.load_tables),
            DemoStep("compact-sync", s.compact_and_sync),
            DemoStep("identity", s.resolve_identities),
            DemoStep("texts", s.score_texts),
            DemoStep("models", demo_models_step),
            DemoStep("segments", demo_segments_step),
            DemoStep("activate", demo_activate_step),
            DemoStep("assistant", demo_assistant_step),
            DemoStep("summarise", s.summarise),
        ]
    )


def demo_input_dir(ctx: ServiceContext) -> Path:
    """Where the generator writes the retailer's files and the ground truth.

    Beside the data directory, never inside it: these are the company's own exports (and the
    evaluation truth), not Vantage's data, so erasing a person from ``VANTAGE_HOME`` does not
    reach them, exactly as it would not reach a CRM export on a file share.
    """
    home = Path(ctx.settings.home).resolve()
    return home.parent / f"{home.name.lstrip('.') or 'vantage'}-demo-input"


def run_demo(
    ctx: ServiceContext,
    *,
    customers: int = 20_000,
    seed: int = 42,
    api_url: str | None = None,
    pipeline: DemoPipeline | None = None,
    on_step: Notify | None = None,
) -> DemoReport:
    """Build the demo workspace in ``ctx``'s data directory.

    Args:
        ctx: Services for the data directory.
        customers: People to generate.
        seed: Generator seed (same seed, same data).
        api_url: Base URL of a running collection API for this data directory; without one the
            API step posts nothing and the events go through the importer instead.
        pipeline: Steps to run (default: :func:`default_pipeline`).
        on_step: Called with (step name, message) as steps start and finish.
    """
    run = DemoRun(
        ctx=ctx,
        customers=customers,
        seed=seed,
        api_url=api_url,
        out_dir=demo_input_dir(ctx),
    )
    return (pipeline or default_pipeline()).run(run, on_step)


def render(report: DemoReport, console: Console) -> None:
    """Print the demo summary as tables."""
    from rich.table import Table

    per_source = report.facts.get("events_per_source", {})
    table = Table(title="Events stored per source", title_justify="left")
    table.add_column("source")
    table.add_column("events", justify="right")
    for source, n in sorted(per_source.items()):
        table.add_row(source, f"{n:,}")
    console.print(table)
    facts = Table(title="Demo run", title_justify="left", show_header=False)
    facts.add_column("what")
    facts.add_column("value", justify="right")
    keys = (
        "customers",
        "events_stored",
        "events_failed",
        "api_events_per_s",
        "raw_identifiers",
        "customers_resolved",
        "matches_to_review",
        "tables",
    )
    for key in keys:
        if key in report.facts:
            value = report.facts[key]
            facts.add_row(
                key.replace("_", " "),
                f"{value:,.0f}" if isinstance(value, int | float) else str(value),
            )
    console.print(facts)
