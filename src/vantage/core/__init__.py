"""Core: settings, event and profile contracts, errors and identifier normalisation."""
