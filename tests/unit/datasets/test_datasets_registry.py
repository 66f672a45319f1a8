from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from vantage.core.errors import DatasetError
from vantage.datasets import fetch, get_dataset, list_datasets, load
from vantage.datasets.catalog import manifest_files
from vantage.datasets.specs import github_raw, listing_sha256

if TYPE_CHECKING:
    from conftest import Tiny

EXPECTED = {
    "henry_hub",
    "cdnow",
    "online_retail",
    "online_shoppers",
    "hillstrom",
    "febrl",
    "sentiment",
    "sms_spam",
    "bbc_news",
    "bbc_news_summary",
    "clinc150",
    "snips",
    "receipts_sroie",
    "mot15",
    "msr_action3d",
}


def test_every_source_is_registered_with_checksums_and_urls() -> None:
    specs = list_datasets()
    assert {s.name for s in specs} == EXPECTED
    for spec in specs:
        assert spec.title and spec.licence and spec.source and spec.files
        assert spec.default_table in spec.tables
        for file in spec.files:
            assert re.fullmatch(r"[0-9a-f]{64}", file.sha256), (spec.name, file.path)
            assert file.url.startswith("https://"), file.url
            if file.repackaged is None:
                assert file.url.startswith("https://raw.githubusercontent.com/"), file.url


def test_repackaged_files_say_how_they_were_built() -> None:
    repackaged = {s.name for s in list_datasets() if s.repackaged}
    assert repackaged == {"bbc_news", "bbc_news_summary", "henry_hub"}
    bbc = get_dataset("bbc_news").files[0]
    assert bbc.repackaged is not None and "packed into one CSV" in bbc.repackaged
    assert bbc.url == "https://github.com/dejanbatanjac/bbc-article-classify-bert/tree/8265dc84/bbc"


def test_many_file_sets_use_a_pinned_manifest() -> None:
    msr = get_dataset("msr_action3d")
    assert len(msr.files) == 567
    assert msr.manifest_sha256 == listing_sha256(manifest_files("msr_action3d"))
    assert len(get_dataset("receipts_sroie").files) == 180
    assert msr.files[0].url.startswith(
        "https://raw.githubusercontent.com/MihirK1212/msraction3d-rpi/f60a3f83/msraction3d/"
    )


def test_github_raw_quotes_spaces() -> None:
    url = github_raw("o/r", "abc", "BBC News Summary/a.txt")
    assert url == "https://raw.githubusercontent.com/o/r/abc/BBC%20News%20Summary/a.txt"


def test_aliases_resolve_to_the_folder_name() -> None:
    assert get_dataset("intents/clinc150").name == "clinc150"
    assert get_dataset("intents/snips").folder == "intents/snips"


def test_unknown_name_lists_the_registered_ones() -> None:
    with pytest.raises(DatasetError, match=r"Unknown data set 'nope'.*cdnow"):
        get_dataset("nope")


def test_describe_reports_availability(tiny: Tiny, tmp_path: Path) -> None:
    spec = tiny.spec()
    assert spec.describe(None, tmp_path / "cache")["available"] == "missing"
    tiny.write(tmp_path / "mirror")
    row = spec.describe(tmp_path / "mirror", tmp_path / "cache")
    assert row["available"] == "mirror"
    assert row["tables"] == {"rows": 3, "other": 2}
    tiny.write(tmp_path / "cache")
    assert spec.describe(None, tmp_path / "cache")["available"] == "cache"


def test_load_reads_a_verified_mirror(tiny: Tiny, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    folder = tiny.write(mirror)
    spec = tiny.spec()
    assert fetch(spec, mirror=mirror, cache=tmp_path / "cache") == folder
    frame = load(spec, mirror=mirror, cache=tmp_path / "cache")
    assert frame["value"].tolist() == [10, 20, 30]
    assert load(spec, "other", mirror=mirror, cache=tmp_path / "cache")["label"].tolist() == [
        "a",
        "b",
    ]
    assert not (tmp_path / "cache").exists()


def test_mirror_checksum_mismatch_is_an_error(tiny: Tiny, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    tiny.write(mirror, rows=tiny.rows + "4,40\n")
    with pytest.raises(DatasetError, match=r"Mirror file .*rows\.csv has sha256 .* fresh copy of"):
        load(tiny.spec(), mirror=mirror, cache=tmp_path / "cache")


def test_mirror_missing_file_is_an_error(tiny: Tiny, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    tiny.write(mirror, other=None)
    with pytest.raises(DatasetError, match=r"lacks sub/other\.csv of data set tiny.*unset"):
        fetch(tiny.spec(), mirror=mirror, cache=tmp_path / "cache")


def test_load_never_downloads(tiny: Tiny, tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"not available.*VANTAGE_DATA_MIRROR.*fetch tiny"):
        load(tiny.spec(), mirror=tmp_path / "no-mirror", cache=tmp_path / "cache")


def test_corrupt_cached_file_says_delete_it(tiny: Tiny, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    tiny.write(cache, other=tiny.other.upper())
    with pytest.raises(DatasetError, match=r"Cached file .*other\.csv is corrupt.*Delete"):
        load(tiny.spec(), cache=cache, mirror=tmp_path / "no-mirror")


def test_cache_is_used_without_a_mirror(tiny: Tiny, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    folder = tiny.write(cache)
    assert fetch(tiny.spec(), mirror=tmp_path / "no-mirror", cache=cache) == folder


def test_unknown_table_is_an_error(tiny: Tiny, tmp_path: Path) -> None:
    tiny.write(tmp_path)
    with pytest.raises(DatasetError, match=r"no table 'x'.*rows, other"):
        load(tiny.spec(), "x", mirror=tmp_path, cache=tmp_path / "cache")


def test_defaults_come_from_settings(tiny: Tiny, tmp_path: Path, home: Path, monkeypatch) -> None:
    mirror = tmp_path / "mirror"
    tiny.write(mirror)
    monkeypatch.setenv("VANTAGE_DATA_MIRROR", str(mirror))
    assert load(tiny.spec())["id"].tolist() == [1, 2, 3]
    monkeypatch.delenv("VANTAGE_DATA_MIRROR")
    with pytest.raises(DatasetError, match=re.escape(str(home / "datasets"))):
        load(tiny.spec())
