"""Posterior draws of each channel's adstock and saturation, and the responses they imply.

The model (PyMC-Marketing's): a channel's weekly spend ``x`` is divided by the channel's scale,
carried over by normalised geometric adstock (weights ``alpha ** l``, ``l < l_max``, summing to
one) and saturated by ``(1 - exp(-lam * a)) / (1 + exp(-lam * a))``; times ``beta`` and the
target's scale that is the channel's contribution to weekly sales. Holding spend at ``s`` per
week, the adstocked value settles at ``s``, so the steady-state weekly response is
``beta * target_scale * saturation(s / scale, lam)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def logistic_saturation(x: np.ndarray, lam: np.ndarray | float) -> np.ndarray:
    """``(1 - exp(-lam x)) / (1 + exp(-lam x))`` (equals ``tanh(lam x / 2)``)."""
    return np.tanh(lam * x / 2.0)


def geometric_adstock(x: np.ndarray, alpha: np.ndarray, l_max: int) -> np.ndarray:
    """Normalised geometric adstock along axis -2 (time) of ``x``.

    Args:
        x: Spend, shape ``(..., weeks, channels)``.
        alpha: Retention per channel, broadcastable to ``(..., 1, channels)``.
        l_max: Longest carry-over in weeks.
    """
    alpha = np.asarray(alpha)[..., None, :]
    lags = np.arange(l_max).reshape((l_max,) + (1,) * alpha.ndim)
    weights = alpha[None] ** lags
    weights = weights / weights.sum(axis=0, keepdims=True)
    out = np.zeros(np.broadcast_shapes(x.shape, alpha.shape))
    weeks = x.shape[-2]
    for lag in range(min(l_max, weeks)):
        shifted = np.zeros_like(x, dtype=float)
        shifted[..., lag:, :] = x[..., : weeks - lag, :]
        out = out + weights[lag] * shifted
    return out


@dataclass
class ResponseSamples:
    """Posterior draws of the media parameters, shapes ``(draws, channels)``.

    Attributes:
        channels: Channel names.
        alpha: Adstock retention.
        lam: Saturation steepness (in scaled spend units).
        beta: Saturation ceiling (in scaled sales units).
        channel_scale: Spend scale of each channel (its maximum weekly spend).
        target_scale: Sales scale (maximum weekly sales).
        l_max: Longest carry-over in weeks.
    """

    channels: list[str]
    alpha: np.ndarray
    lam: np.ndarray
    beta: np.ndarray
    channel_scale: np.ndarray
    target_scale: float
    l_max: int

    @property
    def draws(self) -> int:
        """Number of posterior draws."""
        return int(self.beta.shape[0])

    def weekly_response(self, spend: np.ndarray) -> np.ndarray:
        """Steady-state weekly sales from each channel at weekly ``spend`` (per channel).

        Args:
            spend: Shape ``(channels,)``.

        Returns:
            Shape ``(draws, channels)``.
        """
        x = np.asarray(spend, float) / self.channel_scale
        return self.beta * self.target_scale * logistic_saturation(x, self.lam)

    def marginal_response(self, spend: np.ndarray) -> np.ndarray:
        """Derivative of :meth:`weekly_response` with respect to spend, ``(draws, channels)``."""
        x = np.asarray(spend, float) / self.channel_scale
        slope = self.lam / self.channel_scale / 2.0 * (1.0 - np.tanh(self.lam * x / 2.0) ** 2)
        return self.beta * self.target_scale * slope

    def contributions(self, spend: np.ndarray) -> np.ndarray:
        """Weekly contribution of each channel to sales for a spend history.

        Args:
            spend: Shape ``(weeks, channels)``.

        Returns:
            Shape ``(draws, weeks, channels)``.
        """
        x = np.asarray(spend, float)[None] / self.channel_scale
        carried = geometric_adstock(x, self.alpha, self.l_max)
        return (
            self.beta[:, None, :]
            * self.target_scale
            * logistic_saturation(carried, self.lam[:, None, :])
        )

    def rescaled(self, factor: float) -> ResponseSamples:
        """The same curves with sales multiplied by ``factor`` (a change of currency unit)."""
        return ResponseSamples(
            self.channels,
            self.alpha,
            self.lam,
            self.beta,
            self.channel_scale,
            self.target_scale * factor,
            self.l_max,
        )
