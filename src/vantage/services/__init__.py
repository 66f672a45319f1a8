"""Use cases shared by the API, the CLI and the dashboard (no FastAPI or typer here)."""
