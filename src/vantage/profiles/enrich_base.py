"""The enrichment interface: small pluggable steps and a registry of them.

A step reads a few fields of a profile-like record (``email``, ``phone``, ``user_agent``,
``timezone``, ``locale``, ``country``, ``postcode``) and returns the fields it adds, each with its
source. The same step serves one record at a time (real time) and a pandas DataFrame (batch);
the batch path computes each distinct input once and broadcasts the result.

Writing your own step::

    class Initials(EnrichmentStep):
        name = "initials"
        inputs = ("first_name", "last_name")
        outputs = ("initials",)

        def enrich(self, record):
            first, last = record.get("first_name"), record.get("last_name")
            if not first or not last:
                return {}
            return {"initials": Enrichment(f"{first[0]}{last[0]}", self.name)}
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from vantage.core.errors import ConfigError

SOURCE_SUFFIX = "_source"


@dataclass(frozen=True, slots=True)
class Enrichment:
    """One added field: its value and where it came from (a step name, ``derived:...``)."""

    value: Any
    source: str


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


class EnrichmentStep(ABC):
    """One enrichment: reads ``inputs`` of a record, adds (some of) ``outputs``.

    Subclasses set ``name``, ``inputs`` and ``outputs`` and implement :meth:`enrich`; they may
    override :meth:`enrich_frame` with a vectorised version.
    """

    name: str = ""
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()

    @abstractmethod
    def enrich(self, record: Mapping[str, Any]) -> dict[str, Enrichment]:
        """Enrich one record.

        Args:
            record: A profile-like mapping; missing keys and None mean unknown.

        Returns:
            The fields added (a subset of ``outputs``), each with value and source.
        """

    def enrich_frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Enrich every row of a DataFrame.

        Args:
            frame: Rows with (some of) the ``inputs`` as columns; absent columns count as null.

        Returns:
            A DataFrame on the same index with one column per output and one
            ``<output>_source`` column per output (null where nothing was added).
        """
        columns = [
            frame[c] if c in frame.columns else pd.Series(None, index=frame.index, dtype=object)
            for c in self.inputs
        ]
        cache: dict[tuple[Any, ...], dict[str, Enrichment]] = {}
        found: list[dict[str, Enrichment]] = []
        for values in zip(*columns, strict=True) if columns else ((),) * len(frame):
            key = tuple(None if _missing(v) else v for v in values)
            if key not in cache:
                cache[key] = self.enrich(dict(zip(self.inputs, key, strict=True)))
            found.append(cache[key])
        return frame_of(found, self.outputs, frame.index)


def frame_of(
    found: Sequence[Mapping[str, Enrichment]], outputs: Sequence[str], index: pd.Index
) -> pd.DataFrame:
    """Build the batch output of a step from per-row enrichments.

    Args:
        found: One mapping of added fields per row.
        outputs: The step's output names (column order).
        index: The index of the input frame.
    """
    data: dict[str, list[Any]] = {}
    for field in outputs:
        data[field] = [row[field].value if field in row else None for row in found]
        data[field + SOURCE_SUFFIX] = [row[field].source if field in row else None for row in found]
    return pd.DataFrame(data, index=index, dtype=object)


class StepRegistry:
    """Named enrichment steps, applied in registration order.

    Each step sees the fields added by the steps before it (a reference table can be keyed on
    a field another step derived). A later step's value for the same field replaces the
    earlier one.

    Args:
        steps: Steps to register at once.
    """

    def __init__(self, steps: Iterable[EnrichmentStep] = ()) -> None:
        self._steps: dict[str, EnrichmentStep] = {}
        for step in steps:
            self.register(step)

    def register(self, step: EnrichmentStep, *, replace: bool = False) -> EnrichmentStep:
        """Add a step.

        Args:
            step: The step; its ``name`` must be unique in the registry.
            replace: Replace a registered step of the same name instead of failing.

        Returns:
            The step, so ``register`` can be used on a freshly built one.

        Raises:
            ConfigError: The step has no name, or the name is taken and ``replace`` is False.
        """
        if not step.name:
            raise ConfigError(
                f"Enrichment step {type(step).__name__} has an empty name.",
                "Set the class attribute `name` to a short unique name.",
            )
        if step.name in self._steps and not replace:
            raise ConfigError(
                f"An enrichment step named {step.name!r} is already registered.",
                "Pick another name, or pass replace=True to swap it.",
            )
        self._steps[step.name] = step
        return step

    def unregister(self, name: str) -> None:
        """Remove a step by name (see :meth:`get` for the error)."""
        self.get(name)
        del self._steps[name]

    def get(self, name: str) -> EnrichmentStep:
        """The step called ``name``.

        Raises:
            ConfigError: No such step; the message lists the registered ones.
        """
        if name not in self._steps:
            known = ", ".join(self._steps) or "none"
            raise ConfigError(
                f"Unknown enrichment step {name!r} (registered: {known}).",
                "Use one of the registered names, or register the step first.",
            )
        return self._steps[name]

    def names(self) -> list[str]:
        """The registered step names, in order."""
        return list(self._steps)

    def steps(self, names: Sequence[str] | None = None) -> list[EnrichmentStep]:
        """The steps called ``names`` (all when None), in that order."""
        return [self.get(n) for n in names] if names is not None else list(self._steps.values())

    def enrich_record(
        self, record: Mapping[str, Any], names: Sequence[str] | None = None
    ) -> dict[str, Enrichment]:
        """Run the steps on one record (the real-time path).

        Args:
            record: A profile-like mapping (see ``record_from_event``).
            names: Which steps to run; all when None.

        Returns:
            Every added field with its value and source.
        """
        added: dict[str, Enrichment] = {}
        current = dict(record)
        for step in self.steps(names):
            found = step.enrich(current)
            added.update(found)
            current.update({field: item.value for field, item in found.items()})
        return added

    def enrich_frame(self, frame: pd.DataFrame, names: Sequence[str] | None = None) -> pd.DataFrame:
        """Run the steps on a DataFrame (the batch path).

        Args:
            frame: One row per profile (or event) with input columns such as ``email``.
            names: Which steps to run; all when None.

        Returns:
            The added columns and their ``_source`` columns, on the input's index.
        """
        added = pd.DataFrame(index=frame.index)
        current = frame.copy()
        for step in self.steps(names):
            found = step.enrich_frame(current)
            for column in found.columns:
                new = found[column]
                if column in added.columns:
                    new = new.where(new.notna(), added[column])
                added[column] = new
                if not str(column).endswith(SOURCE_SUFFIX):
                    current[column] = new.where(new.notna(), current.get(column))
        return added
