"""One place that turns settings into the objects a use case needs.

Every object is created on first use, so a command that only counts events never opens the
warehouse, and nothing is created at import time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from vantage.collect.ingest import Ingestor
from vantage.collect.sources import SourceRegistry
from vantage.core.settings import Settings, load_settings
from vantage.core.workspace import Workspace
from vantage.store.lake import EventLog


@dataclass
class ServiceContext:
    """Lazily built collaborators for one data directory.

    Args:
        settings: Settings to use; loaded from environment and ``vantage.toml`` when omitted.
    """

    settings: Settings = field(default_factory=load_settings)

    @cached_property
    def workspace(self) -> Workspace:
        """The data directory."""
        return Workspace.from_settings(self.settings)

    @cached_property
    def log(self) -> EventLog:
        """The durable event log."""
        return EventLog(self.settings.home)

    @cached_property
    def sources(self) -> SourceRegistry:
        """Sources and write keys."""
        return SourceRegistry(self.settings.home)

    @cached_property
    def ingestor(self) -> Ingestor:
        """The validation step of the write path, with each source's tracking plan."""
        from vantage.collect.suppression import SuppressionList
        from vantage.collect.tracking_plan import ViolationLog, checker_for_registry
        from vantage.services.nlp_ingest import text_scorer

        return Ingestor(
            self.settings.collect,
            checker_for=checker_for_registry(self.sources),
            on_violation=ViolationLog(self.settings.home).record,
            suppression=SuppressionList(self.settings.home),
            enrich=text_scorer(self.settings),
        )
