"""Segments: audiences defined in a small language, evaluated in batch and in real time.

* :mod:`vantage.segments.spec`: the language (YAML/JSON), :class:`SegmentSpec`, :func:`load_spec`.
* :mod:`vantage.segments.builder`: the same conditions written in Python
  (``(trait("orders_30d") >= 2) & consent("email_marketing")``).
* :mod:`vantage.segments.catalog`: known names, type checks, references and cycles, which
  conditions can be kept in real time.
* :mod:`vantage.segments.compile`: conditions compiled to Ibis (every warehouse backend).
* :mod:`vantage.segments.evaluate`: one customer's membership from their current state.
* :mod:`vantage.segments.lookalike`: look-alike audiences from a seed segment.

The use cases (saving, membership tables, the live listener) are in
:mod:`vantage.services.segments`.
"""

from vantage.segments.spec import SegmentSpec, SegmentSpecError, load_spec

__all__ = ["SegmentSpec", "SegmentSpecError", "load_spec"]
