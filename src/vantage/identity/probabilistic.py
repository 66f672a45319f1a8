"""Probabilistic matching of person records that share no key (Splink, Fellegi-Sunter).

:class:`ProbabilisticMatcher` follows scikit-learn's contract: ``__init__`` stores parameters,
:meth:`~ProbabilisticMatcher.fit` trains a Splink model on the records (the prior from
near-certain rules, u by random sampling with a fixed seed, m by expectation maximisation, with
term-frequency adjustments), :meth:`~ProbabilisticMatcher.predict` scores candidate pairs, and
:meth:`~ProbabilisticMatcher.route` splits them by the two thresholds: at or above ``upper`` an
accepted identity edge (its reason names the probability), between the thresholds the review
queue, below ``lower`` nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from splink import DuckDBAPI, Linker
from splink.internals.exceptions import EMTrainingException

from vantage.identity import probabilistic_model as model
from vantage.identity.probabilistic_columns import ID, SOURCE, MatchingError, standardise
from vantage.identity.review import tune_thresholds

PAIR_COLUMNS = ["left_id", "right_id", "match_probability", "match_weight"]
_LEFT, _RIGHT = "left_records", "right_records"


@dataclass(frozen=True)
class MatchRouting:
    """Scored pairs split by the thresholds.

    Attributes:
        accepted: Pairs at or above ``upper`` with a ``reason`` column: identity edges.
        review: Pairs in ``[lower, upper)``: for the review queue.
        rejected: How many scored pairs fell below ``lower`` (dropped).
    """

    accepted: pd.DataFrame
    review: pd.DataFrame
    rejected: int


class ProbabilisticMatcher:
    """Link person records with typos, nicknames and moved addresses.

    Args:
        columns: Canonical field -> your column, for fields in
            :data:`~vantage.identity.probabilistic_columns.FIELDS` (at least two).
        id_column: Column holding each record's unique id.
        upper: Probability at or above which a pair is accepted as the same person.
        lower: Probability below which a pair is dropped; in between it goes to review.
        one_to_one: When linking two tables, keep a pair only when each record is the other's
            best match (for tables without internal duplicates).
        prior: Probability that two random records match; None estimates it from
            near-certain rules (same e-mail, phone, national id, or name and date of birth).
        prior_recall: Assumed recall of those near-certain rules.
        max_pairs_u: Random pairs sampled to estimate u probabilities.
        seed: Seed of that sample (fixed for reproducible models).
        dob_format: ``strptime`` format of dates of birth; None infers it.

    Attributes:
        model_: The trained Splink model (settings dict with m and u probabilities).
        term_frequencies_: Term-frequency tables of the training records, per column; predict
            uses them, so scores do not depend on the size of the batch being matched.
        upper_: Accept threshold in use (``upper``, or tuned from review labels).
        lower_: Review threshold in use.
    """

    def __init__(
        self,
        columns: Mapping[str, str],
        *,
        id_column: str = "id",
        upper: float = 0.95,
        lower: float = 0.5,
        one_to_one: bool = False,
        prior: float | None = None,
        prior_recall: float = 0.8,
        max_pairs_u: float = 1e6,
        seed: int = 42,
        dob_format: str | None = None,
    ) -> None:
        self.columns = columns
        self.id_column = id_column
        self.upper = upper
        self.lower = lower
        self.one_to_one = one_to_one
        self.prior = prior
        self.prior_recall = prior_recall
        self.max_pairs_u = max_pairs_u
        self.seed = seed
        self.dob_format = dob_format

    def _check_params(self) -> None:
        if not 0.0 < self.lower <= self.upper < 1.0:
            raise MatchingError(
                f"Thresholds must satisfy 0 < lower <= upper < 1; got lower={self.lower}, "
                f"upper={self.upper}.",
                "Pass e.g. lower=0.5, upper=0.95.",
            )
        if self.prior is not None and not 0.0 < self.prior < 1.0:
            raise MatchingError(
                f"prior must be a probability in (0, 1); got {self.prior}.",
                "Pass prior=None to estimate it.",
            )

    def _prepare(self, records: pd.DataFrame, other: pd.DataFrame | None) -> list[pd.DataFrame]:
        kwargs: dict[str, Any] = {"dob_format": self.dob_format}
        frames = [standardise(records, self.id_column, self.columns, source=_LEFT, **kwargs)]
        if other is not None:
            frames.append(standardise(other, self.id_column, self.columns, source=_RIGHT, **kwargs))
        return frames

    @staticmethod
    def _linker(
        frames: list[pd.DataFrame], spec: Any, term_frequencies: Mapping[str, pd.DataFrame]
    ) -> Linker:
        db_api = DuckDBAPI()
        sdfs = [db_api.register(f, dataset_display_name=str(f[SOURCE].iat[0])) for f in frames]
        logging.getLogger("splink").setLevel(logging.ERROR)
        linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], spec, log_level=None)
        for col, table in term_frequencies.items():
            lookup = db_api.register(table)
            linker.table_management.register_term_frequency_lookup(lookup, col)
        return linker

    def fit(
        self,
        records: pd.DataFrame,
        other: pd.DataFrame | None = None,
        *,
        labels: pd.DataFrame | None = None,
    ) -> ProbabilisticMatcher:
        """Train the model on ``records`` (dedupe) or on ``records`` and ``other`` (link).

        Args:
            records: Person records with the mapped columns.
            other: A second table to link against, or None to deduplicate ``records``.
            labels: Reviewed pairs (``match_probability``, ``accepted``), as returned by
                :meth:`vantage.identity.review.ReviewQueue.labels`; they re-tune the thresholds.

        Returns:
            self.

        Raises:
            MatchingError: Bad thresholds or a column mapping that does not fit the records.
        """
        self._check_params()
        frames = self._prepare(records, other)
        fields = [c for c in frames[0].columns if c not in (ID, SOURCE)]
        link_type: model.LinkType = "dedupe_only" if other is None else "link_only"
        spec = model.settings(fields, link_type, self.prior or 1e-4)
        linker = self._linker(frames, spec, {})
        training = linker.training
        rules = model.deterministic_rules(fields)
        if self.prior is None and rules:
            training.estimate_probability_two_random_records_match(rules, self.prior_recall)
        training.estimate_u_using_random_sampling(max_pairs=self.max_pairs_u, seed=self.seed)
        trained = 0
        for rule in model.training_rules(fields):
            before = linker.misc.save_model_to_json()
            try:
                training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True
                )
            except EMTrainingException:  # the rule blocks no pair in these records: skip it
                continue
            except ValueError:
                # EM drove an m probability to exactly 0 (a level no pair of this block ever
                # reached), which Splink refuses midway: undo this rule's partial update.
                linker = self._linker(frames, before, {})
                training = linker.training
                continue
            trained += 1
        if not trained:
            raise MatchingError(
                "No training rule found any pair of records to learn from.",
                "Give more records, or records that share at least a surname, postcode or date "
                "of birth now and then.",
            )
        self.model_: dict[str, Any] = linker.misc.save_model_to_json()
        tables = linker.table_management
        self.term_frequencies_: dict[str, pd.DataFrame] = {
            col: tables.compute_tf_table(col).as_pandas_dataframe()
            for col in model.TF_COLUMNS
            if col in fields
        }
        self.upper_, self.lower_ = self.upper, self.lower
        if labels is not None:
            self.upper_, self.lower_ = tune_thresholds(labels, self.upper, self.lower)
        return self

    def predict(
        self,
        records: pd.DataFrame,
        other: pd.DataFrame | None = None,
        *,
        threshold: float | None = None,
    ) -> pd.DataFrame:
        """Score candidate pairs within ``records``, or between ``records`` and ``other``.

        Args:
            records: Person records (left side when linking).
            other: Right-hand table, or None to find duplicates within ``records``.
            threshold: Lowest match probability returned; default the review threshold.

        Returns:
            Columns ``left_id, right_id, match_probability, match_weight``, most likely first.

        Raises:
            MatchingError: The matcher is not fitted, or the columns do not fit.
        """
        if not hasattr(self, "model_"):
            raise MatchingError(
                "This ProbabilisticMatcher is not fitted yet.", "Call fit(records) first."
            )
        frames = self._prepare(records, other)
        spec = dict(self.model_, link_type="dedupe_only" if other is None else "link_only")
        cut = self.lower_ if threshold is None else threshold
        linker = self._linker(frames, spec, self.term_frequencies_)
        scored = linker.inference.predict(threshold_match_probability=cut)
        raw = scored.as_pandas_dataframe()
        pairs = _orient(raw)
        if other is not None and self.one_to_one:
            pairs = _mutual_best(pairs)
        return pairs.sort_values(
            ["match_probability", "left_id", "right_id"], ascending=[False, True, True]
        ).reset_index(drop=True)

    def route(self, pairs: pd.DataFrame) -> MatchRouting:
        """Split scored pairs into accepted edges, review candidates and a dropped count."""
        probability = pairs["match_probability"]
        accepted = pairs[probability >= self.upper_].copy()
        accepted["reason"] = [
            f"splink match_probability={p:.4f}" for p in accepted[PAIR_COLUMNS[2]]
        ]
        review = pairs[(probability >= self.lower_) & (probability < self.upper_)]
        rejected = int((probability < self.lower_).sum())
        return MatchRouting(
            accepted.reset_index(drop=True), review.reset_index(drop=True), rejected
        )


def _orient(raw: pd.DataFrame) -> pd.DataFrame:
    """Splink's pair columns as ``left_id, right_id, ...``, the left table's id first."""
    source = f"{SOURCE}_l"
    swap = raw[source].astype(str) == _RIGHT if source in raw else raw[ID + "_l"].isna()
    left = raw[f"{ID}_l"].where(~swap, raw[f"{ID}_r"])
    right = raw[f"{ID}_r"].where(~swap, raw[f"{ID}_l"])
    return pd.DataFrame(
        {
            "left_id": left.astype(str),
            "right_id": right.astype(str),
            "match_probability": raw["match_probability"].astype(float),
            "match_weight": raw["match_weight"].astype(float),
        }
    )


def _mutual_best(pairs: pd.DataFrame) -> pd.DataFrame:
    """Keep the pairs where each side is the other's most probable match."""
    ordered = pairs.sort_values(
        ["match_probability", "left_id", "right_id"], ascending=[False, True, True]
    )
    best_left = ordered.drop_duplicates("left_id")
    return best_left.drop_duplicates("right_id")
