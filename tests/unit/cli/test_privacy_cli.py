"""``vantage privacy``: export to a private file, erase with confirmation, audit, no raw PII."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from services.test_privacy_helpers import ANN_EMAIL, ANN_NEEDLES, ANN_USER, build_world
from typer.testing import CliRunner

from vantage.cli.privacy import app

runner = CliRunner()


def invoke(*args: str, given: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=given)
    return result.exit_code, result.stdout, result.stderr


def _has_pii(text: str) -> bool:
    lowered = text.lower()
    return any(n.lower() in lowered for n in ANN_NEEDLES)


def test_export_writes_a_private_file_named_after_the_customer(home: Path) -> None:
    build_world(home)
    code, out, _ = invoke("export", "--email", ANN_EMAIL)
    assert code == 0, out
    [path] = list(Path.cwd().glob("vantage-export-cus_*.json"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    document = json.loads(path.read_text())
    assert len(document["events"]) == 6
    assert not _has_pii(out)
    code, out, _ = invoke("export", f"user_id:{ANN_USER}", "-o", "-")
    assert code == 0
    assert json.loads(out)["customer_id"] == document["customer_id"]


def test_erase_asks_first_and_never_prints_identifiers(home: Path) -> None:
    build_world(home)
    code, out, _ = invoke("erase", "--email", ANN_EMAIL, given="n\n")
    assert code == 1
    assert "Erase cus_" in out and "email" in out
    code, out, _ = invoke("erase", "--email", ANN_EMAIL, "--yes")
    assert code == 0, out
    assert "Erased cus_" in out and "6 events" in out
    assert not _has_pii(out)
    code, out, _ = invoke("audit", "--json")
    entries = json.loads(out)
    assert entries[0]["operation"] == "erase"
    assert entries[0]["counts"]["events"] == 6
    assert not _has_pii(out)
    code, out, _ = invoke("audit")
    assert code == 0 and "erase" in out and not _has_pii(out)


def test_errors_name_the_fix_without_the_value(home: Path) -> None:
    build_world(home)
    code, _, err = invoke("erase", "email:not-an-email", "--yes")
    assert code == 1
    assert "email given is not a usable identifier" in err
    assert "not-an-email" not in err
    code, _, err = invoke("export", "cus_missing", "--email", ANN_EMAIL)
    assert code == 2
    assert "name the person once" in err
