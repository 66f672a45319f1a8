"""Readers that turn a data set's verified folder into tidy data frames.

Each function takes the data set's folder (as returned by :func:`vantage.datasets.fetch`) and
returns one table; the catalogue binds extra arguments with :func:`functools.partial`.
"""

from __future__ import annotations

import configparser
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

SKELETON_JOINTS = 20
SKELETON_COLUMNS = ("x", "y", "depth", "confidence")
MOT_COLUMNS = ("frame", "id", "x", "y", "w", "h", "conf", "world_x", "world_y", "world_z")
_MSR_NAME = re.compile(r"a(\d+)_s(\d+)_e(\d+)_skeleton\.txt$")


def read_csv(folder: Path, file: str, **options: Any) -> pd.DataFrame:
    """A CSV file of the data set, read with pandas options (``sep``, ``header``, ...)."""
    return pd.read_csv(folder / file, **options)


def read_price(folder: Path, file: str) -> pd.DataFrame:
    """Henry Hub prices: ``date`` (first day of the month for monthly data), ``price`` in USD."""
    frame = pd.read_csv(folder / file)
    frame.columns = pd.Index(["date", "price"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def read_cdnow(folder: Path, file: str) -> pd.DataFrame:
    """CDNOW purchases: ``customer_id``, ``date``, ``number_of_cds``, ``dollar_value``.

    The sample file has one more column, ``customer_index`` (its own 1..2357 numbering).
    """
    sample = file == "CDNOW_sample.txt"
    names = ["customer_id", "date", "number_of_cds", "dollar_value"]
    if sample:
        names.insert(1, "customer_index")
    frame = pd.read_csv(
        folder / file,
        sep=r"\s+",
        header=None,
        skiprows=0 if sample else 1,
        names=names,
        dtype={"customer_id": str, "customer_index": str, "date": str},
    )
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame


def read_febrl(folder: Path, file: str) -> pd.DataFrame:
    """FEBRL person records as text columns (``rec_id``, ``given_name``, ``surname``, ...)."""
    frame = pd.read_csv(folder / file, skipinitialspace=True, dtype=str, keep_default_na=False)
    frame.columns = pd.Index([c.strip() for c in frame.columns])
    return frame


def read_labelled_sentences(folder: Path, file: str) -> pd.DataFrame:
    """UCI sentiment sentences: ``text`` and ``label`` (1 positive, 0 negative)."""
    rows = []
    for line in (folder / file).read_text(encoding="utf-8").split("\n"):
        text, sep, label = line.rpartition("\t")
        if sep:
            rows.append((text.strip(), int(label)))
    return pd.DataFrame(rows, columns=["text", "label"])


def read_sms_spam(folder: Path) -> pd.DataFrame:
    """SMS Spam Collection: ``label`` (ham / spam) and ``text``."""
    rows = [
        line.split("\t", 1)
        for line in (folder / "SMSSpamCollection").read_text(encoding="utf-8").splitlines()
        if "\t" in line
    ]
    return pd.DataFrame(rows, columns=["label", "text"])


def read_clinc150(folder: Path) -> pd.DataFrame:
    """CLINC150 utterances: ``text``, ``intent`` (``oos`` for out of scope), ``split``."""
    data = json.loads((folder / "data_full.json").read_text(encoding="utf-8"))
    rows = [(text, intent, split) for split, items in data.items() for text, intent in items]
    return pd.DataFrame(rows, columns=["text", "intent", "split"])


def read_snips(folder: Path) -> pd.DataFrame:
    """SNIPS utterances: ``text``, ``intent``, ``split`` (train / validate), ``entities``.

    ``entities`` is a list of ``{"entity": slot, "text": value}`` dicts per utterance.
    """
    rows = []
    for path in sorted(folder.glob("*.json")):
        split = path.stem.split("_", 1)[0]
        for intent, items in json.loads(path.read_text(encoding="utf-8")).items():
            for item in items:
                parts = item["data"]
                text = "".join(part["text"] for part in parts)
                entities = [
                    {"entity": p["entity"], "text": p["text"]} for p in parts if "entity" in p
                ]
                rows.append((text, intent, split, entities))
    return pd.DataFrame(rows, columns=["text", "intent", "split", "entities"])


def read_receipts(folder: Path) -> pd.DataFrame:
    """SROIE receipts, one row each.

    Columns: ``receipt``, ``company``, ``date``, ``address``, ``total`` and ``image`` (the path
    of the scan).
    """
    rows = []
    for key in sorted((folder / "key").glob("*.json")):
        fields = json.loads(key.read_text(encoding="utf-8"))
        image = folder / "img" / f"{key.stem}.jpg"
        rows.append({"receipt": key.stem, **fields, "image": str(image)})
    return pd.DataFrame(rows)


def read_receipt_boxes(folder: Path) -> pd.DataFrame:
    """SROIE text lines: ``receipt``, ``x1, y1, ... x4, y4`` (quadrilateral corners), ``text``."""
    rows: list[list[Any]] = []
    for path in sorted((folder / "box").glob("*.csv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            parts = line.split(",", 8)
            rows.append([path.stem, *map(int, parts[:8]), parts[8] if len(parts) > 8 else ""])
    columns = ["receipt", *(f"{axis}{i}" for i in range(1, 5) for axis in "xy"), "text"]
    return pd.DataFrame(rows, columns=columns)


def read_mot_sequences(folder: Path) -> pd.DataFrame:
    """MOT15 sequences: ``sequence``, ``frames``, ``fps``, ``width``, ``height``, ``video``."""
    rows = []
    for ini in sorted(folder.glob("*/seqinfo.ini")):
        parser = configparser.ConfigParser()
        parser.read(ini, encoding="utf-8")
        seq = parser["Sequence"]
        rows.append(
            {
                "sequence": seq["name"],
                "frames": int(seq["seqLength"]),
                "fps": int(seq["frameRate"]),
                "width": int(seq["imWidth"]),
                "height": int(seq["imHeight"]),
                "video": str(ini.parent / f"{seq['name']}.mp4"),
            }
        )
    return pd.DataFrame(rows)


def read_mot_ground_truth(folder: Path) -> pd.DataFrame:
    """MOT15 ground-truth boxes: ``sequence`` plus the MOT columns (``frame``, ``id``, ...)."""
    frames = []
    for gt in sorted(folder.glob("*/gt/gt.txt")):
        frame = pd.read_csv(gt, header=None, names=list(MOT_COLUMNS))
        frame.insert(0, "sequence", gt.parent.parent.name)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def read_skeleton(path: Path) -> np.ndarray:
    """One MSR Action3D sequence as an array of shape (frames, 20 joints, 4).

    The last axis is (x, y, depth, confidence) in the file's screen coordinates.
    """
    values = np.loadtxt(path, dtype=np.float64, ndmin=2)
    return values.reshape(-1, SKELETON_JOINTS, len(SKELETON_COLUMNS))


def read_msr_sequences(folder: Path) -> pd.DataFrame:
    """MSR Action3D sequences, one row each.

    Columns: ``sequence``, ``action``, ``subject``, ``repetition``, ``frames`` and ``path``
    (read one with :func:`read_skeleton`).
    """
    rows = []
    for path in sorted(folder.glob("*_skeleton.txt")):
        match = _MSR_NAME.match(path.name)
        if match is None:
            continue
        with path.open("rb") as handle:
            lines = sum(1 for line in handle if line.strip())
        action, subject, repetition = (int(g) for g in match.groups())
        rows.append(
            {
                "sequence": path.name.removesuffix("_skeleton.txt"),
                "action": action,
                "subject": subject,
                "repetition": repetition,
                "frames": lines // SKELETON_JOINTS,
                "path": str(path),
            }
        )
    return pd.DataFrame(rows)


def read_msr_joints(folder: Path) -> pd.DataFrame:
    """Every MSR Action3D joint position in long format.

    Columns: ``sequence``, ``frame``, ``joint``, ``x``, ``y``, ``depth``, ``confidence``.
    """
    frames = []
    for path in sorted(folder.glob("*_skeleton.txt")):
        values = read_skeleton(path)
        n_frames = values.shape[0]
        frame = pd.DataFrame(values.reshape(-1, len(SKELETON_COLUMNS)), columns=SKELETON_COLUMNS)
        frame.insert(0, "joint", np.tile(np.arange(SKELETON_JOINTS), n_frames))
        frame.insert(0, "frame", np.repeat(np.arange(n_frames), SKELETON_JOINTS))
        frame.insert(0, "sequence", path.name.removesuffix("_skeleton.txt"))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
