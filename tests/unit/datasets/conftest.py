"""A tiny hand-made data set for registry tests (no shared data needed)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest

from vantage.datasets.loaders import read_csv
from vantage.datasets.specs import DatasetSpec, FileSpec, TableSpec


@dataclass(frozen=True)
class Tiny:
    """Two CSV files in ``group/tiny``: ``rows.csv`` and ``sub/other.csv``."""

    rows: str = "id,value\n1,10\n2,20\n3,30\n"
    other: str = "id,label\n1,a\n2,b\n"

    def spec(
        self, base_url: str = "http://127.0.0.1:9/", repackaged: str | None = None
    ) -> DatasetSpec:
        """The data set, its files served from ``base_url`` (default: a closed port)."""

        def digest(text: str) -> str:
            return hashlib.sha256(text.encode()).hexdigest()

        return DatasetSpec(
            name="tiny",
            title="Tiny test data",
            licence="CC0",
            folder="group/tiny",
            source="example/tiny@0000000",
            origin="tests",
            files=(
                FileSpec("rows.csv", digest(self.rows), f"{base_url}rows.csv", repackaged),
                FileSpec("sub/other.csv", digest(self.other), f"{base_url}sub/other.csv"),
            ),
            tables={
                "rows": TableSpec(3, partial(read_csv, file="rows.csv"), "id, value"),
                "other": TableSpec(2, partial(read_csv, file="sub/other.csv"), "id, label"),
            },
            default_table="rows",
        )

    def write(self, root: Path, rows: str | None = None, other: str | None = "") -> Path:
        """Write the files under ``root/group/tiny`` (``other=None`` leaves one out)."""
        folder = root / "group" / "tiny"
        (folder / "sub").mkdir(parents=True, exist_ok=True)
        (folder / "rows.csv").write_text(self.rows if rows is None else rows)
        if other is not None:
            (folder / "sub" / "other.csv").write_text(other or self.other)
        return folder


@pytest.fixture
def tiny() -> Tiny:
    """The tiny data set."""
    return Tiny()
