"""A workspace with two people, built through the real write path, for the privacy tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from vantage.collect.ingest import Ingestor
from vantage.collect.suppression import SuppressionList
from vantage.core.settings import Settings, load_settings
from vantage.core.workspace import Workspace
from vantage.identity import rebuild_from_lake, save_graph, write_identity_map
from vantage.profiles.consent_ledger import ConsentLedger, create_ledger_table
from vantage.services.warehouse import open_warehouse
from vantage.store.compaction import compact_all
from vantage.store.lake import EventLog
from vantage.store.lake_sync import sync_events

ANN_EMAIL = "Ann.Smith@Example.com"
ANN_PHONE = "+44 7911 123456"
ANN_USER = "ann-7781"
ANN_DEVICE = "anon-ann-5c1f9e"
BOB_EMAIL = "bob.jones@example.org"
BOB_USER = "bob-2231"
# Every form in which Ann's identifiers were sent or stored.
ANN_NEEDLES = (
    ANN_EMAIL,
    ANN_EMAIL.lower(),
    ANN_PHONE,
    "+447911123456",
    "7911123456",
    ANN_USER,
    ANN_DEVICE,
)


@dataclass
class World:
    """The built workspace."""

    home: Path
    settings: Settings
    log: EventLog
    ingestor: Ingestor


def _messages(user: str, email: str, device: str, phone: str | None, n: int) -> list[Any]:
    traits: dict[str, Any] = {"email": email, "name": user.title()}
    if phone:
        traits["phone"] = phone
    consent = {"consent": {"categoryPreferences": {"Advertising": False, "Analytics": True}}}
    out: list[Any] = [
        {
            "type": "identify",
            "messageId": f"{user}-id",
            "userId": user,
            "anonymousId": device,
            "traits": traits,
            "context": consent,
            "timestamp": "2025-05-01T10:00:00Z",
        },
        {
            "type": "page",
            "messageId": f"{user}-page",
            "anonymousId": device,
            "name": "Home",
            "timestamp": "2025-05-01T09:00:00Z",
        },
    ]
    for i in range(n):
        out.append(
            {
                "type": "track",
                "messageId": f"{user}-order-{i}",
                "userId": user,
                "event": "Order Completed",
                "properties": {"revenue": 10.0 + i, "note": f"sent to {email}"},
                "timestamp": f"2025-05-0{2 + i % 3}T12:00:00Z",
            }
        )
    return out


def build_world(home: Path) -> World:
    """Two people (Ann and Bob): compacted and uncompacted events, a failed event, warehouse."""
    Workspace(home).init()
    log = EventLog(home)
    ingestor = Ingestor(suppression=SuppressionList(home))
    ann = _messages(ANN_USER, ANN_EMAIL, ANN_DEVICE, ANN_PHONE, 4)
    bob = _messages(BOB_USER, BOB_EMAIL, "anon-bob-77aa01", None, 3)
    log.append([ingestor.prepare("web", ann[:4] + bob[:3], correct_skew=False)])
    compact_all(log)
    bad = {"type": "track", "userId": ANN_USER, "traits": {"email": ANN_EMAIL}}
    log.append([ingestor.prepare("web", [*ann[4:], *bob[3:], bad], correct_skew=False)])
    settings = load_settings()
    with open_warehouse(settings) as store:
        sync_events(log, store)
        graph = rebuild_from_lake(log)
        save_graph(graph, home)
        write_identity_map(store, graph.identity_map(), replace=True)
        if not store.has_table("consent_ledger"):
            create_ledger_table(store)
        ConsentLedger(store).record_messages([*ann, *bob])
        store.create_table(
            "crm_notes",
            pa.table({"who": [ANN_EMAIL.lower(), BOB_EMAIL], "note": ["vip", "new"]}),
        )
    return World(home, settings, log, ingestor)


def files_with(home: Path, needles: tuple[str, ...]) -> dict[str, list[str]]:
    """Which needles each file under ``home`` holds: raw bytes, and decoded Parquet text."""
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in home.rglob("*") if p.is_file()):
        data = path.read_bytes().lower()
        text = ""
        if path.suffix == ".parquet":
            text = str(pq.read_table(path).to_pylist()).lower()
        hits = [n for n in needles if n.lower().encode() in data or n.lower() in text]
        if hits:
            found[str(path.relative_to(home))] = hits
    return found


def test_world_holds_both_people(home: Path) -> None:
    world = build_world(home)
    found = files_with(world.home, (ANN_USER, BOB_USER))
    assert any(ANN_USER in hits for hits in found.values())
    assert any(p.endswith(".parquet") for p in found)
    assert world.log.count() == 11
    assert world.log.count_failed() == 1
