"""CLI commands for documents and speech (entities, receipts, transcripts)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the ``vantage nlp`` group.

    Args:
        app: The ``vantage nlp`` Typer group.
    """
