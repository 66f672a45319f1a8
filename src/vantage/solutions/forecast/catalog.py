"""The candidate models by name, with settings that suit the data's frequency."""

from __future__ import annotations

from collections.abc import Sequence

from vantage.solutions.forecast.data import ForecastError, seasonal_periods
from vantage.solutions.forecast.lstm import LSTMModel
from vantage.solutions.forecast.ml import LightGBMModel
from vantage.solutions.forecast.models import ForecastModel, MeanModel, StatsModel

MODEL_NAMES: tuple[str, ...] = (
    "naive",
    "drift",
    "seasonal_naive",
    "ets",
    "arima",
    "theta",
    "mstl",
    "lightgbm",
    "lstm",
    "mean",
)
DEFAULT_MODELS: tuple[str, ...] = MODEL_NAMES[:-1]


def make_model(name: str, freq: str, season_length: int | None = None) -> ForecastModel:
    """One candidate by its short name (see :data:`MODEL_NAMES`).

    Args:
        name: Short name, e.g. ``arima``.
        freq: Frequency of the data, which sets the seasonal periods.
        season_length: Main seasonal period instead of the frequency's usual one.

    Raises:
        ForecastError: Unknown name.
    """
    seasons = seasonal_periods(freq)
    if season_length is not None:
        seasons = (season_length, *seasons[1:])
    if name in StatsModel.NAMES:
        return StatsModel(name, seasons if name == "mstl" else seasons[0])
    if name == "lightgbm":
        return LightGBMModel(season_length=seasons[0])
    if name == "lstm":
        return LSTMModel(window=max(30, 2 * seasons[0]) if seasons[0] < 60 else 60)
    if name == "mean":
        return MeanModel()
    raise ForecastError(f"Unknown model {name!r}.", f"Use some of: {', '.join(MODEL_NAMES)}.")


def make_models(
    names: Sequence[str] | None, freq: str, season_length: int | None = None
) -> list[ForecastModel]:
    """Candidates by name; the default list when ``names`` is None or empty.

    The random walk (``naive``) is always included: every model is judged against it.
    """
    chosen = list(dict.fromkeys(names or DEFAULT_MODELS))
    if "naive" not in chosen:
        chosen.insert(0, "naive")
    return [make_model(name, freq, season_length) for name in chosen]
