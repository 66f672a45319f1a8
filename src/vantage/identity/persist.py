"""Saving and loading the identity graph's state under ``<home>/identity/``.

The state is a few Parquet files (identifiers, edge log, message ids, cannot-links) plus
``state.json`` (watermark, splits, rules). Each save writes a new generation of files, fsyncs
them and only then replaces ``state.json`` atomically, so a crash leaves the previous state
readable. Older generations are removed after the switch.
"""

from __future__ import annotations

import json
import os
from array import array
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from vantage.identity.graph import IdentityGraph, Split
from vantage.identity.rules import IdentityRules

STATE_FILE = "state.json"
TABLES = ("identifiers", "edges", "messages", "cannot")


def identity_dir(home: Path) -> Path:
    """The folder holding the graph state of a data directory."""
    return Path(home) / "identity"


def _np(values: array[Any], dtype: Any) -> np.ndarray:
    return np.frombuffer(values, dtype=dtype) if len(values) else np.zeros(0, dtype)


def _tables(graph: IdentityGraph) -> dict[str, pa.Table]:
    g = graph
    names = pa.array(g._type_names, pa.string())
    rules = pa.array(g._rule_text, pa.string())
    cannot = [(a, b) for a, others in g._cannot.items() for b in others if a < b]
    return {
        "identifiers": pa.table(
            {
                "id_type": names.take(pa.array(_np(g._tcode, np.int32))),
                "id_value": pa.array(g._value, pa.string()),
                "first_seq": _np(g._first_seq, np.int64),
                "first_ts": _np(g._first_ts, np.float64),
                "root": _np(g._root, np.int32),
                "joined": _np(g._joined, np.float64),
                "via": _np(g._via, np.int32),
            }
        ),
        "edges": pa.table(
            {
                "a": _np(g._ea, np.int32),
                "b": _np(g._eb, np.int32),
                "seq": _np(g._eseq, np.int64),
                "ts": _np(g._ets, np.float64),
                "rule": rules.take(pa.array(_np(g._erule, np.int32))),
                "current_rule": rules.take(pa.array(_np(g._ecrule, np.int32))),
                "status": _np(g._estatus, np.int8),
                "current": _np(g._ecur, np.int8),
            }
        ),
        "messages": pa.table(
            {
                "seq": pa.array(list(g._messages), pa.int64()),
                "message_id": pa.array(list(g._messages.values()), pa.string()),
            }
        ),
        "cannot": pa.table(
            {
                "a": pa.array([a for a, _ in cannot], pa.int32()),
                "b": pa.array([b for _, b in cannot], pa.int32()),
            }
        ),
    }


def _fsync_write(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def save_graph(graph: IdentityGraph, home: Path, *, structural: bool = True) -> Path:
    """Write the graph's state under ``<home>/identity/`` (crash-safe).

    Args:
        graph: The graph.
        home: The data directory.
        structural: True when the graph changed other than by feeding it new events in
            ``seq`` order (rebuild, split, erasure): the saved *epoch* moves on, which tells
            real-time readers holding their own copy (the server) to reload it.

    Returns:
        The ``state.json`` path.
    """
    folder = identity_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    state_path = folder / STATE_FILE
    generation = _generation(state_path) + 1
    for name, table in _tables(graph).items():
        path = folder / f"{name}-{generation}.parquet"
        pq.write_table(table, path)
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
    epoch = read_epoch(home) + (1 if structural else 0)
    state = {
        "generation": generation,
        "epoch": epoch,
        "watermark": graph.watermark,
        "splits": [asdict(s) for s in graph.splits],
        "rules": graph.rules.model_dump(mode="json"),
    }
    tmp = folder / f"{STATE_FILE}.tmp"
    _fsync_write(tmp, json.dumps(state, indent=1).encode())
    tmp.replace(state_path)
    for old in folder.glob("*-*.parquet"):
        if not old.stem.endswith(f"-{generation}"):
            old.unlink(missing_ok=True)
    return state_path


def _generation(state_path: Path) -> int:
    if not state_path.is_file():
        return 0
    return int(json.loads(state_path.read_text())["generation"])


def read_epoch(home: Path) -> int:
    """The epoch of the saved graph (0 when none was saved); see :func:`save_graph`."""
    state_path = identity_dir(home) / STATE_FILE
    if not state_path.is_file():
        return 0
    return int(json.loads(state_path.read_text()).get("epoch", 0))


def load_graph(home: Path, rules: IdentityRules | None = None) -> IdentityGraph | None:
    """Load the saved graph of a data directory; None when nothing was saved.

    Args:
        home: The data directory.
        rules: Rules to use from now on; default the rules saved with the state.
    """
    folder = identity_dir(home)
    state_path = folder / STATE_FILE
    if not state_path.is_file():
        return None
    state = json.loads(state_path.read_text())
    gen = state["generation"]
    tables = {name: pq.read_table(folder / f"{name}-{gen}.parquet") for name in TABLES}
    graph = IdentityGraph(rules or IdentityRules.model_validate(state["rules"]))
    _restore(graph, tables)
    graph.watermark = int(state["watermark"])
    graph.splits = [Split(**s) for s in state["splits"]]
    return graph


def _restore(graph: IdentityGraph, tables: dict[str, pa.Table]) -> None:
    g = graph
    ids = tables["identifiers"]
    types = ids.column("id_type").to_pylist()
    codes = [g._code(t) for t in types]
    g._tcode = array("i", codes)
    g._value = ids.column("id_value").to_pylist()
    for i, (code, value) in enumerate(zip(codes, g._value, strict=True)):
        g._index[code][value] = i
    g._first_seq = array("q", ids.column("first_seq").to_numpy().tobytes())
    g._first_ts = array("d", ids.column("first_ts").to_numpy().tobytes())
    g._root = array("i", ids.column("root").to_numpy().tobytes())
    g._joined = array("d", ids.column("joined").to_numpy().tobytes())
    g._via = array("i", ids.column("via").to_numpy().tobytes())
    g._members = {}
    for i, r in enumerate(g._root):
        g._members.setdefault(r, []).append(i)
    edges = tables["edges"]
    g._ea = array("i", edges.column("a").to_numpy().tobytes())
    g._eb = array("i", edges.column("b").to_numpy().tobytes())
    g._eseq = array("q", edges.column("seq").to_numpy().tobytes())
    g._ets = array("d", edges.column("ts").to_numpy().tobytes())
    g._erule = array("i", [g._rule(r) for r in edges.column("rule").to_pylist()])
    g._ecrule = array("i", [g._rule(r) for r in edges.column("current_rule").to_pylist()])
    g._estatus = array("b", edges.column("status").to_numpy().tobytes())
    g._ecur = array("b", edges.column("current").to_numpy().tobytes())
    g._seen = {(a << 32) | b if a < b else (b << 32) | a for a, b in zip(g._ea, g._eb, strict=True)}
    messages = tables["messages"]
    g._messages = dict(
        zip(
            messages.column("seq").to_pylist(),
            messages.column("message_id").to_pylist(),
            strict=True,
        )
    )
    g._cannot = {}
    pairs = tables["cannot"]
    for a, b in zip(pairs.column("a").to_pylist(), pairs.column("b").to_pylist(), strict=True):
        g._cannot.setdefault(a, set()).add(b)
        g._cannot.setdefault(b, set()).add(a)
    g._changed = set()
