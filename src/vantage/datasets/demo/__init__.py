"""A generated, realistic multi-channel retailer for ``vantage demo`` and evaluations.

``generate(out_dir)`` writes what the company would have under ``out_dir/workspace`` (Segment
event files for the HTTP API, CSV and JSON Lines exports with their importer mappings, plain
tables, ``manifest.json``) and the ground truth under ``out_dir/truth``. See ``docs/datasets.md``.
"""

from vantage.datasets.demo.generate import default_period, generate
from vantage.datasets.demo.manifest import DemoManifest, WorkspaceFile

__all__ = ["DemoManifest", "WorkspaceFile", "default_period", "generate"]
