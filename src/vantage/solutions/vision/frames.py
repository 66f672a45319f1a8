"""Frame sources: a video file, a folder of images, one image, or a stream URL OpenCV can open."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vantage.solutions.vision.errors import VisionError

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"})
STREAM_PREFIXES = ("rtsp://", "rtmp://", "http://", "https://", "udp://", "tcp://")


@dataclass(frozen=True)
class Frame:
    """One frame of a source.

    Args:
        index: Position in the source, from 0.
        time_s: Seconds since the start of the source.
        image: BGR image, shape ``(height, width, 3)``.
    """

    index: int
    time_s: float
    image: np.ndarray


class FrameSource:
    """Frames of a video, image folder, single image or live stream, in order.

    Args:
        uri: Path to a video, an image or a folder of images, or a stream URL.
        fps: Frame rate for images and folders (videos and streams report their own).
        max_frames: Stop after this many frames (None: all).

    Raises:
        VisionError: The path does not exist, the folder holds no images, or OpenCV cannot
            open the video or stream.
    """

    def __init__(self, uri: str | Path, *, fps: float = 25.0, max_frames: int | None = None):
        self.uri = str(uri)
        self.max_frames = max_frames
        self.is_stream = self.uri.lower().startswith(STREAM_PREFIXES)
        self._images: list[Path] = []
        path = Path(self.uri)
        if self.is_stream:
            self.kind = "stream"
        elif path.is_dir():
            self.kind = "folder"
            self._images = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
            if not self._images:
                raise VisionError(
                    f"Folder {path} holds no images ({', '.join(sorted(IMAGE_SUFFIXES))}).",
                    "Point at a folder of frames, a video file or an image.",
                )
        elif not path.exists():
            raise VisionError(f"No such video, image or folder: {path}.", "Check the path.")
        elif path.suffix.lower() in IMAGE_SUFFIXES:
            self.kind = "image"
            self._images = [path]
        else:
            self.kind = "video"
        self.fps = fps
        self.frame_count: int | None = len(self._images) or None
        if self.kind in ("video", "stream"):
            capture = self._open()
            reported = capture.get(cv2.CAP_PROP_FPS)
            self.fps = reported if reported and 0 < reported < 1000 else fps
            count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
            self.frame_count = count if count > 0 and self.kind == "video" else None
            capture.release()
        if self.frame_count is not None and max_frames is not None:
            self.frame_count = min(self.frame_count, max_frames)

    def _open(self) -> cv2.VideoCapture:
        capture = cv2.VideoCapture(self.uri)
        if not capture.isOpened():
            what = "stream" if self.is_stream else "video"
            raise VisionError(
                f"OpenCV cannot open the {what} {self.uri}.",
                "Check the path or URL and that the codec is supported (MP4/H.264, AVI/MJPEG), "
                "or export the frames to a folder of images.",
            )
        return capture

    def __iter__(self) -> Iterator[Frame]:
        if self._images:
            yield from self._iter_images()
        else:
            yield from self._iter_capture()

    def _iter_images(self) -> Iterator[Frame]:
        for index, path in enumerate(self._images):
            if self.max_frames is not None and index >= self.max_frames:
                return
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is None:
                raise VisionError(f"Cannot read image {path}.", "Remove or replace the file.")
            yield Frame(index, index / self.fps, image)

    def _iter_capture(self) -> Iterator[Frame]:
        capture = self._open()
        try:
            index = 0
            while self.max_frames is None or index < self.max_frames:
                ok, image = capture.read()
                if not ok:
                    return
                yield Frame(index, index / self.fps, image)
                index += 1
        finally:
            capture.release()
