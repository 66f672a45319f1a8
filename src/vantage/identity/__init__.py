"""Identity resolution: every identifier of a person, from every source, to one customer id.

The deterministic graph (:class:`~vantage.identity.graph.IdentityGraph`) links identifiers that
occur in the same event under data-driven rules (:class:`~vantage.identity.rules.IdentityRules`);
its single output is the ``identity_map`` table (``id_type, id_value, customer_id, since,
reason``). See ``docs/identity.md``.
"""

from vantage.identity.explain import EdgeInfo, Explanation, explain
from vantage.identity.extract import extract_identifiers
from vantage.identity.graph import IDENTITY_MAP_SCHEMA, IdentityError, IdentityGraph, Split
from vantage.identity.persist import load_graph, save_graph
from vantage.identity.rules import IdentifierLimit, IdentityRules, load_rules
from vantage.identity.sync import (
    process_events,
    rebuild_from_lake,
    sync_from_warehouse,
    write_identity_map,
)

__all__ = [
    "IDENTITY_MAP_SCHEMA",
    "EdgeInfo",
    "Explanation",
    "IdentifierLimit",
    "IdentityError",
    "IdentityGraph",
    "IdentityRules",
    "Split",
    "explain",
    "extract_identifiers",
    "load_graph",
    "load_rules",
    "process_events",
    "rebuild_from_lake",
    "save_graph",
    "sync_from_warehouse",
    "write_identity_map",
]
