"""The true parameters of the simulated retailer (written to the ground truth, never guessed)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class PurchaseProcess:
    """BG/NBD repeat buying with Gamma-Gamma spend.

    While alive, customer i buys at rate ``lambda_i ~ Gamma(r, rate=alpha)`` per day (times the
    day's seasonality); after each repeat purchase they drop out with probability
    ``p_i ~ Beta(a, b)``. Order values are ``Gamma(spend_shape, rate=nu_i)`` with
    ``nu_i ~ Gamma(spend_q, rate=spend_gamma)``, so a customer's mean order value is
    ``spend_shape / nu_i``.
    """

    r: float = 0.75
    alpha: float = 75.0
    a: float = 0.7
    b: float = 3.5
    spend_shape: float = 6.0
    spend_q: float = 4.0
    spend_gamma: float = 30.0


@dataclass(frozen=True)
class Channel:
    """A marketing channel's true effect and cost.

    Attributes:
        touch_event: The event that is the touchpoint.
        beta: Probability that one touch causes an extra order of a live customer (at low
            weekly volume).
        saturation: Weekly touches per 1,000 customers at which the per-touch effect has
            halved (diminishing returns).
        per_customer: Touches over the period per generated customer (paid channels).
        cost_per_touch: Average cost of one click (paid) or one send (e-mail), GBP.
        ctr: Clicks per impression (paid channels).
        selection: Share of organic online orders that are preceded by a touch of this channel
            that did not cause them (brand search, coupon sites): correlation, not effect.
    """

    touch_event: str
    beta: float
    saturation: float
    per_customer: float
    cost_per_touch: float
    ctr: float
    selection: float


def _channels() -> dict[str, Channel]:
    return {
        "email": Channel("Email Opened", 0.05, 120.0, 0.0, 0.004, 1.0, 0.0),
        "paid_search": Channel("Ad Clicked", 0.1, 15.0, 0.4, 0.65, 0.045, 0.2),
        "social": Channel("Ad Clicked", 0.06, 8.0, 0.2, 0.45, 0.009, 0.0),
        "display": Channel("Ad Clicked", 0.04, 6.0, 0.15, 0.35, 0.002, 0.0),
        "affiliate": Channel("Ad Clicked", 0.01, 4.0, 0.08, 0.9, 0.02, 0.06),
    }


@dataclass(frozen=True)
class DemoParams:
    """Every knob of the simulation, with the true values used."""

    process: PurchaseProcess = field(default_factory=PurchaseProcess)
    channels: dict[str, Channel] = field(default_factory=_channels)
    prospects_per_customer: float = 0.4
    walk_ins_per_customer: float = 0.35
    online_share: tuple[float, float] = (1.6, 1.9)
    guest_checkout: float = 0.25
    loyalty_signup: float = 0.8
    card_scanned: float = 0.75
    cash_share: float = 0.12
    newsletter_optin: float = 0.55
    email_holdout: float = 0.1
    store_conversion: float = 0.22

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``truth/params.json``."""
        return asdict(self)
