"""Get a data set's files onto this machine, verified: from a mirror folder or downloaded.

A mirror (``VANTAGE_DATA_MIRROR``, ``settings.data_mirror``) is read-only: files are read in
place after their sha256 is checked. Without a mirror, files are downloaded from their upstream
URL into the cache (``<VANTAGE_HOME>/datasets``) through a temporary file that only takes the
final name once its sha256 matches, so an interrupted or corrupted download never looks complete.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import BinaryIO

from vantage.core.errors import DatasetError
from vantage.datasets.specs import DatasetSpec, FileSpec

CHUNK_BYTES = 1 << 20
USER_AGENT = "vantage-datasets/0.1 (+https://github.com/vantage-cdp/vantage)"
_LFS_POINTER = b"version https://git-lfs"
_NO_NETWORK_FIX = (
    "Set VANTAGE_DATA_MIRROR to a folder holding a copy of the public data sets, or run "
    "`vantage datasets fetch {name}` on a machine with network access."
)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def default_locations(mirror: Path | None, cache: Path | None) -> tuple[Path | None, Path]:
    """Fill in the mirror and cache folders from the settings when not given.

    Args:
        mirror: Mirror folder, or None for ``settings.data_mirror`` (may itself be None).
        cache: Cache folder, or None for ``<settings.home>/datasets``.

    Returns:
        The mirror (or None) and the cache folder.
    """
    if mirror is not None and cache is not None:
        return mirror, cache
    from vantage.core.settings import load_settings

    settings = load_settings()
    return (
        mirror if mirror is not None else settings.data_mirror,
        cache if cache is not None else settings.home / "datasets",
    )


def fetch_spec(
    spec: DatasetSpec,
    *,
    mirror: Path | None,
    cache: Path,
    download: bool = True,
    timeout: float = 60.0,
) -> Path:
    """Make every file of ``spec`` available and verified; return the data set's folder.

    The mirror wins when it holds the data set's folder; otherwise the cache is used and
    missing files are downloaded (when ``download`` is true).

    Args:
        spec: The data set.
        mirror: Read-only mirror folder, or None.
        cache: Cache folder for downloads.
        download: False to refuse the network and fail on a missing file instead.
        timeout: Seconds to wait for an upstream server.

    Returns:
        The folder holding the data set's files (inside the mirror or the cache).

    Raises:
        DatasetError: A file is missing, corrupt or cannot be downloaded; the message says what
            to do.
    """
    if mirror is not None and (mirror / spec.folder).is_dir():
        folder = mirror / spec.folder
        for file in spec.files:
            _verify_mirror_file(spec, file, folder / file.path)
        return folder
    folder = cache / spec.folder
    for file in spec.files:
        target = folder / file.path
        if target.is_file():
            _verify_cached_file(spec, target, file)
        elif not download:
            raise DatasetError(
                f"Data set {spec.name} is not available: {target} is missing"
                + (f" and the mirror {mirror} has no folder {spec.folder}." if mirror else "."),
                _NO_NETWORK_FIX.format(name=spec.name),
            )
        else:
            download_file(spec, file, target, timeout=timeout)
    return folder


def _verify_mirror_file(spec: DatasetSpec, file: FileSpec, path: Path) -> None:
    if not path.is_file():
        raise DatasetError(
            f"The mirror folder {path.parent} lacks {file.path} of data set {spec.name}.",
            f"Copy the file from {file.url} into the mirror, or unset VANTAGE_DATA_MIRROR and "
            f"run `vantage datasets fetch {spec.name}` to download it into the cache.",
        )
    digest = sha256_file(path)
    if digest != file.sha256:
        raise DatasetError(
            f"Mirror file {path} has sha256 {digest}, expected {file.sha256}: it is not the "
            f"registered file of data set {spec.name}.",
            f"Replace it with a fresh copy of {file.url} (Vantage never writes to the mirror).",
        )


def _verify_cached_file(spec: DatasetSpec, path: Path, file: FileSpec) -> None:
    digest = sha256_file(path)
    if digest != file.sha256:
        raise DatasetError(
            f"Cached file {path} is corrupt: sha256 {digest}, expected {file.sha256}.",
            f"Delete {path} and run `vantage datasets fetch {spec.name}` again.",
        )


def download_file(spec: DatasetSpec, file: FileSpec, target: Path, *, timeout: float) -> None:
    """Download one file from its upstream URL into ``target``, verifying its sha256.

    Args:
        spec: The data set the file belongs to.
        file: The file, with its URL and expected sha256.
        target: Where the verified file ends up.
        timeout: Seconds to wait for the server.

    Raises:
        DatasetError: The file is repackaged (no upstream URL has its bytes), the server cannot
            be reached or answers with an error, or the bytes do not match the sha256.
    """
    if file.repackaged:
        raise DatasetError(
            f"{spec.name}/{file.path} cannot be downloaded: the registered file is "
            f"{file.repackaged} (upstream: {file.url}).",
            "Set VANTAGE_DATA_MIRROR to a folder holding a copy of the public data sets "
            "(see docs/datasets.md).",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            digest, head, size = _stream(file.url, out, timeout, spec.name)
        if digest != file.sha256:
            lfs = " (the server sent a Git LFS pointer, not the file)"
            raise DatasetError(
                f"The download of {file.url} has sha256 {digest} ({size} bytes), expected "
                f"{file.sha256}{lfs if head.startswith(_LFS_POINTER) else ''}; nothing was kept.",
                "The upstream file changed or the download was damaged: try again, or set "
                "VANTAGE_DATA_MIRROR to a folder holding a verified copy.",
            )
        temp.replace(target)
    finally:
        temp.unlink(missing_ok=True)


def _stream(url: str, out: BinaryIO, timeout: float, name: str) -> tuple[str, bytes, int]:
    """Copy ``url`` into the open file ``out``; return (sha256, first bytes, size)."""
    digest = hashlib.sha256()
    head = b""
    size = 0
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            while chunk := response.read(CHUNK_BYTES):
                if not head:
                    head = chunk[:64]
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
    except urllib.error.HTTPError as exc:
        raise DatasetError(
            f"Downloading {url} for data set {name} failed: HTTP {exc.code} {exc.reason}.",
            _NO_NETWORK_FIX.format(name=name),
        ) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DatasetError(
            f"Could not download {url} for data set {name}: {reason}.",
            "Check the network connection and try again, or set VANTAGE_DATA_MIRROR to a "
            "folder holding a copy of the public data sets.",
        ) from exc
    return digest.hexdigest(), head, size
