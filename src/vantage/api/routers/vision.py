"""Vision API (admin token): analyse an uploaded clip; only aggregates come back."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from vantage.api.deps import AdminDep, RuntimeDep
from vantage.api.errors import ApiError, from_vantage_error
from vantage.api.schemas import ErrorBody
from vantage.core.errors import VantageError

router = APIRouter(
    prefix="/v1/vision",
    tags=["vision"],
    dependencies=[AdminDep],
    responses={
        401: {"model": ErrorBody, "description": "Missing or wrong admin token."},
        413: {"model": ErrorBody, "description": "The clip is too large."},
        422: {"model": ErrorBody, "description": "Invalid clip, zones, line or option."},
    },
)
MAX_CLIP_BYTES = 200 * 1024 * 1024
MAX_ZONES_BYTES = 64 * 1024
_CHUNK = 1024 * 1024


class AnalysisPublic(BaseModel):
    """Aggregates of an analysed clip: counts, zones, lines, tracks (no images, no identities)."""

    model_config = ConfigDict(extra="allow")
    summary: dict[str, Any] = Field(description="People, classes, states, zones, lines, tracks.")
    footfall_events: int = Field(description="Footfall events derived (per zone per interval).")
    ingested: dict[str, Any] | None = Field(
        None, description="Import report when the events were stored."
    )


async def _save(upload: UploadFile, folder: Path) -> Path:
    suffix = Path(upload.filename or "clip.mp4").suffix.lower() or ".mp4"
    if not suffix[1:].isalnum() or len(suffix) > 6:
        suffix = ".mp4"
    path = folder / f"clip{suffix}"
    size = 0
    with path.open("wb") as handle:
        while chunk := await upload.read(_CHUNK):
            size += len(chunk)
            if size > MAX_CLIP_BYTES:
                raise ApiError(
                    413,
                    "payload_too_large",
                    f"The clip is over {MAX_CLIP_BYTES // (1024 * 1024)} MB.",
                    "Send a shorter clip, or run `vantage vision analyze` on the server.",
                )
            handle.write(chunk)
    if size == 0:
        raise ApiError(422, "invalid_input", "The uploaded clip is empty.", "Send a video file.")
    return path


@router.post("/analyze", summary="Count people, crossings and zone visits in a clip")
async def analyze(
    runtime: RuntimeDep,
    clip: Annotated[UploadFile, File(description="Video (MP4, AVI) or image (JPEG, PNG).")],
    zones: Annotated[
        UploadFile | None, File(description="Optional YAML file of zones and lines.")
    ] = None,
    line: Annotated[
        str | None, Form(max_length=100, description="Counting line x1,y1,x2,y2 in pixels.")
    ] = None,
    detector: Annotated[
        Literal["auto", "onnx", "hog"], Form(description="Which built-in detector.")
    ] = "auto",
    every: Annotated[int, Form(ge=1, le=100, description="Detect on every k-th frame.")] = 1,
    max_frames: Annotated[
        int | None, Form(ge=1, le=100_000, description="Stop after N frames.")
    ] = None,
    interval_s: Annotated[float, Form(gt=0, le=86_400, description="Footfall interval.")] = 60.0,
    camera: Annotated[str | None, Form(max_length=100, description="Camera name.")] = None,
    ingest: Annotated[bool, Form(description="Store footfall events (source cameras).")] = False,
) -> AnalysisPublic:
    """Detect and track people in the clip; return counts, zones, lines and tracks.

    Frames and video never leave the server; with ``ingest``, footfall events (counts per zone
    per interval) are stored through the write path.
    """
    from starlette.concurrency import run_in_threadpool

    from vantage.services import vision as vision_service
    from vantage.services.context import ServiceContext

    with tempfile.TemporaryDirectory(prefix="vantage-vision-") as tmp:
        folder = Path(tmp)
        clip_path = await _save(clip, folder)
        zones_path = None
        if zones is not None:
            data = await zones.read(MAX_ZONES_BYTES + 1)
            if len(data) > MAX_ZONES_BYTES:
                raise ApiError(413, "payload_too_large", "The zone file is over 64 KB.", None)
            zones_path = folder / "zones.yml"
            zones_path.write_bytes(data)
        try:
            options = vision_service.AnalyzeOptions(
                detector=detector,
                every=every,
                zones=zones_path,
                line=line,
                max_frames=max_frames,
                save_video=False,
                interval_s=interval_s,
                camera=camera or Path(clip.filename or "upload").stem or "upload",
            )
            ctx = ServiceContext(runtime.settings) if ingest else None
            result = await run_in_threadpool(
                vision_service.analyze, clip_path, folder / "out", options, ctx=ctx
            )
        except VantageError as exc:
            raise from_vantage_error(exc, 422, "invalid_input") from exc
    body = result.as_dict()
    body["summary"]["source"] = clip.filename or "upload"
    return AnalysisPublic.model_validate(body)
