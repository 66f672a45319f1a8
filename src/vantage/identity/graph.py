"""The incremental, deterministic identity graph.

Events are processed in ``seq`` order. The identifiers of one event are linked as a star from the
strongest one (by the rules' priority) to each of the others. Every link is checked against the
rules at merge time: when it would break a limit, the over-merge guard or a manual split, the edge
to the weaker identifier is refused and recorded with the reason. Edges are kept as an
append-only log (every merge, and the first sighting of every other pair), which is what
:meth:`IdentityGraph.split` replays to re-derive profiles.

Data structures are flat arrays indexed by integer identifier ids. Each profile is a list of
members; its key is its anchor, the oldest identifier (first seen first), whose stable hash is
the ``customer_id``. A merge relabels the members of the younger profile, so a lookup is one array
read. Profiles are capped by ``max_cluster_size``, which bounds every merge's cost.

Because every step is deterministic, replaying the same events (a rebuild from the lake) gives
the identical ``identity_map``.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vantage.core.errors import VantageError
from vantage.core.identifiers import Identifier
from vantage.identity.rules import IdentityRules

if TYPE_CHECKING:
    from vantage.identity.explain import Explanation

MERGED, SAME, REFUSED = 1, 2, 3
STATUS_NAMES = {MERGED: "merged", SAME: "same", REFUSED: "refused"}
CO_OCCURRENCE = "co-occurrence"
CUSTOMER_PREFIX = "cus_"
IDENTITY_MAP_SCHEMA = pa.schema(
    [
        pa.field("id_type", pa.string(), nullable=False),
        pa.field("id_value", pa.string(), nullable=False),
        pa.field("customer_id", pa.string(), nullable=False),
        pa.field("since", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
    ]
)
IdentifierLike = Identifier | tuple[str, str]


def customer_id_for(id_type: str, value: str) -> str:
    """The customer id of a profile anchored at an identifier (a stable hash)."""
    digest = hashlib.blake2b(f"{id_type}:{value}".encode(), digest_size=8).hexdigest()
    return CUSTOMER_PREFIX + digest


class IdentityError(VantageError):
    """An identity operation cannot be done (unknown customer, identifier not in it, ...)."""


@dataclass(frozen=True)
class Split:
    """A manual split: ``identifier`` was taken out of ``customer_id``.

    Attributes:
        customer_id: The profile it was taken out of.
        id_type: Type of the identifier taken out.
        id_value: Value of the identifier taken out.
        at_seq: The graph's watermark when the split was made (a rebuild applies it there).
        note: Free text (who, why).
    """

    customer_id: str
    id_type: str
    id_value: str
    at_seq: int
    note: str = ""


class IdentityGraph:
    """Deterministic identity resolution over normalised identifiers.

    Args:
        rules: Limits, priority, guards; defaults when None.

    Attributes:
        rules: The rules in force.
        watermark: The highest event ``seq`` processed (-1 before the first).
        splits: Manual splits, oldest first.
    """

    def __init__(self, rules: IdentityRules | None = None) -> None:
        self.rules = rules or IdentityRules()
        self.watermark = -1
        self.splits: list[Split] = []
        self._type_names: list[str] = []
        self._type_code: dict[str, int] = {}
        self._index: list[dict[str, int]] = []
        self._rank: list[int] = []
        self._limit: list[tuple[int, float | None, str] | None] = []
        self._tcode = array("i")
        self._value: list[str] = []
        self._first_seq = array("q")
        self._first_ts = array("d")
        self._root = array("i")
        self._joined = array("d")
        self._via = array("i")
        self._members: dict[int, list[int]] = {}
        self._ea = array("i")
        self._eb = array("i")
        self._eseq = array("q")
        self._ets = array("d")
        self._erule = array("i")
        self._ecrule = array("i")
        self._estatus = array("b")
        self._ecur = array("b")
        self._rule_text: list[str] = []
        self._rule_code: dict[str, int] = {}
        self._seen: set[int] = set()
        self._messages: dict[int, str] = {}
        self._cannot: dict[int, set[int]] = {}
        self._changed: set[int] = set()
        self._pending: list[Split] = []
        self._by_customer: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._value)

    @property
    def customer_count(self) -> int:
        """Number of profiles (connected groups of identifiers)."""
        return len(self._members)

    @property
    def edge_count(self) -> int:
        """Number of edges in the log (merged, same and refused)."""
        return len(self._ea)

    def _code(self, id_type: str) -> int:
        code = self._type_code.get(id_type)
        if code is None:
            code = len(self._type_names)
            self._type_code[id_type] = code
            self._type_names.append(id_type)
            self._index.append({})
            self._rank.append(self.rules.rank(id_type))
            limit = self.rules.limits.get(id_type)
            self._limit.append(
                None
                if limit is None
                else (
                    limit.max,
                    None if limit.window_days is None else limit.window_days * 86400.0,
                    f"limit: {id_type} at most {limit.describe()} per profile",
                )
            )
        return code

    def _intern(self, code: int, value: str, seq: int, ts: float) -> int:
        i = len(self._value)
        self._index[code][value] = i
        self._tcode.append(code)
        self._value.append(value)
        self._first_seq.append(seq)
        self._first_ts.append(ts)
        self._root.append(i)
        self._joined.append(ts)
        self._via.append(-1)
        self._members[i] = [i]
        self._changed.add(i)
        if self._by_customer is not None:
            self._remember((i,))
        return i

    def lookup(self, identifier: IdentifierLike) -> int | None:
        """The integer id of a known identifier, or None."""
        id_type, value = _pair(identifier)
        code = self._type_code.get(id_type)
        return None if code is None else self._index[code].get(value)

    def identifier(self, i: int) -> Identifier:
        """The identifier with integer id ``i``."""
        return Identifier(self._type_names[self._tcode[i]], self._value[i])

    def customer_of(self, identifier: IdentifierLike) -> str | None:
        """The customer id of an identifier, or None when it was never seen."""
        i = self.lookup(identifier)
        return None if i is None else self._customer(self._root[i])

    def _customer(self, root: int) -> str:
        return customer_id_for(self._type_names[self._tcode[root]], self._value[root])

    def members(self, customer_id: str) -> list[Identifier]:
        """The identifiers of a profile, oldest first (empty when unknown)."""
        root = self._root_of(customer_id)
        return [] if root is None else [self.identifier(m) for m in sorted(self._members[root])]

    def _root_of(self, customer_id: str) -> int | None:
        if self._by_customer is None:
            self._by_customer = {self._customer(r): r for r in self._members}
        root = self._by_customer.get(customer_id)
        if root is None or self._root[root] != root:
            return None
        return root

    def _remember(self, roots: Iterable[int]) -> None:
        if self._by_customer is not None:
            for r in roots:
                self._by_customer[self._customer(r)] = r

    def add(
        self,
        identifiers: Sequence[IdentifierLike],
        seq: int,
        ts: float,
        message_id: str | None = None,
    ) -> int:
        """Process one event's identifiers (already normalised, junk dropped).

        Args:
            identifiers: The event's identifiers (:class:`Identifier` or ``(type, value)``).
            seq: The event's sequence number; events at or below :attr:`watermark` are skipped,
                so processing is idempotent.
            ts: Event time, seconds since the epoch (``since`` of new links; rolling windows).
            message_id: The event's messageId, kept for edges it creates (explanations).

        Returns:
            How many merges the event caused.
        """
        if seq <= self.watermark:
            return 0
        for split in self._splits_due(seq):
            self._apply_split(split)
        self.watermark = seq
        coded = []
        for ident in identifiers:
            id_type, value = _pair(ident)
            code = self._type_code.get(id_type)
            if code is None:
                code = self._code(id_type)
            coded.append((self._rank[code], id_type, value, code))
        if len(coded) > 1:
            coded = sorted(set(coded))
        ordered: list[int] = []
        for _, _, value, code in coded:
            i = self._index[code].get(value)
            if i is None:
                i = self._intern(code, value, seq, ts)
            ordered.append(i)
        if len(ordered) < 2:
            return 0
        anchor = ordered[0]
        merges = 0
        for other in ordered[1:]:
            merges += self._link(anchor, other, seq, ts, message_id, -1)
        return merges

    def _splits_due(self, seq: int) -> list[Split]:
        due = []
        while self._pending and self._pending[0].at_seq < seq:
            due.append(self._pending.pop(0))
        return due

    def _link(self, a: int, b: int, seq: int, ts: float, message_id: str | None, edge: int) -> int:
        """Try to join the profiles of ``a`` and ``b``; ``edge`` >= 0 replays a logged edge."""
        ra, rb = self._root[a], self._root[b]
        key = (a << 32) | b if a < b else (b << 32) | a
        if ra == rb:
            self._record(edge, key, a, b, seq, ts, SAME, CO_OCCURRENCE, message_id)
            return 0
        if ra > rb:
            ra, rb = rb, ra
        why = self._refusal(ra, rb, ts)
        if why is not None:
            self._record(edge, key, a, b, seq, ts, REFUSED, why, message_id)
            return 0
        if edge < 0:
            self._seen.add(key)
            edge = self._log(a, b, seq, ts, MERGED, CO_OCCURRENCE, message_id)
        else:
            self._ecur[edge] = MERGED
            self._ecrule[edge] = self._rule(CO_OCCURRENCE)
        absorbed = self._members.pop(rb)
        root, joined, via = self._root, self._joined, self._via
        for m in absorbed:
            root[m] = ra
            joined[m] = ts
            via[m] = edge
        self._members[ra].extend(absorbed)
        self._changed.update(absorbed)
        return 1

    def _record(
        self,
        edge: int,
        key: int,
        a: int,
        b: int,
        seq: int,
        ts: float,
        status: int,
        rule: str,
        message_id: str | None,
    ) -> None:
        if edge >= 0:
            self._ecur[edge] = status
            self._ecrule[edge] = self._rule(rule)
        elif key not in self._seen:
            self._seen.add(key)
            self._log(a, b, seq, ts, status, rule, message_id)

    def _rule(self, text: str) -> int:
        code = self._rule_code.get(text)
        if code is None:
            code = self._rule_code[text] = len(self._rule_text)
            self._rule_text.append(text)
        return code

    def _log(
        self, a: int, b: int, seq: int, ts: float, status: int, rule: str, message_id: str | None
    ) -> int:
        self._ea.append(a)
        self._eb.append(b)
        self._eseq.append(seq)
        self._ets.append(ts)
        code = self._rule(rule)
        self._erule.append(code)
        self._ecrule.append(code)
        self._estatus.append(status)
        self._ecur.append(status)
        if message_id is not None:
            self._messages[seq] = message_id
        return len(self._ea) - 1

    def _refusal(self, ra: int, rb: int, ts: float) -> str | None:
        """Why joining profile ``rb`` into ``ra`` at time ``ts`` breaks a rule, or None."""
        keep, absorb = self._members[ra], self._members[rb]
        size = len(keep) + len(absorb)
        if size > self.rules.max_cluster_size:
            return f"guard: profile would hold {size} identifiers > max_cluster_size"
        if self._cannot and self._split_blocks(keep, absorb, ra, rb):
            return "split: a manual split keeps these identifiers apart"
        tcode, limits = self._tcode, self._limit
        added: dict[int, int] = {}
        for m in absorb:
            code = tcode[m]
            if limits[code] is not None:
                added[code] = added.get(code, 0) + 1
        for code, extra in added.items():
            most, window, text = limits[code]  # type: ignore[misc]
            if window is None:
                held = sum(1 for m in keep if tcode[m] == code)
            else:
                since, joined = ts - window, self._joined
                held = sum(1 for m in keep if tcode[m] == code and joined[m] >= since)
            if held + extra > most:
                return text
        return None

    def _split_blocks(self, keep: list[int], absorb: list[int], ra: int, rb: int) -> bool:
        small, other = (keep, rb) if len(keep) <= len(absorb) else (absorb, ra)
        root, cannot = self._root, self._cannot
        for m in small:
            blocked = cannot.get(m)
            if blocked and any(root[y] == other for y in blocked):
                return True
        return False

    def queue_splits(self, splits: Iterable[Split]) -> None:
        """Splits to apply during a replay, each once the events up to its ``at_seq`` are in."""
        self._pending = sorted([*self._pending, *splits], key=lambda s: s.at_seq)

    def apply_pending(self) -> None:
        """Apply queued splits whose ``at_seq`` has been reached (the end of a replay)."""
        while self._pending and self._pending[0].at_seq <= self.watermark:
            self._apply_split(self._pending.pop(0))

    def split(self, customer_id: str, identifier: IdentifierLike, note: str = "") -> Split:
        """Take an identifier out of a profile and re-derive the profiles around it.

        The identifier may never again share a profile with the identifiers it is taken away
        from (a cannot-link recorded with the split); the edges of the affected part of the
        graph are replayed in their original order under that constraint. The edge log itself
        is kept: :meth:`explain` shows the current and the original outcome of each edge.

        Args:
            customer_id: The profile to split.
            identifier: The identifier to take out.
            note: Who split it and why (kept with the split).

        Returns:
            The recorded split.

        Raises:
            IdentityError: The customer is unknown, the identifier is not in it, or it is the
                profile's only identifier.
        """
        root = self._root_of(customer_id)
        id_type, value = _pair(identifier)
        if root is None:
            raise IdentityError(
                f"No customer {customer_id} in the identity graph.",
                "Look the customer up by one of its identifiers (explain) and use that id.",
            )
        i = self.lookup(identifier)
        if i is None or self._root[i] != root:
            raise IdentityError(
                f"Identifier {id_type}:<{len(value)} chars> is not part of {customer_id}.",
                "Pass one of the identifiers that explain() lists for this customer.",
            )
        if len(self._members[root]) == 1:
            raise IdentityError(
                f"{customer_id} has only one identifier; there is nothing to split.",
                "Split a customer that holds two or more identifiers.",
            )
        split = Split(customer_id, id_type, value, self.watermark, note)
        self._apply_split(split)
        return split

    def _apply_split(self, split: Split) -> None:
        i = self.lookup((split.id_type, split.id_value))
        self.splits.append(split)
        if i is None:
            return
        others = [m for m in self._members[self._root[i]] if m != i]
        self._cannot.setdefault(i, set()).update(others)
        for m in others:
            self._cannot.setdefault(m, set()).add(i)
        self._replay(self._region(i))

    def _region(self, start: int) -> list[int]:
        """Identifiers connected to ``start`` by any logged edge (whatever its outcome)."""
        ea = np.frombuffer(self._ea, dtype=np.int32)
        eb = np.frombuffer(self._eb, dtype=np.int32)
        src = np.concatenate([ea, eb])
        dst = np.concatenate([eb, ea])
        order = np.argsort(src, kind="stable")
        src, dst = src[order], dst[order]
        bounds = np.searchsorted(src, np.arange(len(self._value) + 1))
        seen, frontier = {start}, [start]
        while frontier:
            node = frontier.pop()
            for nxt in dst[bounds[node] : bounds[node + 1]].tolist():
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        return sorted(seen)

    def _replay(self, nodes: list[int]) -> None:
        """Re-derive the profiles of ``nodes`` by replaying their logged edges in order."""
        for r in {self._root[m] for m in nodes}:
            self._members.pop(r, None)
        for m in nodes:
            self._root[m] = m
            self._joined[m] = self._first_ts[m]
            self._via[m] = -1
            self._members[m] = [m]
        self._changed.update(nodes)
        ea = np.frombuffer(self._ea, dtype=np.int32)
        edges = np.flatnonzero(np.isin(ea, np.asarray(nodes, dtype=np.int32)))
        for e in edges.tolist():
            self._link(self._ea[e], self._eb[e], self._eseq[e], self._ets[e], None, e)
        self._remember(m for m in nodes if self._root[m] == m)

    def identity_map(self, indices: Sequence[int] | np.ndarray | None = None) -> pa.Table:
        """The ``identity_map`` rows: one per identifier (or per id in ``indices``).

        Returns:
            A table with :data:`IDENTITY_MAP_SCHEMA`, ordered by identifier id (first seen
            first).
        """
        n = len(self._value)
        idx = np.arange(n) if indices is None else np.sort(np.asarray(indices, dtype=np.int64))
        tcode = np.frombuffer(self._tcode, dtype=np.int32)[idx] if n else np.zeros(0, np.int32)
        roots = np.frombuffer(self._root, dtype=np.int32)[idx] if n else np.zeros(0, np.int32)
        unique_roots, where = np.unique(roots, return_inverse=True)
        customers = pa.array([self._customer(int(r)) for r in unique_roots], pa.string())
        names = pa.array(self._type_names, pa.string())
        values = pa.array([self._value[i] for i in idx.tolist()], pa.string())
        joined = np.frombuffer(self._joined, dtype=np.float64)[idx] if n else np.zeros(0)
        since = pa.array((joined * 1e6).round().astype(np.int64), pa.int64()).cast(
            pa.timestamp("us", tz="UTC")
        )
        reasons = self._reasons(idx)
        return pa.table(
            [names.take(tcode), values, customers.take(where), since, reasons],
            schema=IDENTITY_MAP_SCHEMA,
        )

    def _reasons(self, idx: np.ndarray) -> pa.Array:
        if not len(idx):
            return pa.array([], pa.string())
        via = np.frombuffer(self._via, dtype=np.int32)[idx]
        first = np.frombuffer(self._first_seq, dtype=np.int64)[idx]
        linked = via >= 0
        safe = np.where(linked, via, 0)
        if len(self._ea):
            ea = np.frombuffer(self._ea, dtype=np.int32)[safe]
            eb = np.frombuffer(self._eb, dtype=np.int32)[safe]
            eseq = np.frombuffer(self._eseq, dtype=np.int64)[safe]
            tcode = np.frombuffer(self._tcode, dtype=np.int32)
            ta, tb = tcode[ea], tcode[eb]
        else:
            ta = tb = np.zeros(len(idx), np.int32)
            eseq = first
        names = pa.array(self._type_names, pa.string())
        merged = pc.binary_join_element_wise(
            "merged: ",
            names.take(pa.array(ta)),
            "~",
            names.take(pa.array(tb)),
            " co-occurred in event seq ",
            pc.cast(pa.array(eseq), pa.string()),
            "",
        )
        fresh = pc.binary_join_element_wise(
            "first seen in event seq ", pc.cast(pa.array(first), pa.string()), ""
        )
        return pc.if_else(pa.array(linked), merged, fresh)

    def explain(self, target: str | IdentifierLike) -> Explanation:
        """Why a profile holds its identifiers; see :func:`vantage.identity.explain.explain`.

        Args:
            target: A customer id (``cus_...``), ``type:value`` text, or an identifier.
        """
        from vantage.identity.explain import explain

        return explain(self, target)

    def drain_changes(self) -> pa.Table:
        """``identity_map`` rows of identifiers whose profile changed since the last drain."""
        changed = np.fromiter(self._changed, dtype=np.int64, count=len(self._changed))
        self._changed = set()
        return self.identity_map(changed)


def _pair(identifier: IdentifierLike) -> tuple[str, str]:
    if isinstance(identifier, Identifier):
        return identifier.type, identifier.value
    return identifier[0], identifier[1]
