"""The people of the demo: customers, prospects and walk-in shoppers.

Customers have contact details, devices and latent buying traits; prospects only browse; walk-in
shoppers are known only by a payment card.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vantage.datasets.demo import world
from vantage.datasets.demo.calendar import Calendar
from vantage.datasets.demo.params import DemoParams
from vantage.datasets.demo.rand import choice_index, digits, hex_ids, stream, uuids

WEB_DESKTOP, WEB_MOBILE, APP = 0, 1, 2


@dataclass
class Devices:
    """Every device, one row each: owner (customer index, or ``customers + prospect index``)."""

    owner: np.ndarray
    kind: np.ndarray
    anonymous_id: list[str]
    agent: np.ndarray
    app_model: np.ndarray
    ip: list[str]

    def of(self, owner: int) -> list[int]:
        """Indices of one owner's devices (computed lazily from a sorted owner array)."""
        lo = int(np.searchsorted(self.owner, owner, side="left"))
        hi = int(np.searchsorted(self.owner, owner, side="right"))
        return list(range(lo, hi))


@dataclass
class People:
    """Customers (index ``0..n-1``) and their latent truth; prospects and walk-ins by count."""

    n: int
    person_id: list[str]
    first_name: list[str]
    last_name: list[str]
    gender: np.ndarray
    birth_year: np.ndarray
    city: np.ndarray
    house: np.ndarray
    street: list[str]
    postcode: list[str]
    email: list[str]
    phone: list[str]
    home_store: np.ndarray
    online_share: np.ndarray
    acquired: np.ndarray
    lam: np.ndarray
    p_drop: np.ndarray
    nu: np.ndarray
    engagement: np.ndarray
    user_id: list[str]
    crm_id: list[str]
    loyalty_card: list[str]
    payment_cards: list[list[str]]
    esp_id: list[str]
    prospects: int
    prospect_id: list[str]
    walk_in_cards: list[str]
    walk_in_id: list[str]
    devices: Devices


def build_people(n: int, seed: int, cal: Calendar, params: DemoParams) -> People:
    """Draw ``n`` customers with prospects and walk-ins around them.

    Args:
        n: Number of customers.
        seed: Generator seed.
        cal: The demo period.
        params: True parameters.
    """
    rng = stream(seed, "people")
    gender = rng.integers(0, 2, n)
    female = rng.integers(0, len(world.FEMALE_NAMES), n)
    male = rng.integers(0, len(world.MALE_NAMES), n)
    first = [
        world.FEMALE_NAMES[f] if g == 0 else world.MALE_NAMES[m]
        for g, f, m in zip(gender.tolist(), female.tolist(), male.tolist(), strict=True)
    ]
    last = [world.SURNAMES[i] for i in rng.integers(0, len(world.SURNAMES), n).tolist()]
    city = choice_index(rng, np.array([c.weight for c in world.CITIES]), n)
    house = rng.integers(1, 180, n)
    street = [
        f"{world.STREET_NAMES[a]} {world.STREET_TYPES[b]}"
        for a, b in zip(
            rng.integers(0, len(world.STREET_NAMES), n).tolist(),
            rng.integers(0, len(world.STREET_TYPES), n).tolist(),
            strict=True,
        )
    ]
    postcode = _postcodes(rng, city)
    store_of_city = {s.city: i for i, s in enumerate(world.STORES)}
    home_store = np.array([store_of_city.get(c, -1) for c in city.tolist()])
    share = rng.beta(*params.online_share, n)
    share = np.where(home_store < 0, 0.85 + 0.15 * share, share)
    proc = params.process
    season = cal.seasonality() * (1 + 0.6 * np.arange(cal.days) / cal.days)
    acquired = cal.start_ts + choice_index(rng, season[:-1], n) * 86_400
    ids = rng.permutation(n) + 1_000_000
    prospects = round(n * params.prospects_per_customer)
    walk_ins = round(n * params.walk_ins_per_customer)
    people = People(
        n=n,
        person_id=[f"P{i:06d}" for i in range(n)],
        first_name=first,
        last_name=last,
        gender=gender,
        birth_year=rng.integers(1950, 2006, n),
        city=city,
        house=house,
        street=street,
        postcode=postcode,
        email=_emails(rng, first, last),
        phone=["+44" + p for p in _mobiles(rng, n)],
        home_store=home_store,
        online_share=share,
        acquired=acquired.astype(np.int64),
        lam=rng.gamma(proc.r, 1 / proc.alpha, n),
        p_drop=rng.beta(proc.a, proc.b, n),
        nu=rng.gamma(proc.spend_q, 1 / proc.spend_gamma, n),
        engagement=rng.beta(2.0, 9.0, n),
        user_id=[f"usr_{h}" for h in hex_ids(rng, n, 12)],
        crm_id=[f"C{i:07d}" for i in ids.tolist()],
        loyalty_card=["6339" + d for d in digits(rng, n, 12)],
        payment_cards=[
            [f"tok_{h}" for h in hex_ids(rng, k, 16)] for k in (1 + (rng.random(n) < 0.3)).tolist()
        ],
        esp_id=[f"sub_{h}" for h in hex_ids(rng, n, 14)],
        prospects=prospects,
        prospect_id=[f"V{i:06d}" for i in range(prospects)],
        walk_in_cards=[f"tok_{h}" for h in hex_ids(rng, walk_ins, 16)],
        walk_in_id=[f"W{i:06d}" for i in range(walk_ins)],
        devices=_devices(rng, n, prospects, city),
    )
    return people


