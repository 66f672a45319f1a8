"""Catalogue entries of image, video and skeleton data sets.

They have many files each, so their per-file sha256 digests live in ``manifests/<name>.json``,
pinned here by the sha256 of the sorted listing.
"""

from __future__ import annotations

import json
from importlib import resources

from vantage.core.errors import DatasetError
from vantage.datasets import loaders as ld
from vantage.datasets.specs import DatasetSpec, FileSpec, copy_of, listing_sha256, table

_SROIE = ("zzzDavid/ICDAR-2019-SROIE", "27be4271")
_MOT = ("gonzalocarreteroh/MASA-OA", "ff2036cf")
_MSR = ("MihirK1212/msraction3d-rpi", "f60a3f83")

_MANIFEST_SHA256 = {
    "receipts_sroie": "562a55350c8e7cafd550e949a684af3aae4d2b5a00ad92150efd47c8546c258d",
    "msr_action3d": "c1ac870cb19c3f7a6a11ebf5392ec5c9c8b4fa52e3c42a5ca22b957380061c3c",
}


def manifest_files(name: str) -> dict[str, str]:
    """The per-file sha256 manifest of a many-file data set, checked against its pinned hash.

    Args:
        name: ``receipts_sroie`` or ``msr_action3d``.

    Returns:
        Path inside the data set's folder -> sha256.

    Raises:
        DatasetError: The packaged manifest does not match the hash pinned in the catalogue.
    """
    text = resources.files("vantage.datasets").joinpath("manifests", f"{name}.json").read_text()
    files: dict[str, str] = json.loads(text)["files"]
    if listing_sha256(files) != _MANIFEST_SHA256[name]:
        raise DatasetError(
            f"The packaged manifest manifests/{name}.json does not match its pinned sha256.",
            "Reinstall Vantage; the package files were modified.",
        )
    return files


def _many(name: str, repo: tuple[str, str], upstream_dir: str) -> tuple[FileSpec, ...]:
    return tuple(
        copy_of(repo, f"{upstream_dir}/{path}", path, digest)
        for path, digest in sorted(manifest_files(name).items())
    )


def specs() -> list[DatasetSpec]:
    """The image, video and skeleton data sets."""
    campus, stadtmitte = "TUD-Campus", "TUD-Stadtmitte"
    mot_files = {
        f"{campus}/{campus}.mp4": (
            "32ae8133fa502779bdb0548f5b7a192bdc728ade77c29e629f8cf027e792f579"
        ),
        f"{campus}/gt/gt.txt": "6ea5c56dffa72db2d286bf3c4593465583bfe43e9ecaa110001ccce2c4d10e39",
        f"{campus}/seqinfo.ini": "cbfedb744cb1ed16054969c4af6e73960da2d7453e08a101a0956ce52d91e9de",
        f"{stadtmitte}/{stadtmitte}.mp4": (
            "cd0835334c78114f6fe014c78f7135809b262858bf100dd78d7a0783a565d49f"
        ),
        f"{stadtmitte}/gt/gt.txt": (
            "009b3ef8df68c963fd8104350083fd6bc9798b6b435858b99dbd1385cfbde873"
        ),
        f"{stadtmitte}/seqinfo.ini": (
            "13da6b20883d7eddc88ce35f287044c3c6f03915a62ccb76e3bc58e92d0d79b8"
        ),
    }
    return [
        DatasetSpec(
            name="receipts_sroie",
            title="ICDAR 2019 SROIE scanned receipts with key fields and text boxes (60)",
            licence="research use (ICDAR 2019)",
            folder="receipts_sroie",
            source=f"{_SROIE[0]}@{_SROIE[1]}",
            origin="ICDAR 2019 Robust Reading Challenge on Scanned Receipts",
            files=_many("receipts_sroie", _SROIE, "data"),
            tables={
                "receipts": table(
                    60, ld.read_receipts, "receipt, company, date, address, total, image (path)"
                ),
                "boxes": table(3192, ld.read_receipt_boxes, "receipt, x1, y1, ..., x4, y4, text"),
            },
            default_table="receipts",
            manifest_sha256=_MANIFEST_SHA256["receipts_sroie"],
        ),
        DatasetSpec(
            name="mot15",
            title="MOTChallenge 2015 TUD-Campus and TUD-Stadtmitte videos with ground truth",
            licence="CC BY-NC-SA 3.0 (MOTChallenge)",
            folder="mot15",
            source=f"{_MOT[0]}@{_MOT[1]}",
            origin="MOTChallenge 2015 (Leal-Taixe et al.)",
            files=tuple(
                copy_of(_MOT, f"benchmarks/MOT15/{path}", path, digest)
                for path, digest in mot_files.items()
            ),
            tables={
                "ground_truth": table(
                    1515,
                    ld.read_mot_ground_truth,
                    "sequence, frame, id, x, y, w, h, conf, world_x, world_y, world_z",
                ),
                "sequences": table(
                    2,
                    ld.read_mot_sequences,
                    "sequence, frames, fps, width, height, video (path of the .mp4)",
                ),
            },
            default_table="ground_truth",
        ),
        DatasetSpec(
            name="msr_action3d",
            title="MSR Action3D skeleton sequences: 20 actions x 10 subjects x 3 repetitions",
            licence="research use (Microsoft Research)",
            folder="msr_action3d",
            source=f"{_MSR[0]}@{_MSR[1]}",
            origin="Li, Zhang & Liu, CVPR workshops 2010",
            files=_many("msr_action3d", _MSR, "msraction3d"),
            tables={
                "sequences": table(
                    567,
                    ld.read_msr_sequences,
                    "sequence, action, subject, repetition, frames, path (read_skeleton -> "
                    "array of shape (frames, 20, 4))",
                ),
                "joints": table(
                    455940,
                    ld.read_msr_joints,
                    "sequence, frame, joint (0-19), x, y, depth, confidence",
                ),
            },
            default_table="sequences",
            manifest_sha256=_MANIFEST_SHA256["msr_action3d"],
        ),
    ]
