"""Generator behaviour: determinism, scaling, arguments, and its small building blocks."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from vantage.core.errors import DatasetError
from vantage.datasets.demo import DemoManifest, default_period, generate
from vantage.datasets.demo.calendar import Calendar, black_friday
from vantage.datasets.demo.crm import typo
from vantage.datasets.demo.messages import iso
from vantage.datasets.demo.rand import stream, uuids

SMALL = {"start": date(2024, 1, 1), "end": date(2024, 6, 30)}


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    generate(tmp_path / "a", customers=300, seed=5, **SMALL)
    generate(tmp_path / "b", customers=300, seed=5, **SMALL)
    generate(tmp_path / "c", customers=300, seed=6, **SMALL)
    a, b, c = (digests(tmp_path / x) for x in "abc")
    assert a == b
    assert len(a) > 20
    assert a["workspace/events/web.jsonl"] != c["workspace/events/web.jsonl"]


def test_regenerating_replaces_the_previous_output(tmp_path: Path) -> None:
    generate(tmp_path, customers=300, seed=5, **SMALL)
    stale = tmp_path / "workspace" / "old.csv"
    stale.write_text("x\n")
    generate(tmp_path, customers=300, seed=5, **SMALL)
    assert not stale.exists()


def test_size_scales_with_customers(tmp_path: Path) -> None:
    small = generate(tmp_path / "s", customers=300, seed=3, **SMALL)
    large = generate(tmp_path / "l", customers=1200, seed=3, **SMALL)

    def events(m: DemoManifest) -> int:
        return sum(f.rows for f in m.files if f.kind != "table")

    assert 3.0 < events(large) / events(small) < 5.0
    per_customer = events(large) / 1200
    assert 5 < per_customer < 30, "a few hundred thousand events for 20,000 customers"


def test_progress_reports_every_step(tmp_path: Path) -> None:
    seen: list[tuple[str, float]] = []
    generate(tmp_path, customers=100, seed=1, progress=lambda s, f: seen.append((s, f)), **SMALL)
    assert seen[0][0] == "people" and seen[-1] == ("truth", 1.0)
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions)


def test_too_few_customers_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"customers=10 is too few.*at least 50"):
        generate(tmp_path, customers=10)


def test_too_short_a_period_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"shorter than 56 days.*start at least"):
        generate(tmp_path, customers=100, start=date(2024, 1, 1), end=date(2024, 1, 31))


def test_default_period_is_two_years_to_yesterday() -> None:
    start, end = default_period(date(2025, 6, 15))
    assert end == date(2025, 6, 14)
    assert (end - start).days + 1 == 730


def test_calendar_helpers() -> None:
    assert black_friday(2024) == date(2024, 11, 29)
    assert black_friday(2023) == date(2023, 11, 24)
    cal = Calendar(date(2023, 1, 2), date(2024, 12, 29))
    season = cal.seasonality()
    assert season.mean() == pytest.approx(1.0)
    assert cal.week_starts()[0] == date(2023, 1, 2)
    assert cal.week_index(np.array([cal.start_ts + 7 * 86_400]))[0] == 1
    assert iso(0, 5) == "1970-01-01T00:00:00.005Z"


def test_random_helpers_are_deterministic() -> None:
    assert uuids(stream(1, "x"), 3) == uuids(stream(1, "x"), 3)
    assert uuids(stream(1, "x"), 1) != uuids(stream(1, "y"), 1)
    value = uuids(stream(2, "x"), 1)[0]
    assert value[14] == "4" and len(value) == 36


def test_typo_changes_a_name_slightly() -> None:
    rng = stream(3, "typos")
    for name in ("Katherine", "Smith", "Oliver"):
        changed = typo(name, rng)
        assert changed != name
        assert abs(len(changed) - len(name)) <= 1
