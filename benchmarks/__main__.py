"""Run every benchmark and rewrite the results tables in benchmarks/README.md."""

from __future__ import annotations

import argparse

from benchmarks import collect, identity_demo, identity_febrl, identity_scale, imports


def main() -> None:
    """Parse arguments and run the chosen benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=15, help="Duration of each load run.")
    parser.add_argument(
        "--only",
        choices=["collect", "imports", "identity_demo", "identity_febrl", "identity_scale"],
        default=None,
        help="Run one benchmark.",
    )
    args = parser.parse_args()
    if args.only in (None, "imports"):
        imports.main()
    if args.only in (None, "collect"):
        collect.main(seconds=args.seconds)
    if args.only in (None, "identity_febrl"):
        identity_febrl.main()
    if args.only in (None, "identity_demo"):
        identity_demo.main()
    if args.only in (None, "identity_scale"):
        identity_scale.main()


if __name__ == "__main__":
    main()
