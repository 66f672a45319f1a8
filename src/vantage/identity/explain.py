"""Why identifiers belong together: the edges, their events and the rules that decided them."""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from vantage.core.identifiers import Identifier
from vantage.identity.graph import (
    CUSTOMER_PREFIX,
    MERGED,
    SAME,
    STATUS_NAMES,
    IdentifierLike,
    IdentityError,
    Split,
)

if TYPE_CHECKING:
    from vantage.identity.graph import IdentityGraph


@dataclass(frozen=True)
class EdgeInfo:
    """One logged edge between two identifiers.

    Attributes:
        a: The stronger identifier of the event (the star's centre).
        b: The other identifier.
        seq: Sequence number of the event that linked them.
        message_id: That event's messageId (None when not recorded).
        at: Event time, ISO-8601.
        status: Current outcome: ``merged``, ``same`` (already together) or ``refused``.
        rule: The rule behind the current outcome.
        original_status: Outcome when the event was first processed (before any split).
        original_rule: The rule behind the original outcome.
    """

    a: Identifier
    b: Identifier
    seq: int
    message_id: str | None
    at: str
    status: str
    rule: str
    original_status: str
    original_rule: str


@dataclass
class Explanation:
    """Why a profile holds its identifiers.

    Attributes:
        customer_id: The profile.
        identifiers: Its identifiers with ``since`` and ``reason`` (as in ``identity_map``).
        edges: Every logged edge touching the profile, in event order.
        path: For an identifier target: the edges linking it to the profile's anchor.
        splits: Manual splits that involved one of its identifiers.
    """

    customer_id: str
    identifiers: list[dict[str, Any]]
    edges: list[EdgeInfo]
    path: list[EdgeInfo] = field(default_factory=list)
    splits: list[Split] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return asdict(self)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).isoformat()


def parse_target(target: str | IdentifierLike) -> str | tuple[str, str]:
    """A customer id (``cus_...``) stays text; ``type:value`` text becomes a pair."""
    if isinstance(target, Identifier):
        return target.type, target.value
    if isinstance(target, tuple):
        return target
    if target.startswith(CUSTOMER_PREFIX):
        return target
    id_type, sep, value = target.partition(":")
    if not sep or not value:
        raise IdentityError(
            f"{target[:40]!r} is neither a customer id nor a type:value identifier.",
            "Pass a customer id such as cus_0123abcd... or an identifier such as "
            "email:jane@example.com.",
        )
    return id_type.strip().lower(), value.strip()


def explain(graph: IdentityGraph, target: str | IdentifierLike) -> Explanation:
    """Explain the profile of a customer id or of an identifier.

    Args:
        graph: The identity graph.
        target: ``cus_...``, ``type:value`` text, an :class:`Identifier` or a pair.

    Raises:
        IdentityError: The customer or identifier is unknown.
    """
    parsed = parse_target(target)
    focus: int | None = None
    if isinstance(parsed, str):
        root = graph._root_of(parsed)
        if root is None:
            raise IdentityError(
                f"No customer {parsed} in the identity graph.",
                "Check the id, or explain one of its identifiers (type:value) instead.",
            )
    else:
        focus = graph.lookup(parsed)
        if focus is None:
            raise IdentityError(
                f"The identifier {parsed[0]}:<{len(parsed[1])} chars> was never seen.",
                "Check the type and the value (e-mails are lower-cased, phones E.164).",
            )
        root = graph._root[focus]
    members = sorted(graph._members[root])
    rows = graph.identity_map(members).to_pylist()
    for row in rows:
        row["since"] = row["since"].isoformat()
    edges = _edges(graph, members)
    path = _path(graph, edges, focus, root) if focus is not None else []
    names = {(graph.identifier(m).type, graph.identifier(m).value) for m in members}
    customer = graph._customer(root)
    splits = [
        s for s in graph.splits if s.customer_id == customer or (s.id_type, s.id_value) in names
    ]
    return Explanation(customer, rows, [e for _, e in edges], path, splits)


def _edges(graph: IdentityGraph, members: list[int]) -> list[tuple[tuple[int, int], EdgeInfo]]:
    ea = np.frombuffer(graph._ea, dtype=np.int32)
    eb = np.frombuffer(graph._eb, dtype=np.int32)
    wanted = np.asarray(members, dtype=np.int32)
    out = []
    for e in np.flatnonzero(np.isin(ea, wanted) | np.isin(eb, wanted)).tolist():
        a, b, seq = graph._ea[e], graph._eb[e], graph._eseq[e]
        info = EdgeInfo(
            a=graph.identifier(a),
            b=graph.identifier(b),
            seq=seq,
            message_id=graph._messages.get(seq),
            at=_iso(graph._ets[e]),
            status=STATUS_NAMES[graph._ecur[e]],
            rule=graph._rule_text[graph._ecrule[e]],
            original_status=STATUS_NAMES[graph._estatus[e]],
            original_rule=graph._rule_text[graph._erule[e]],
        )
        out.append(((a, b), info))
    return out


def _path(
    graph: IdentityGraph, edges: list[tuple[tuple[int, int], EdgeInfo]], focus: int, root: int
) -> list[EdgeInfo]:
    """Shortest chain of merged/same edges from ``focus`` to the anchor ``root``."""
    links: dict[int, list[tuple[int, EdgeInfo]]] = {}
    for (a, b), info in edges:
        if info.status in (STATUS_NAMES[MERGED], STATUS_NAMES[SAME]):
            links.setdefault(a, []).append((b, info))
            links.setdefault(b, []).append((a, info))
    back: dict[int, tuple[int, EdgeInfo] | None] = {focus: None}
    queue = deque([focus])
    while queue:
        node = queue.popleft()
        if node == root:
            break
        for nxt, info in links.get(node, []):
            if nxt not in back:
                back[nxt] = (node, info)
                queue.append(nxt)
    path: list[EdgeInfo] = []
    node = root
    while back.get(node) is not None:
        prev, info = back[node]  # type: ignore[misc]
        path.append(info)
        node = prev
    return path[::-1]