def _postcodes(rng: np.random.Generator, city: np.ndarray) -> list[str]:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    n = len(city)
    district = rng.integers(1, 30, n).tolist()
    sector = rng.integers(0, 10, n).tolist()
    unit = rng.integers(0, len(letters), (n, 2)).tolist()
    return [
        f"{world.CITIES[c].postcode}{d} {s}{letters[u[0]]}{letters[u[1]]}"
        for c, d, s, u in zip(city.tolist(), district, sector, unit, strict=True)
    ]


def _emails(rng: np.random.Generator, first: list[str], last: list[str]) -> list[str]:
    domains = [d for d, _ in world.EMAIL_DOMAINS]
    weights = np.array([w for _, w in world.EMAIL_DOMAINS])
    domain = choice_index(rng, weights, len(first)).tolist()
    pattern = rng.integers(0, 5, len(first)).tolist()
    number = rng.integers(1, 99, len(first)).tolist()
    seen: set[str] = set()
    out = []
    for given, family, d, p, k in zip(first, last, domain, pattern, number, strict=True):
        f, s = given.lower(), family.lower()
        local = (f"{f}.{s}", f"{f}{s}{k}", f"{f[0]}.{s}", f"{f}_{s}{k}", f"{s}.{f}{k}")[p]
        email = f"{local}@{domains[d]}"
        extra = k
        while email in seen:
            extra += 7
            email = f"{local}{extra}@{domains[d]}"
        seen.add(email)
        out.append(email)
    return out


def _mobiles(rng: np.random.Generator, n: int) -> list[str]:
    """UK mobile numbers without the leading 0 (10 digits), all valid and distinct.

    07700 numbers are reserved (drama and unallocated) and are never drawn.
    """
    out: list[str] = []
    seen: set[str] = set()
    prefixes = ("71", "72", "73", "74", "75", "77", "78")
    while len(out) < n:
        for d, p in zip(digits(rng, n, 8), rng.integers(0, len(prefixes), n).tolist(), strict=True):
            number = prefixes[p] + d
            if number not in seen and not number.startswith("7700") and len(out) < n:
                seen.add(number)
                out.append(number)
    return out


def _devices(rng: np.random.Generator, n: int, prospects: int, city: np.ndarray) -> Devices:
    per_customer = 1 + np.minimum(rng.poisson(0.7, n), 2)
    owners = np.concatenate(
        [np.repeat(np.arange(n), per_customer), n + np.arange(prospects, dtype=np.int64)]
    )
    total = len(owners)
    kind = choice_index(rng, np.array([0.38, 0.34, 0.28]), total)
    first_of_owner = np.r_[True, owners[1:] != owners[:-1]]
    kind = np.where(first_of_owner & (kind == APP), WEB_MOBILE, kind)
    owner_city = np.concatenate([city, choice_index(rng, np.ones(len(world.CITIES)), prospects)])
    octets = rng.integers(1, 255, (total, 2)).tolist()
    ip = [
        f"{world.CITIES[owner_city[o]].ip_prefix}.{a}.{b}"
        for o, (a, b) in zip(owners.tolist(), octets, strict=True)
    ]
    return Devices(
        owner=owners,
        kind=kind,
        anonymous_id=uuids(rng, total),
        agent=rng.integers(0, 12, total),
        app_model=rng.integers(0, len(world.APP_DEVICES), total),
        ip=ip,
    )
