"""Downloads from a real local HTTP server (http.server on a free port)."""

from __future__ import annotations

import functools
import socket
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from vantage.core.errors import DatasetError
from vantage.datasets import fetch, load

if TYPE_CHECKING:
    from conftest import Tiny


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTP server serving ``tmp_path/upstream`` on a free loopback port."""
    root = tmp_path / "upstream"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", root
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_download_verifies_and_caches(tiny: Tiny, served: tuple[str, Path], tmp_path: Path) -> None:
    base_url, upstream = served
    (upstream / "rows.csv").write_text(tiny.rows)
    (upstream / "sub").mkdir()
    (upstream / "sub" / "other.csv").write_text(tiny.other)
    cache = tmp_path / "cache"
    spec = tiny.spec(base_url)
    folder = fetch(spec, mirror=tmp_path / "no-mirror", cache=cache)
    assert folder == cache / "group" / "tiny"
    assert (folder / "rows.csv").read_text() == tiny.rows
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == ["other.csv", "rows.csv"]
    (upstream / "rows.csv").unlink()
    assert load(spec, mirror=tmp_path / "no-mirror", cache=cache)["value"].sum() == 60


def test_checksum_mismatch_keeps_nothing(
    tiny: Tiny, served: tuple[str, Path], tmp_path: Path
) -> None:
    base_url, upstream = served
    (upstream / "rows.csv").write_text(tiny.rows + "tampered\n")
    cache = tmp_path / "cache"
    with pytest.raises(
        DatasetError, match=r"download of .*rows\.csv has sha256 .*nothing was kept"
    ):
        fetch(tiny.spec(base_url), mirror=None, cache=cache)
    assert [p for p in cache.rglob("*") if p.is_file()] == []


def test_git_lfs_pointer_is_named(tiny: Tiny, served: tuple[str, Path], tmp_path: Path) -> None:
    base_url, upstream = served
    (upstream / "rows.csv").write_text(
        "version https://git-lfs.github.com/spec/v1\noid sha256:00\n"
    )
    with pytest.raises(DatasetError, match="Git LFS pointer"):
        fetch(tiny.spec(base_url), mirror=None, cache=tmp_path / "cache")


def test_http_error_is_reported(tiny: Tiny, served: tuple[str, Path], tmp_path: Path) -> None:
    base_url, _ = served
    with pytest.raises(DatasetError, match=r"failed: HTTP 404.*VANTAGE_DATA_MIRROR"):
        fetch(tiny.spec(base_url), mirror=None, cache=tmp_path / "cache")


def test_unreachable_server_is_reported(tiny: Tiny, tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(DatasetError, match=r"Could not download .*Check the network"):
        fetch(tiny.spec(f"http://127.0.0.1:{port}/"), mirror=None, cache=tmp_path / "c", timeout=5)


def test_repackaged_file_is_never_downloaded(tiny: Tiny, tmp_path: Path) -> None:
    spec = tiny.spec(repackaged="three files packed into one CSV")
    with pytest.raises(DatasetError, match=r"cannot be downloaded.*packed into one CSV"):
        fetch(spec, mirror=None, cache=tmp_path / "cache")
