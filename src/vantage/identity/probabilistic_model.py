"""The Splink model behind :class:`~vantage.identity.probabilistic.ProbabilisticMatcher`.

Everything here depends only on which canonical fields are present: the comparisons (with
term-frequency adjustments on names, street numbers and postcodes), the blocking rules that
generate candidate pairs, the rules that train m by expectation maximisation, and the
near-certain rules that estimate the prior probability that two random records match.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Literal

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator

from vantage.identity.probabilistic_columns import ID, SOURCE

TF_COLUMNS = ("first_name", "surname", "street_number", "postcode")
NICKNAME_M = 0.05
"""Fixed m of the nickname level: EM cannot learn it from data without nicknames."""
_EM_CANDIDATES = ("dob", "postcode", "email", "phone", "surname", "first_name", "national_id")


def _first_name(fields: Collection[str]) -> ComparisonCreator:
    levels: list[Any] = [
        cll.NullLevel("first_name"),
        cll.ExactMatchLevel("first_name", term_frequency_adjustments=True),
    ]
    if "surname" in fields:
        levels.append(cll.ColumnsReversedLevel("first_name", "surname"))
    levels += [
        cll.ExactMatchLevel("first_name_root").configure(
            label_for_charts="Nickname match", m_probability=NICKNAME_M, fix_m_probability=True
        ),
        cll.JaroWinklerLevel("first_name", 0.92),
        cll.JaroWinklerLevel("first_name", 0.8),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(levels, output_column_name="first_name")


def comparisons(fields: Collection[str]) -> list[ComparisonCreator | dict[str, Any]]:
    """The Fellegi-Sunter comparisons for the fields present, strongest evidence first."""
    out: list[ComparisonCreator | dict[str, Any]] = []
    if "first_name" in fields:
        out.append(_first_name(fields))
    if "surname" in fields:
        out.append(cl.NameComparison("surname").configure(term_frequency_adjustments=True))
    if "dob" in fields:
        out.append(
            cl.DateOfBirthComparison(
                "dob", input_is_string=True, datetime_format="%Y-%m-%d", invalid_dates_as_null=True
            )
        )
    if "national_id" in fields:
        out.append(cl.DamerauLevenshteinAtThresholds("national_id", [1, 2]))
    if "email" in fields:
        out.append(cl.EmailComparison("email"))
    if "phone" in fields:
        out.append(cl.DamerauLevenshteinAtThresholds("phone", [1, 2]))
    if "street_number" in fields:
        out.append(cl.ExactMatch("street_number").configure(term_frequency_adjustments=True))
    if "address" in fields:
        out.append(cl.JaroWinklerAtThresholds("address", [0.9, 0.7]))
    if "city" in fields:
        out.append(cl.JaroWinklerAtThresholds("city", [0.9]))
    if "postcode" in fields:
        out.append(
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            )
        )
    return out


def blocking_rules(fields: Collection[str]) -> list[BlockingRuleCreator | dict[str, Any]]:
    """Candidate-pair rules: a true match must agree exactly on at least one of them."""
    has = set(fields).__contains__
    rules: list[BlockingRuleCreator | dict[str, Any]] = []
    if has("first_name") and has("surname"):
        rules.append(block_on("first_name", "surname"))
        rules.append(CustomRule("l.first_name = r.surname and l.surname = r.first_name"))
    for single in ("dob", "national_id", "email", "phone", "postcode"):
        if has(single):
            rules.append(block_on(single))
    if has("street_number") and has("address"):
        rules.append(block_on("street_number", "address"))
    if has("surname") and has("city"):
        rules.append(block_on("surname", "city"))
    if has("first_name_root") and has("surname"):
        rules.append(block_on("first_name_root", "surname"))
    if not rules:
        rules.append(block_on(*sorted(f for f in fields if f != "first_name_root")[:1]))
    return rules


def training_rules(fields: Collection[str]) -> list[BlockingRuleCreator]:
    """Two EM sessions blocking on different fields, so every comparison is trained once."""
    present = [f for f in _EM_CANDIDATES if f in fields]
    return [block_on(f) for f in present[:2]]


def deterministic_rules(fields: Collection[str]) -> list[str | BlockingRuleCreator]:
    """Near-certain match rules used to estimate the prior match probability."""
    rules: list[str | BlockingRuleCreator] = [
        block_on(f) for f in ("national_id", "email", "phone") if f in fields
    ]
    if {"first_name", "surname", "dob"} <= set(fields):
        rules.append(block_on("first_name", "surname", "dob"))
    elif {"first_name", "surname", "postcode"} <= set(fields):
        rules.append(block_on("first_name", "surname", "postcode"))
    return rules


LinkType = Literal["dedupe_only", "link_only"]


def settings(fields: Collection[str], link_type: LinkType, prior: float = 1e-4) -> SettingsCreator:
    """Splink settings for a dedupe (``dedupe_only``) or a link (``link_only``) job."""
    return SettingsCreator(
        probability_two_random_records_match=prior,
        link_type=link_type,
        unique_id_column_name=ID,
        source_dataset_column_name=SOURCE,
        comparisons=comparisons(fields),
        blocking_rules_to_generate_predictions=blocking_rules(fields),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
