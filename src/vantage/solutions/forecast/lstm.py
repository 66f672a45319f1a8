"""A recurrent neural network (LSTM, PyTorch) trained on windows of every series at once."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from vantage.solutions.forecast.data import future_dates
from vantage.solutions.forecast.models import ForecastModel


class LSTMModel(ForecastModel):
    """LSTM reading the last ``window`` values and emitting all ``h`` steps at once.

    Each window is centred on its last value and scaled by the series' standard deviation, so
    one network serves series of any level, and a flat output means "no change" (the random
    walk), which is the right prior for prices.

    Args:
        window: Input length (shortened for short series).
        hidden: LSTM hidden units.
        epochs: Passes over the training windows.
        max_windows: Training windows sampled per fit (bounds the time).
        learning_rate: Adam learning rate.
        seed: Seed of the weights and the window sampling.
        name: Label in the leaderboard.
    """

    def __init__(
        self,
        window: int = 30,
        hidden: int = 32,
        epochs: int = 15,
        max_windows: int = 1024,
        learning_rate: float = 5e-3,
        seed: int = 0,
        name: str = "LSTM",
    ) -> None:
        self.window = window
        self.hidden = hidden
        self.epochs = epochs
        self.max_windows = max_windows
        self.learning_rate = learning_rate
        self.seed = seed
        self.name = name

    def min_train(self, h: int) -> int:
        """Shortest history this model needs."""
        return h + 6

    def _windows(
        self, series: list[np.ndarray], scales: np.ndarray, h: int, length: int
    ) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(self.seed)
        spots = [(i, t) for i, s in enumerate(series) for t in range(length, len(s) - h + 1)]
        if len(spots) > self.max_windows:
            keep = rng.choice(len(spots), self.max_windows, replace=False)
            spots = [spots[k] for k in np.sort(keep)]
        x = np.empty((len(spots), length), dtype=np.float32)
        y = np.empty((len(spots), h), dtype=np.float32)
        for row, (i, t) in enumerate(spots):
            s = series[i]
            last = s[t - 1]
            x[row] = (s[t - length : t] - last) / scales[i]
            y[row] = (s[t : t + h] - last) / scales[i]
        return x, y

    def forecast(
        self, train: pd.DataFrame, h: int, freq: str, future_x: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """Train the network on this history and forecast (see :class:`ForecastModel`)."""
        import torch

        torch.set_num_threads(1)
        torch.manual_seed(self.seed)
        groups = list(train.groupby("unique_id", sort=False))
        series = [part["y"].to_numpy(dtype=float) for _, part in groups]
        scales = np.array([max(float(np.std(s)), 1e-6) for s in series])
        length = max(2, min(self.window, min(len(s) for s in series) - h))
        x, y = self._windows(series, scales, h, length)
        net = _make_net(self.hidden, h)
        optimiser = torch.optim.Adam(net.parameters(), lr=self.learning_rate)
        xt, yt = torch.from_numpy(x).unsqueeze(-1), torch.from_numpy(y)
        generator = torch.Generator().manual_seed(self.seed)
        net.train()
        for _ in range(self.epochs):
            order = torch.randperm(len(xt), generator=generator)
            for start in range(0, len(xt), 64):
                batch = order[start : start + 64]
                optimiser.zero_grad()
                loss = torch.nn.functional.l1_loss(net(xt[batch]), yt[batch])
                loss.backward()
                optimiser.step()
        net.eval()
        last = np.array([s[-1] for s in series])
        inputs = np.stack([(s[-length:] - s[-1]) / scales[i] for i, s in enumerate(series)])
        with torch.no_grad():
            out = net(torch.from_numpy(inputs.astype(np.float32)).unsqueeze(-1)).numpy()
        values = last[:, None] + out * scales[:, None]
        frames = [
            pd.DataFrame(
                {"unique_id": uid, "ds": future_dates(part["ds"].iloc[-1], h, freq), "yhat": v}
            )
            for (uid, part), v in zip(groups, values, strict=True)
        ]
        return pd.concat(frames, ignore_index=True)


def _make_net(hidden: int, h: int) -> Any:
    """The network (a class built here because torch is imported lazily)."""
    import torch

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = torch.nn.LSTM(1, hidden, batch_first=True)
            self.head = torch.nn.Linear(hidden, h)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            _, (state, _) = self.lstm(x)
            return self.head(state[-1])

    return Net()
