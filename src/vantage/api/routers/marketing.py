"""API routes for marketing."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1/marketing", tags=["marketing"])
