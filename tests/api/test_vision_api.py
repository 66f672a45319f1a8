"""POST /v1/vision/analyze: a clip in, aggregates out (admin only)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from vantage.solutions.vision import Walker, write_scene_video


def clip_bytes(tmp_path: Path) -> bytes:
    path = write_scene_video(tmp_path / "door.avi", [Walker((20, 200), (8, 0), 30, 90)], 8)
    return path.read_bytes()


def test_analyze_a_clip_and_store_footfall(
    client: TestClient, admin: dict[str, str], tmp_path: Path
) -> None:
    response = client.post(
        "/v1/vision/analyze",
        headers=admin,
        files={
            "clip": ("door.avi", clip_bytes(tmp_path), "video/x-msvideo"),
            "zones": (
                "zones.yml",
                b"zones: [{name: in, polygon: [[0,0],[99,0],[99,99]]}]",
                "text/yaml",
            ),
        },
        data={"detector": "hog", "every": "2", "line": "160,0,160,240", "ingest": "true"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["summary"]["frames"] == 8 and body["summary"]["source"] == "door.avi"
    assert set(body["summary"]["zones"]) == {"in"} and "line" in body["summary"]["lines"]
    assert body["footfall_events"] >= 3 and body["ingested"]["rejected"] == 0
    assert "video" not in body and "paths" not in body["summary"]


def test_errors(client: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    files = {"clip": ("door.avi", clip_bytes(tmp_path), "video/x-msvideo")}
    assert client.post("/v1/vision/analyze", files=files).status_code == 401
    bad_line = client.post(
        "/v1/vision/analyze", headers=admin, files=files, data={"line": "1,2", "detector": "hog"}
    )
    assert bad_line.status_code == 422 and "is not a line" in bad_line.json()["message"]
    empty = client.post(
        "/v1/vision/analyze", headers=admin, files={"clip": ("x.mp4", b"", "video/mp4")}
    )
    assert empty.status_code == 422 and "empty" in empty.json()["message"]
    junk = client.post(
        "/v1/vision/analyze",
        headers=admin,
        files={"clip": ("x.mp4", b"not a video", "video/mp4")},
        data={"detector": "hog"},
    )
    assert junk.status_code == 422 and "OpenCV cannot open the video" in junk.json()["message"]
