"""Forecasting: compare algorithms on past origins, choose the best per horizon, forecast.

Long frames in (``unique_id, ds, y`` plus exogenous columns), long frames out. See
``docs/forecasting.md``.
"""

from vantage.solutions.forecast.backtest import BacktestResult, backtest
from vantage.solutions.forecast.catalog import DEFAULT_MODELS, MODEL_NAMES, make_model, make_models
from vantage.solutions.forecast.data import ForecastError, validate_long
from vantage.solutions.forecast.forecaster import Forecaster, default_horizons
from vantage.solutions.forecast.lstm import LSTMModel
from vantage.solutions.forecast.ml import LightGBMModel
from vantage.solutions.forecast.models import ForecastModel, MeanModel, StatsModel
from vantage.solutions.forecast.selection import Evaluation, evaluate

__all__ = [
    "DEFAULT_MODELS",
    "MODEL_NAMES",
    "BacktestResult",
    "Evaluation",
    "ForecastError",
    "ForecastModel",
    "Forecaster",
    "LSTMModel",
    "LightGBMModel",
    "MeanModel",
    "StatsModel",
    "backtest",
    "default_horizons",
    "evaluate",
    "make_model",
    "make_models",
    "validate_long",
]
