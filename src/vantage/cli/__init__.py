"""The ``vantage`` command line (typer + rich)."""
