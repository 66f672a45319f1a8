"""The generated demo workspace: layout, manifest, messages, mappings and ground truth."""

from __future__ import annotations

import csv
import re
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pandas as pd
import pytest
import yaml

from vantage.core.events import Event
from vantage.datasets.demo import DemoManifest, generate

START, END = date(2023, 1, 1), date(2024, 12, 31)
MAPPING_KEYS = {
    "source",
    "type",
    "event",
    "event_column",
    "timestamp",
    "user_id",
    "anonymous_id",
    "message_id",
    "identifiers",
    "traits",
    "properties",
    "consent",
    "context",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoManifest, float]:
    out = tmp_path_factory.mktemp("demo")
    started = time.perf_counter()
    manifest = generate(out, customers=2000, seed=7, start=START, end=END)
    return manifest, time.perf_counter() - started


@pytest.fixture(scope="module")
def out(demo: tuple[DemoManifest, float]) -> Path:
    assert demo[0].out_dir is not None
    return demo[0].out_dir


def api_messages(out: Path, source: str) -> list[dict[str, Any]]:
    lines = (out / "workspace" / "events" / f"{source}.jsonl").read_bytes().splitlines()
    return [orjson.loads(line) for line in lines]


def test_generation_time_for_2000_customers(demo: tuple[DemoManifest, float]) -> None:
    manifest, elapsed = demo
    print(f"generated 2,000 customers in {elapsed:.2f} s")
    assert elapsed < 30
    assert manifest.customers == 2000


def test_manifest_lists_every_workspace_file(out: Path) -> None:
    workspace = out / "workspace"
    manifest = DemoManifest.read(workspace)
    assert (manifest.seed, manifest.customers, manifest.start, manifest.end) == (
        7,
        2000,
        START,
        END,
    )
    listed = {f.path for f in manifest.files} | {f.mapping for f in manifest.files if f.mapping}
    on_disk = {p.relative_to(workspace).as_posix() for p in workspace.rglob("*") if p.is_file()} - {
        "manifest.json"
    }
    assert listed == on_disk
    kinds = Counter(f.kind for f in manifest.files)
    assert kinds == {"api": 3, "import": 4, "table": 4}
    for item in manifest.files:
        path = workspace / item.path
        if path.suffix == ".jsonl":
            assert item.rows == len(path.read_bytes().splitlines())
        else:
            assert item.rows == len(pd.read_csv(path)) > 0
        assert (item.mapping is not None) == (item.kind == "import")
    assert {f.source for f in manifest.files if f.kind == "api"} == {"web", "app", "email"}


def test_truth_is_kept_apart(out: Path) -> None:
    truth = out / "truth"
    assert {p.name for p in truth.iterdir()} >= {
        "identities.csv",
        "customers.csv",
        "orders.csv",
        "channel_effects.csv",
        "channel_effects_weekly.csv",
        "params.json",
    }
    person = re.compile(rb"\b[PVW]\d{6}\b")
    for path in (out / "workspace").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"truth" not in data.lower(), path
            assert not person.search(data), path
    crm_header = (out / "workspace/crm/customers.csv").read_text().splitlines()[0]
    assert "lambda" not in crm_header and "person" not in crm_header


def test_every_api_message_is_a_segment_event(out: Path) -> None:
    seen: set[str] = set()
    first, last = pd.Timestamp(START, tz="UTC"), pd.Timestamp(END, tz="UTC") + pd.Timedelta(days=1)
    for source in ("web", "app", "email"):
        messages = api_messages(out, source)
        assert messages
        stamps = [m["timestamp"] for m in messages]
        assert stamps == sorted(stamps)
        for message in messages:
            event = Event.model_validate(message)
            assert message["originalTimestamp"] == message["timestamp"]
            assert "sentAt" not in message
            assert event.timestamp is not None and first <= event.timestamp < last
            assert event.message_id not in seen
            seen.add(event.message_id)
            assert len(orjson.dumps(message)) < 32 * 1024


def test_web_context_is_realistic(out: Path) -> None:
    web = api_messages(out, "web")
    page = next(m for m in web if m["type"] == "page" and "campaign" in m["context"])
    assert page["context"]["userAgent"].startswith("Mozilla/5.0")
    assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", page["context"]["ip"])
    assert page["context"]["page"]["url"].startswith("https://")
    assert set(page["context"]["campaign"]) == {"name", "source", "medium"}
    app = api_messages(out, "app")
    screen = next(m for m in app if m["type"] == "screen")
    assert {"app", "device", "os"} <= set(screen["context"])
    events = Counter(m.get("event") for m in web + app)
    for name in ("Product Viewed", "Product Added", "Order Completed", "Ad Clicked"):
        assert events[name] > 0
    order = next(m for m in web if m.get("event") == "Order Completed")
    assert order["properties"]["products"] and order["properties"]["currency"] == "GBP"


