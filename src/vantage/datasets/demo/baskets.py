"""What each order contains: products drawn from the catalogue, priced to the order's value."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vantage.datasets.demo import world
from vantage.datasets.demo.purchases import Orders
from vantage.datasets.demo.rand import stream

FAVOURITE_SHARE = 0.6


@dataclass
class Baskets:
    """Per order: its lines as (product index, unit price, quantity)."""

    lines: list[list[tuple[int, float, int]]]

    def items(self, order: int) -> int:
        """Number of items in one order."""
        return sum(q for _, _, q in self.lines[order])


def build_baskets(orders: Orders, people_n: int, seed: int) -> Baskets:
    """Fill every order with 1-5 lines whose prices add up to the order's value.

    Each customer has a favourite category that most of their lines come from.
    """
    rng = stream(seed, "baskets")
    catalogue = world.products()
    categories = sorted({p.category for p in catalogue})
    by_category = [
        np.array([i for i, p in enumerate(catalogue) if p.category == c]) for c in categories
    ]
    list_price = np.array([p.price for p in catalogue])
    favourite = rng.integers(0, len(categories), people_n)
    n = len(orders)
    lines_per_order = 1 + np.minimum(rng.poisson(0.7, n), 4)
    owner = np.repeat(np.arange(n), lines_per_order)
    favoured = rng.random(len(owner)) < FAVOURITE_SHARE
    category = np.where(
        favoured, favourite[orders.person[owner]], rng.integers(0, len(categories), len(owner))
    )
    pick = rng.random(len(owner))
    product = np.array(
        [by_category[c][int(u * len(by_category[c]))] for c, u in zip(category, pick, strict=True)]
    )
    weight = list_price[product] * rng.gamma(4.0, 0.25, len(owner))
    quantity = np.where(rng.random(len(owner)) < 0.12, 2, 1)
    totals = np.zeros(n)
    np.add.at(totals, owner, weight * quantity)
    unit = np.round(orders.amount[owner] * weight / totals[owner], 2)
    lines: list[list[tuple[int, float, int]]] = [[] for _ in range(n)]
    for o, p, u, q in zip(
        owner.tolist(), product.tolist(), unit.tolist(), quantity.tolist(), strict=True
    ):
        lines[o].append((p, max(u, 0.5), q))
    return Baskets(lines)
