"""``python -m vantage`` runs the command line."""

from vantage.cli.main import main

if __name__ == "__main__":
    main()
