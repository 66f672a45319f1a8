"""What the registry knows about a public data set: its files, checksums and tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import pandas as pd

Loader = Callable[[Path], pd.DataFrame]
Availability = Literal["mirror", "cache", "missing"]


def github_raw(repository: str, commit: str, path: str) -> str:
    """The raw download URL of ``path`` in a GitHub ``owner/name`` repository at ``commit``."""
    return f"https://raw.githubusercontent.com/{repository}/{commit}/{quote(path)}"


def github_tree(repository: str, commit: str, path: str) -> str:
    """The web URL of a folder in a GitHub repository at ``commit``."""
    return f"https://github.com/{repository}/tree/{commit}/{quote(path)}"


@dataclass(frozen=True)
class FileSpec:
    """One file of a data set.

    Attributes:
        path: Path inside the data set's folder (``daily.csv``, ``img/000.jpg``).
        sha256: Hex digest of the exact bytes of the mirror copy.
        url: Where the file comes from upstream: its raw URL when the mirror holds the upstream
            bytes unchanged, otherwise the upstream location it was built from.
        repackaged: None for a byte-for-byte copy; otherwise how the mirror file was built from
            the upstream files (such a file cannot be downloaded, only read from a mirror).
    """

    path: str
    sha256: str
    url: str
    repackaged: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """A data frame a data set can be loaded as.

    Attributes:
        rows: Number of rows the loader returns for the registered files.
        loader: Reads the table from the data set's folder.
        description: Columns and meaning of one row.
    """

    rows: int
    loader: Loader
    description: str


@dataclass(frozen=True)
class DatasetSpec:
    r"""A registered public data set.

    Attributes:
        name: Registry name (``vantage datasets fetch NAME``).
        title: One-line description.
        licence: Licence or terms of use of the upstream data.
        folder: Folder of the data set inside a mirror or the cache (``intents/clinc150``).
        source: Upstream ``owner/repository@commit``.
        origin: Who published the data originally.
        files: Every file with its checksum and upstream URL.
        tables: Tables :func:`vantage.datasets.load` can return, by name.
        default_table: The table returned when none is named.
        manifest_sha256: For data sets with many files, the sha256 of their sorted listing
            (``"<sha256>  <path>\\n"`` per file, sorted by path, as ``sha256sum`` prints it).
    """

    name: str
    title: str
    licence: str
    folder: str
    source: str
    origin: str
    files: tuple[FileSpec, ...]
    tables: dict[str, TableSpec]
    default_table: str
    manifest_sha256: str | None = None
    aliases: tuple[str, ...] = field(default=())

    @property
    def repackaged(self) -> bool:
        """Whether any mirror file differs from the upstream bytes (so needs a mirror)."""
        return any(f.repackaged for f in self.files)

    def availability(self, mirror: Path | None, cache: Path | None) -> Availability:
        """Where the files are present (not verified): the mirror, the cache, or nowhere."""
        if mirror is not None and (mirror / self.folder).is_dir():
            return "mirror"
        if cache is not None and all((cache / self.folder / f.path).is_file() for f in self.files):
            return "cache"
        return "missing"

    def describe(self, mirror: Path | None = None, cache: Path | None = None) -> dict[str, Any]:
        """Plain data for listings (``vantage datasets list --json``).

        Args:
            mirror: Mirror folder to look in, if any.
            cache: Cache folder to look in, if any.

        Returns:
            Name, title, licence, source, file count, tables with row counts and availability.
        """
        return {
            "name": self.name,
            "title": self.title,
            "licence": self.licence,
            "folder": self.folder,
            "source": self.source,
            "origin": self.origin,
            "files": len(self.files),
            "repackaged": self.repackaged,
            "tables": {name: table.rows for name, table in self.tables.items()},
            "default_table": self.default_table,
            "available": self.availability(mirror, cache),
        }


def listing_sha256(files: dict[str, str]) -> str:
    """The sha256 of a manifest's sorted listing, as ``sha256sum`` would print it."""
    import hashlib

    text = "".join(f"{digest}  {path}\n" for path, digest in sorted(files.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def copy_of(repo: tuple[str, str], upstream: str, path: str, sha256: str) -> FileSpec:
    """A mirror file that is the upstream file byte for byte (perhaps under another name).

    Args:
        repo: ``(owner/name, commit)`` of the upstream GitHub repository.
        upstream: Path of the file in that repository.
        path: Path of the file in the data set's folder.
        sha256: Digest of the file.
    """
    return FileSpec(path, sha256, github_raw(repo[0], repo[1], upstream))


def table(rows: int, loader: Loader, description: str) -> TableSpec:
    """A table spec (shorthand for the catalogue)."""
    return TableSpec(rows=rows, loader=loader, description=description)
