"""CLI commands for text models (sentiment, classification, trends)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the ``vantage nlp`` group.

    Args:
        app: The ``vantage nlp`` Typer group.
    """
