"""CLI commands for segmentation, recommendations and uplift."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the root ``vantage`` app.

    Args:
        app: The root Typer application.
    """
