"""The workspace manifest: every file of a generated demo workspace and how to load it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

FileKind = Literal["api", "import", "table"]
MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class WorkspaceFile:
    """One file of the workspace.

    Attributes:
        path: Path relative to the ``workspace`` folder.
        kind: ``api`` (Segment JSON Lines to POST to ``/v1/batch`` or ``/v1/import``),
            ``import`` (a file for the importer, with ``mapping``) or ``table`` (a plain CSV table
            to load into the warehouse as it is, named after the file's stem).
        source: Name of the source the data comes from.
        rows: Messages (``api``) or data rows (``import``, ``table``).
        mapping: The importer mapping YAML, relative to the workspace folder, for ``import``.
        description: What the file holds.
    """

    path: str
    kind: FileKind
    source: str
    rows: int
    mapping: str | None = None
    description: str = ""


@dataclass
class DemoManifest:
    """What :func:`vantage.datasets.demo.generate` wrote.

    Attributes:
        seed: Generator seed.
        customers: Number of generated customers.
        start: First day of the period.
        end: Last day of the period.
        files: The workspace files (never the ground truth, which lives in ``truth/``).
        out_dir: The folder holding ``workspace/`` and ``truth/`` (not written to the JSON).
    """

    seed: int
    customers: int
    start: date
    end: date
    files: list[WorkspaceFile] = field(default_factory=list)
    out_dir: Path | None = None

    @property
    def workspace(self) -> Path:
        """The workspace folder."""
        if self.out_dir is None:
            raise ValueError("this manifest was not written to a folder")
        return self.out_dir / "workspace"

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as written to ``workspace/manifest.json``."""
        return {
            "generator": "vantage.datasets.demo",
            "seed": self.seed,
            "customers": self.customers,
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "files": [asdict(f) for f in self.files],
        }

    def write(self, workspace: Path) -> Path:
        """Write ``manifest.json`` into the workspace folder; return its path."""
        path = workspace / MANIFEST_NAME
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        return path

    @classmethod
    def read(cls, workspace: Path) -> DemoManifest:
        """Read a workspace's ``manifest.json`` back."""
        data = json.loads((workspace / MANIFEST_NAME).read_text(encoding="utf-8"))
        return cls(
            seed=data["seed"],
            customers=data["customers"],
            start=date.fromisoformat(data["period"]["start"]),
            end=date.fromisoformat(data["period"]["end"]),
            files=[WorkspaceFile(**f) for f in data["files"]],
            out_dir=workspace.parent,
        )