def test_anonymous_visitors_log_in_later_on_several_devices(out: Path) -> None:
    messages = api_messages(out, "web") + api_messages(out, "app")
    messages.sort(key=lambda m: m["timestamp"])
    anonymous_before: set[str] = set()
    devices_of: defaultdict[str, set[str]] = defaultdict(set)
    linked = 0
    for m in messages:
        anon, user = m.get("anonymousId"), m.get("userId")
        if anon and not user:
            anonymous_before.add(anon)
        if anon and user:
            devices_of[user].add(anon)
            if m["type"] == "identify" and anon in anonymous_before:
                linked += 1
    assert linked > 100
    assert sum(len(d) > 1 for d in devices_of.values()) > 50
    signups = [m for m in messages if m["type"] == "identify" and "first_name" in m["traits"]]
    assert signups and all("@" in m["traits"]["email"] for m in signups)
    guests = [m for m in messages if m["type"] == "identify" and "userId" not in m]
    assert guests, "guest checkouts identify with an e-mail address but no userId"


def test_mappings_use_the_importer_format(out: Path) -> None:
    workspace = out / "workspace"
    for item in DemoManifest.read(workspace).files:
        if item.kind != "import":
            continue
        assert item.mapping is not None
        mapping = yaml.safe_load((workspace / item.mapping).read_text())
        assert set(mapping) <= MAPPING_KEYS, set(mapping) - MAPPING_KEYS
        assert mapping["source"] == item.source
        assert mapping["type"] in {"identify", "track", "page", "screen", "group"}
        assert mapping["context"] == {"library": {"name": "vantage-demo"}}
        columns = _columns(workspace / item.path)
        used = [
            v
            for k, v in mapping.items()
            if k in {"timestamp", "user_id", "anonymous_id", "message_id", "event_column"}
        ]
        for key in ("identifiers", "traits", "properties", "consent"):
            used.extend(mapping.get(key, {}).values())
        assert set(used) <= columns, set(used) - columns


def _columns(path: Path) -> set[str]:
    if path.suffix == ".jsonl":
        return set(orjson.loads(path.read_bytes().splitlines()[0]))
    with path.open() as handle:
        return set(next(csv.reader(handle)))


def test_import_rows_become_valid_events_with_the_importer(out: Path) -> None:
    from vantage.collect.importers.convert import RowConverter
    from vantage.collect.importers.mapping import load_mapping

    workspace = out / "workspace"
    for item in DemoManifest.read(workspace).files:
        if item.kind != "import" or item.mapping is None:
            continue
        mapping = load_mapping(workspace / item.mapping)
        path = workspace / item.path
        jsonl = path.suffix == ".jsonl"
        converter = RowConverter(mapping, item.source, text_values=not jsonl)
        if jsonl:
            rows = [orjson.loads(line) for line in path.read_bytes().splitlines()]
        else:
            with path.open() as handle:
                rows = list(csv.DictReader(handle))
        ids = {Event.model_validate(converter.convert(row)).message_id for row in rows}
        assert len(ids) == len(rows) == item.rows, item.path
        assert sum(converter.skipped_identifiers.values()) == 0, converter.skipped_identifiers


def test_the_crm_opt_in_becomes_e_mail_consent(out: Path) -> None:
    from vantage.collect.importers.convert import RowConverter
    from vantage.collect.importers.mapping import load_mapping

    workspace = out / "workspace"
    crm = next(f for f in DemoManifest.read(workspace).files if f.source == "crm")
    assert crm.mapping is not None
    converter = RowConverter(load_mapping(workspace / crm.mapping), "crm", text_values=True)
    with (workspace / crm.path).open() as handle:
        rows = list(csv.DictReader(handle))
    decided = [
        converter.convert(row)["context"].get("consent", {}).get("categoryPreferences", {})
        for row in rows
    ]
    answers = Counter(d.get("email_marketing") for d in decided)
    assert answers[True] > 0 and answers[False] > 0
    assert answers[True] == sum(row["marketing_opt_in"] == "Y" for row in rows)


def test_crm_has_typos_and_shares_no_key_with_the_web(out: Path) -> None:
    crm = pd.read_csv(out / "workspace/crm/customers.csv", dtype=str, keep_default_na=False)
    identities = pd.read_csv(out / "truth/identities.csv", dtype=str)
    customers = pd.read_csv(out / "truth/customers.csv", dtype=str)
    crm_ids = identities[(identities.source == "crm") & (identities.id_type == "crm_id")]
    rows = crm.merge(crm_ids, left_on="customer_no", right_on="id_value").merge(
        customers, on="person_id", suffixes=("", "_true")
    )
    assert len(rows) == len(crm)
    renamed = (rows.first_name.str.lower() != rows.first_name_true.str.lower()).mean()
    assert 0.03 < renamed < 0.3
    assert (rows.last_name.str.lower() != rows.last_name_true.str.lower()).mean() > 0.02
    emails = crm.email_address[crm.email_address != ""]
    assert (emails != emails.str.strip().str.lower()).mean() > 0.1
    assert (crm.email_address == "").mean() > 0.03
    assert (crm.phone_number == "").mean() > 0.1
    assert (
        crm.phone_number.str.startswith("+44").any() and crm.phone_number.str.startswith("(").any()
    )
    assert rows.person_id.duplicated().sum() > 0, "some people registered twice"
    web_users = set(identities.id_value[identities.id_type == "user_id"])
    anonymous = set(identities.id_value[identities.id_type == "anonymous_id"])
    values = set(crm.to_numpy().ravel())
    assert not values & web_users and not values & anonymous
