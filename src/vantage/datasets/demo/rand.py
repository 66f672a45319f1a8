"""Seeded random streams and deterministic ids.

Each part of the generator draws from its own named stream, so changing how one part uses
randomness never changes what another part produces for the same seed.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    """An independent generator for one named part of the demo."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def hex_ids(rng: np.random.Generator, n: int, length: int = 32) -> list[str]:
    """``n`` random lower-case hex strings of ``length`` characters."""
    text = rng.bytes(n * ((length + 1) // 2)).hex()
    step = 2 * ((length + 1) // 2)
    return [text[i * step : i * step + length] for i in range(n)]


def uuids(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` random version-4 UUID strings."""
    out = []
    for h in hex_ids(rng, n, 32):
        variant = "89ab"[int(h[16], 16) & 3]
        out.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}")
    return out


def digits(rng: np.random.Generator, n: int, width: int) -> list[str]:
    """``n`` random strings of ``width`` decimal digits."""
    values = rng.integers(0, 10, size=(n, width))
    return ["".join(map(str, row)) for row in values.tolist()]


def choice_index(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    """``n`` indices drawn with probability proportional to ``weights``."""
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())
