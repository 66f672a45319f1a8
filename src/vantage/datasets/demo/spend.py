"""Weekly campaign spend per channel, consistent with the touches, and the true weekly effects."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vantage.datasets.demo import world
from vantage.datasets.demo.calendar import Calendar
from vantage.datasets.demo.marketing import EMAIL, Marketing
from vantage.datasets.demo.params import DemoParams
from vantage.datasets.demo.purchases import Orders
from vantage.datasets.demo.rand import stream

EMAIL_PLATFORM_FEE = 45.0


@dataclass
class Spend:
    """Per (week, channel): what the ad platforms report, and what really happened.

    Arrays are indexed ``[week, channel]`` with channels in :data:`world.CHANNELS` order.
    """

    weeks: list[str]
    impressions: np.ndarray
    clicks: np.ndarray
    spend: np.ndarray
    touches: np.ndarray
    incremental_orders: np.ndarray
    incremental_revenue: np.ndarray
    selection_touches: np.ndarray

    def table_rows(self) -> list[tuple[str, str, int, int, float]]:
        """Rows of ``campaign_spend.csv``: week_start, channel, impressions, clicks, spend."""
        return [
            (
                week,
                channel,
                int(self.impressions[w, c]),
                int(self.clicks[w, c]),
                float(self.spend[w, c]),
            )
            for w, week in enumerate(self.weeks)
            for c, channel in enumerate(world.CHANNELS)
        ]


def weekly_spend(
    marketing: Marketing, orders: Orders, cal: Calendar, params: DemoParams, seed: int
) -> Spend:
    """Build the spend table from the touches (clicks x cost per click, sends x cost per send)."""
    rng = stream(seed, "spend")
    weeks = cal.week_starts()
    shape = (len(weeks), len(world.CHANNELS))
    touches = marketing.touches
    week = np.clip(cal.week_index(touches.ts), 0, len(weeks) - 1)
    count = np.zeros(shape)
    np.add.at(count, (week, touches.channel), 1)
    clicks = np.zeros(shape)
    np.add.at(clicks, (week, touches.channel), touches.clicked.astype(float))
    selection = np.zeros(shape)
    chosen = (touches.order >= 0) & ~touches.causal
    np.add.at(selection, (week[chosen], touches.channel[chosen]), 1)
    sends = np.zeros(len(weeks))
    for camp, n in zip(
        (c for c in marketing.campaigns if c.channel == EMAIL),
        marketing.sends.tolist(),
        strict=True,
    ):
        sends[min(int(cal.week_index(np.array([camp.ts]))[0]), len(weeks) - 1)] += n
    impressions = np.zeros(shape)
    spend = np.zeros(shape)
    for c, name in enumerate(world.CHANNELS):
        channel = params.channels[name]
        if c == EMAIL:
            impressions[:, c] = sends
            spend[:, c] = sends * channel.cost_per_touch + EMAIL_PLATFORM_FEE
            continue
        noise = rng.lognormal(0.0, 0.15, len(weeks))
        impressions[:, c] = np.round(clicks[:, c] / channel.ctr * noise)
        spend[:, c] = clicks[:, c] * channel.cost_per_touch * rng.lognormal(0.0, 0.08, len(weeks))
    caused = orders.driver >= 0
    order_week = np.clip(cal.week_index(orders.ts[caused]), 0, len(weeks) - 1)
    inc_orders = np.zeros(shape)
    np.add.at(inc_orders, (order_week, orders.driver[caused]), 1)
    inc_revenue = np.zeros(shape)
    np.add.at(inc_revenue, (order_week, orders.driver[caused]), orders.amount[caused])
    return Spend(
        weeks=[w.isoformat() for w in weeks],
        impressions=impressions,
        clicks=clicks,
        spend=np.round(spend, 2),
        touches=count,
        incremental_orders=inc_orders,
        incremental_revenue=np.round(inc_revenue, 2),
        selection_touches=selection,
    )
