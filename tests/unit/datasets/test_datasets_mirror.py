"""Every registered data set verifies and loads from the real mirror (../shared/data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vantage.datasets import fetch, list_datasets, load
from vantage.datasets.loaders import read_skeleton

pytestmark = pytest.mark.shared_data

NAMES = [spec.name for spec in list_datasets()]


@pytest.mark.parametrize("name", NAMES)
def test_dataset_verifies_and_loads_with_documented_rows(
    name: str, data_mirror: Path, tmp_path: Path
) -> None:
    spec = next(s for s in list_datasets() if s.name == name)
    folder = fetch(name, mirror=data_mirror, cache=tmp_path / "cache")
    assert folder == data_mirror / spec.folder
    for table, table_spec in spec.tables.items():
        frame = load(name, table, mirror=data_mirror, cache=tmp_path / "cache")
        assert len(frame) == table_spec.rows, (name, table)
    assert not (tmp_path / "cache").exists()


def test_known_facts_of_the_classics(data_mirror: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cdnow = load("cdnow", mirror=data_mirror, cache=cache)
    assert cdnow["customer_id"].nunique() == 23570
    assert cdnow["date"].min().isoformat()[:10] == "1997-01-01"
    assert load("cdnow", "sample", mirror=data_mirror, cache=cache)["customer_id"].nunique() == 2357
    assert load("online_retail", mirror=data_mirror, cache=cache)["CustomerID"].nunique() == 4338
    originals = load("febrl", "dataset4a", mirror=data_mirror, cache=cache)["rec_id"]
    duplicates = load("febrl", "dataset4b", mirror=data_mirror, cache=cache)["rec_id"]
    assert set(originals.str.replace("-org", "")) == set(duplicates.str.replace("-dup-0", ""))
    clinc = load("clinc150", mirror=data_mirror, cache=cache)
    assert clinc.loc[clinc["split"] == "train", "intent"].nunique() == 150
    assert set(load("sms_spam", mirror=data_mirror, cache=cache)["label"]) == {"ham", "spam"}


def test_skeleton_arrays_have_the_documented_shape(data_mirror: Path, tmp_path: Path) -> None:
    sequences = load("msr_action3d", mirror=data_mirror, cache=tmp_path / "cache")
    first = sequences.iloc[0]
    array = read_skeleton(Path(first["path"]))
    assert array.shape == (first["frames"], 20, 4)
    assert sequences["action"].nunique() == 20
