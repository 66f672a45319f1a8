"""Vantage."""
