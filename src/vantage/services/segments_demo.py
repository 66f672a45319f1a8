"""The ``segments`` step of ``vantage demo``: saves the example segments shipped in the package.

The definitions are YAML files in ``vantage/segments/data``: a real-time trait segment, one on a
prediction and consent, a browse-without-buying sequence, a lapsed-spender segment and one on
an imported profile trait (the CRM's ``preferred_store``).
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from vantage.segments.spec import SegmentSpec, load_spec
from vantage.services.segments import create_segment
from vantage.services.segments_profile import refresh_traits


def example_specs() -> list[SegmentSpec]:
    """The example segment definitions shipped with Vantage, sorted by file name."""
    folder = resources.files("vantage.segments") / "data"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".yml")), key=lambda f: f.name)
    return [load_spec(f.read_text()) for f in files]


def demo_segments_step(run: Any) -> str:
    """A ``vantage demo`` step: create the example segments and report their sizes.

    Needs the ``models`` step before it (one segment uses ``propensity_30d``); stores the sizes
    in ``run.facts["segments"]``. Profile traits are refreshed first (the demo rebuilds
    identities after its sync, so imported traits resolve to customers only now).
    """
    refresh_traits(run.ctx)
    sizes: dict[str, int] = {}
    for spec in example_specs():
        saved = create_segment(run.ctx, spec, replace=True)
        sizes[spec.name] = int(saved["size"])
    run.facts["segments"] = sizes
    return ", ".join(f"{name} {size:,}" for name, size in sizes.items())
