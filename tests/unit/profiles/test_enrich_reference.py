"""Reference-table join (postcode prefixes, exact keys), its errors, and the demo table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from vantage.core.errors import ConfigError
from vantage.profiles.enrich_reference import (
    ReferenceTableStep,
    load_reference_table,
    postcode_keys,
)
from vantage.profiles.enrichment import demo_reference_table

AREAS = pd.DataFrame(
    {
        "key": ["SE12 3AB", "SE12 3", "SE12", "LS", "M1"],
        "income": [50_000, 41_000, 38_000, 30_000, 29_000],
        "band": ["A", "B", "C", "D", None],
    }
)


def test_postcode_keys() -> None:
    assert postcode_keys(" se12  3ab") == ["SE12 3AB", "SE12 3", "SE12", "SE"]
    assert postcode_keys("EC1A1BB") == ["EC1A 1BB", "EC1A 1", "EC1A", "EC"]
    assert postcode_keys("m1") == ["M1", "M"]
    assert postcode_keys("75001") == ["75001"]
    assert postcode_keys(None) == []


@pytest.mark.parametrize(
    ("postcode", "key", "income"),
    [
        ("se123ab", "SE12 3AB", 50_000),
        ("SE12 3ZZ", "SE12 3", 41_000),
        ("SE12 9AA", "SE12", 38_000),
        ("LS1 4DY", "LS", 30_000),
    ],
)
def test_most_specific_postcode_level(postcode: str, key: str, income: int) -> None:
    added = ReferenceTableStep(AREAS, "key", prefix="area_").enrich({"postcode": postcode})
    assert added["area_reference_key"].value == key
    assert added["area_income"].value == income
    assert added["area_income"].source == "reference"


def test_no_match_and_null_columns() -> None:
    step = ReferenceTableStep(AREAS, "key")
    assert step.enrich({"postcode": "BS1 4DJ"}) == {}
    assert step.enrich({}) == {}
    added = step.enrich({"postcode": "M1 1AE"})
    assert added["income"].value == 29_000 and "band" not in added


def test_exact_match() -> None:
    table = pd.DataFrame({"region": ["North West", "Wales"], "score": [1, 2]})
    step = ReferenceTableStep(table, "region", input="region", match="exact", name="region_ref")
    assert step.enrich({"region": " north west "})["score"].value == 1
    assert step.enrich({"region": "North"}) == {}


def test_frame_path_matches_record_path() -> None:
    step = ReferenceTableStep(AREAS, "key")
    frame = pd.DataFrame({"postcode": ["SE12 3AB", None, "LS2 7EW", "XX"]})
    out = step.enrich_frame(frame)
    assert out["income"].tolist() == [50_000, None, 30_000, None]
    assert out["income_source"].tolist() == ["reference", None, "reference", None]


def test_load_csv_and_parquet(tmp_path: Path) -> None:
    AREAS.to_csv(tmp_path / "areas.csv", index=False)
    AREAS.to_parquet(tmp_path / "areas.parquet")
    for name in ("areas.csv", "areas.parquet"):
        step = ReferenceTableStep.from_file(tmp_path / name, "key")
        assert step.enrich({"postcode": "SE12 1AA"})["income"].value == 38_000


def test_missing_key_column_names_column_and_file_columns(tmp_path: Path) -> None:
    AREAS.to_csv(tmp_path / "areas.csv", index=False)
    with pytest.raises(
        ConfigError,
        match=r"areas\.csv has no key column 'postcode' \(its columns: key, income, band\)",
    ):
        load_reference_table(tmp_path / "areas.csv", "postcode")


def test_other_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.csv does not exist"):
        load_reference_table(tmp_path / "nope.csv", "key")
    (tmp_path / "areas.xlsx").write_text("x")
    with pytest.raises(ConfigError, match=r"format \.xlsx, not CSV or Parquet"):
        load_reference_table(tmp_path / "areas.xlsx", "key")
    duplicated = pd.DataFrame({"key": ["SE12", "se12"], "v": [1, 2]})
    with pytest.raises(ConfigError, match=r"duplicate keys in 'key': SE12"):
        ReferenceTableStep(duplicated, "key")
    with pytest.raises(ConfigError, match=r"Unknown reference match 'fuzzy'"):
        ReferenceTableStep(AREAS, "key", match="fuzzy")  # type: ignore[arg-type]


def test_demo_reference_table_from_crm_rows() -> None:
    crm = pd.DataFrame(
        {
            "town": ["London", "london ", "Leeds", "Leeds"],
            "postcode": ["SE12 3AB", "se123ab", "LS1 4DY", None],
        }
    )
    table = demo_reference_table(crm)
    assert table["postcode_district"].tolist() == ["LS1", "SE12"]
    assert table["city"].tolist() == ["Leeds", "London"]
    assert table["synthetic"].all()
    assert table["deprivation_decile"].between(1, 10).all()
    assert table.equals(demo_reference_table(crm))
    step = ReferenceTableStep(table, "postcode_district", prefix="area_")
    assert step.enrich({"postcode": "SE12 8QQ"})["area_city"].value == "London"


def test_demo_reference_table_from_stores_and_error() -> None:
    stores = pd.DataFrame({"store_id": ["S01", "S02"], "city": ["London", "Leeds"]})
    assert demo_reference_table(stores)["city"].tolist() == ["Leeds", "London"]
    with pytest.raises(ConfigError, match=r"needs a postcode or town/city column .*store_id"):
        demo_reference_table(stores[["store_id"]])
