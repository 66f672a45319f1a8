"""Save, version and load trained text models under ``<home>/models/nlp/<name>/<version>/``.

Each version folder holds ``model.joblib`` (the fitted estimator) and ``card.json`` (what it is,
what it was trained on, how it scored on held-out data, and the file's sha256). Versions are
integers counting up from 1; loading without a version takes the newest.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib

from vantage.solutions.nlp.text._common import TextModelError

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class ModelCard:
    """What a saved text model is and how good it was."""

    name: str
    version: int
    task: str
    approach: str
    classes: list[str]
    metrics: dict[str, Any] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    sha256: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return asdict(self)


def models_root(home: Path) -> Path:
    """``<home>/models/nlp``."""
    return Path(home) / "models" / "nlp"


def check_name(name: str) -> str:
    """Validate a model name (lower-case letters, digits, ``-`` and ``_``).

    Raises:
        TextModelError: The name is not usable as a folder name.
    """
    if not _NAME.match(name):
        raise TextModelError(
            f"Model name {name!r} is not allowed.",
            "Use 1-64 lower-case letters, digits, '-' or '_', starting with a letter or digit.",
        )
    return name


def versions(home: Path, name: str) -> list[int]:
    """Saved versions of ``name``, oldest first."""
    folder = models_root(home) / check_name(name)
    if not folder.is_dir():
        return []
    return sorted(int(p.name) for p in folder.iterdir() if p.name.isdigit())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save_model(
    model: Any,
    name: str,
    *,
    home: Path,
    task: str,
    approach: str,
    metrics: dict[str, Any] | None = None,
    training: dict[str, Any] | None = None,
) -> ModelCard:
    """Save a fitted model as the next version of ``name``.

    Args:
        model: The fitted estimator (must have ``classes_``).
        name: Model name, e.g. ``sentiment``.
        home: The data directory.
        task: ``sentiment`` or ``classify``.
        approach: How it was built (see ``models.APPROACHES``).
        metrics: Held-out scores (the model's and its baseline's).
        training: Facts about the training data (file, columns, sizes).

    Returns:
        The card written next to the model.
    """
    if not hasattr(model, "classes_"):
        raise TextModelError("Only fitted models can be saved.", "Call fit first.")
    version = (versions(home, name) or [0])[-1] + 1
    folder = models_root(home) / name / str(version)
    folder.mkdir(parents=True)
    joblib.dump(model, folder / "model.joblib")
    card = ModelCard(
        name=name,
        version=version,
        task=task,
        approach=approach,
        classes=[str(c) for c in model.classes_],
        metrics=metrics or {},
        training=training or {},
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        sha256=_sha256(folder / "model.joblib"),
    )
    (folder / "card.json").write_text(json.dumps(card.as_dict(), indent=2))
    return card


def read_card(home: Path, name: str, version: int | None = None) -> ModelCard:
    """The card of a saved model (newest version by default).

    Raises:
        TextModelError: No such model or version.
    """
    found = versions(home, name)
    if not found:
        raise TextModelError(
            f"No saved text model named {name!r} in {models_root(home)}.",
            f"Train one: vantage nlp train --name {name} --data FILE.csv --text COL --label COL.",
        )
    chosen = found[-1] if version is None else version
    if chosen not in found:
        raise TextModelError(
            f"Model {name!r} has no version {chosen}.",
            f"Use one of the saved versions: {', '.join(map(str, found))}.",
        )
    data = json.loads((models_root(home) / name / str(chosen) / "card.json").read_text())
    return ModelCard(**data)


def load_model(home: Path, name: str, version: int | None = None) -> tuple[Any, ModelCard]:
    """Load a saved model and its card, checking the file against the card's sha256.

    Raises:
        TextModelError: Missing model or version, or a model file that changed since saving.
    """
    card = read_card(home, name, version)
    path = models_root(home) / name / str(card.version) / "model.joblib"
    if _sha256(path) != card.sha256:
        raise TextModelError(
            f"{path} does not match the sha256 in its card.json.",
            "The file was changed or damaged: retrain the model or restore the file.",
        )
    return joblib.load(path), card


def list_models(home: Path) -> list[ModelCard]:
    """The newest card of every saved text model, by name."""
    root = models_root(home)
    if not root.is_dir():
        return []
    return [
        read_card(home, p.name)
        for p in sorted(root.iterdir())
        if p.is_dir() and versions(home, p.name)
    ]
