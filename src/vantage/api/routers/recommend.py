"""API routes for recommendations, segmentation and uplift."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["models"])
