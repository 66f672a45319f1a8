"""Text classification: BBC news topics (5 classes) and SMS spam vs TF-IDF + LR.

Same fixed stratified 80/20 split as the sentiment benchmark; results stored per approach in
``benchmarks/results/nlp_<dataset>.json``. Anchor: TF-IDF + LR about 0.986 accuracy on SMS spam.

    nice -n 10 .venv/bin/python -m benchmarks.nlp_classify [--rerun]
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from benchmarks.nlp_sentiment import machine, run_set, table
from benchmarks.report import write_section

APPROACHES = ("tfidf", "lstm", "minilm-frozen")
CLASSIFY_SETS = (
    ("sms_spam", "sms_spam", None, "text", "label"),
    ("bbc_news", "bbc_news", None, "text", "category"),
)


def main(
    approaches: Sequence[str] = APPROACHES, rerun: bool = False, measure: bool = True
) -> dict[str, Any]:
    """Run the classification comparison and rewrite its section of benchmarks/README.md.

    Args:
        approaches: Approaches to measure (those already stored are reused).
        rerun: Measure stored approaches again.
        measure: ``False`` only rewrites the table from the stored results.
    """
    results = {
        key: run_set(key, (dataset, tbl, text, label), approaches, rerun, measure)
        for key, dataset, tbl, text, label in CLASSIFY_SETS
    }
    body = (
        "Held-out accuracy and macro-F1, fixed stratified 80/20 split (random_state 42). "
        "Anchor: TF-IDF + LR about 0.986 accuracy on SMS spam. MiniLM reads at most 256 "
        "tokens of each BBC article (its maximum sequence length).\n\n"
        f"{table(results, APPROACHES)}\n\n"
        f"Machine: {machine()} (shared with other jobs; times are indicative).\n"
        "Reproduce: `nice -n 10 .venv/bin/python -m benchmarks.nlp_classify --rerun`."
    )
    write_section("nlp_classify", body)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only-approach", choices=APPROACHES, action="append")
    parser.add_argument("--rerun", action="store_true", help="Measure stored results again.")
    parser.add_argument("--table-only", action="store_true", help="Rewrite the table only.")
    args = parser.parse_args()
    main(args.only_approach or APPROACHES, args.rerun, not args.table_only)
