"""Models (leaderboards against baselines, metric history, stored plots) and Forecasts."""

from __future__ import annotations

import threading
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from vantage.core.errors import VantageError
from vantage.services import dashboard_models
from vantage.services.users import Session
from vantage.web.auth import require, web_state
from vantage.web.render import line_figure, page
from vantage.web.views import error_page, fragment_error, with_store

router = APIRouter(prefix="/ui", include_in_schema=False)
Viewer = Annotated[Session, Depends(require("viewer"))]
_LOCK = threading.Lock()


@router.get("/models")
def models(request: Request, session: Viewer) -> HTMLResponse:
    """Each trained model's leaderboard against its baselines, history and stored plots."""
    boards = dashboard_models.model_boards(web_state(request).settings)
    for board in boards:
        series: dict[str, tuple[list[Any], list[float]]] = {}
        for entry in board["history"]:
            for candidate, value in entry["values"].items():
                xs, ys = series.setdefault(candidate, ([], []))
                xs.append(entry["version"])
                ys.append(value)
        board["figure"] = line_figure(
            series, title=f"{board['headline']} per version", y_title=board["headline"] or ""
        )
    return page(request, "models.html", session, boards=boards, charts=bool(boards))


@router.get("/models/{name}/{version}/plots/{plot}.png")
def model_plot(request: Request, _session: Viewer, name: str, version: str, plot: str) -> Response:
    """A plot logged with a model's training run."""
    path = dashboard_models.plot_path(web_state(request).settings, name, version, plot)
    if path is None:
        return Response("No such plot.", status_code=404)
    return FileResponse(path, media_type="image/png")


def _data_version(request: Request) -> int:
    def work(store: Any) -> int:
        events = store.table("events")
        return int(store.scalar(events.seq.max()) or 0) if store.has_table("events") else 0

    return with_store(request, work)


def _series(request: Request) -> pd.DataFrame:
    """Demand series, computed once per warehouse version and kept in memory."""
    state = web_state(request)
    key = ("demand", _data_version(request))
    with _LOCK:
        if key not in state.cache:
            state.cache = {k: v for k, v in state.cache.items() if k[0] != "demand"}
            state.cache[key] = dashboard_models.demand_series(state.settings)
        frame: pd.DataFrame = state.cache[key]
    return frame


@router.get("/forecasts")
def forecasts(
    request: Request, session: Viewer, series: str = dashboard_models.TOTAL
) -> HTMLResponse:
    """Pick a series; its chart and leaderboard load in a panel (computed once, then cached)."""
    try:
        names = sorted(_series(request)["unique_id"].unique().tolist())
    except VantageError as exc:
        return error_page(request, session, exc)
    if series not in names:
        series = dashboard_models.TOTAL
    return page(request, "forecasts.html", session, names=names, series=series, charts=True)


@router.get("/forecasts/run")
def forecast_run(request: Request, session: Viewer, series: str) -> HTMLResponse:
    """History, forecasts with 80% and 95% intervals, and the leaderboard per horizon."""
    state = web_state(request)
    try:
        frame = _series(request)
        key = ("forecast", _data_version(request), series)
        result = state.cache.get(key)
        if result is None:
            one = frame[frame["unique_id"] == series]
            if one.empty:
                return HTMLResponse(f"<p class='error'>Unknown series {series!r}.</p>", 404)
            result = dashboard_models.forecast_series(one)
            state.cache[key] = result
    except VantageError as exc:
        return HTMLResponse(fragment_error(exc))
    return page(
        request,
        "partials/forecast.html",
        session,
        series=series,
        result=result,
        figure=_forecast_figure(series, result),
    )


def _forecast_figure(series: str, result: dict[str, Any]) -> dict[str, Any]:
    history = result["history"]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": "history",
            "x": history["ds"],
            "y": history["y"],
        }
    ]
    rows = sorted(result["forecast"], key=lambda r: str(r["ds"]))
    xs = [r["ds"] for r in rows]
    for level, shade in (("95", "rgba(47,91,211,0.12)"), ("80", "rgba(47,91,211,0.25)")):
        lo, hi = f"lo_{level}", f"hi_{level}"
        if rows and lo in rows[0]:
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": xs,
                    "y": [r[hi] for r in rows],
                    "line": {"width": 0},
                    "showlegend": False,
                    "hoverinfo": "skip",
                }
            )
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": xs,
                    "y": [r[lo] for r in rows],
                    "fill": "tonexty",
                    "fillcolor": shade,
                    "line": {"width": 0},
                    "name": f"{level}% interval",
                }
            )
    model = ", ".join(dict.fromkeys(str(r["model"]) for r in rows))
    data.append(
        {
            "type": "scatter",
            "mode": "lines",
            "name": f"forecast ({model})",
            "x": xs,
            "y": [r["yhat"] for r in rows],
        }
    )
    return {"data": data, "layout": {"title": {"text": f"{series}: weekly units"}}}
