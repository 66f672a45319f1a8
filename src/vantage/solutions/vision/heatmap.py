"""Crowding heatmaps: where people stand, as grid counts and as a coloured overlay."""

from __future__ import annotations

import csv
from pathlib import Path

import cv2
import numpy as np

from vantage.solutions.vision.detections import Detections


class Heatmap:
    """Accumulate people's positions (the bottom centre of each box) over frames.

    Args:
        width: Frame width in pixels.
        height: Frame height in pixels.
        cell: Grid cell size in pixels for :meth:`grid`.
    """

    def __init__(self, width: int, height: int, *, cell: int = 32) -> None:
        self.width = width
        self.height = height
        self.cell = cell
        self.density = np.zeros((height, width), dtype=np.float32)
        self.frames = 0

    def update(self, detections: Detections) -> None:
        """Add one frame's positions."""
        self.frames += 1
        for x, y in detections.anchors().tolist():
            col = int(min(max(x, 0), self.width - 1))
            row = int(min(max(y, 0), self.height - 1))
            self.density[row, col] += 1.0

    def grid(self) -> np.ndarray:
        """Person-frames per cell, shape ``(rows, cols)``."""
        rows = -(-self.height // self.cell)
        cols = -(-self.width // self.cell)
        padded = np.zeros((rows * self.cell, cols * self.cell), dtype=np.float32)
        padded[: self.height, : self.width] = self.density
        return padded.reshape(rows, self.cell, cols, self.cell).sum(axis=(1, 3))

    def overlay(self, background: np.ndarray | None = None, *, alpha: float = 0.5) -> np.ndarray:
        """A JET-coloured density image, blended over ``background`` when given."""
        sigma = max(self.width, self.height) / 40
        smooth = cv2.GaussianBlur(self.density, (0, 0), sigmaX=sigma)
        peak = float(smooth.max())
        scaled = (smooth / peak * 255).astype(np.uint8) if peak > 0 else smooth.astype(np.uint8)
        coloured = cv2.applyColorMap(scaled, cv2.COLORMAP_JET)
        if background is None:
            return coloured
        base = cv2.resize(background, (self.width, self.height))
        weight = (scaled.astype(np.float32) / 255.0 * alpha)[..., None]
        return (base * (1 - weight) + coloured * weight).astype(np.uint8)

    def write_grid_csv(self, path: Path) -> None:
        """Write the grid as ``row, col, x, y, person_frames`` (non-empty cells only)."""
        grid = self.grid()
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "col", "x", "y", "person_frames"])
            for row, col in zip(*np.nonzero(grid), strict=True):
                writer.writerow([row, col, col * self.cell, row * self.cell, int(grid[row, col])])
