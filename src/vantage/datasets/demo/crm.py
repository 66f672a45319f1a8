"""The CRM export: loyalty members and newsletter sign-ups, typed in by people.

It shares no key with the website: only names, e-mail addresses, phone numbers, postal
addresses and the loyalty card number can connect a CRM row to anything else, and those are
typed with the usual mistakes (typos, nicknames, abbreviations, odd case and spacing, gaps).
About 3% of people were registered twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from vantage.datasets.demo import world
from vantage.datasets.demo.calendar import DAY
from vantage.datasets.demo.messages import iso
from vantage.datasets.demo.population import People
from vantage.datasets.demo.rand import stream

COLUMNS = (
    "customer_no",
    "created_at",
    "updated_at",
    "title",
    "first_name",
    "last_name",
    "email_address",
    "phone_number",
    "address_line1",
    "town",
    "postcode",
    "date_of_birth",
    "loyalty_card_no",
    "marketing_opt_in",
    "preferred_store",
)
NEIGHBOURS = {
    "a": "sq",
    "b": "vn",
    "c": "xv",
    "d": "sf",
    "e": "wr",
    "f": "dg",
    "g": "fh",
    "h": "gj",
    "i": "uo",
    "j": "hk",
    "k": "jl",
    "l": "k",
    "m": "n",
    "n": "bm",
    "o": "ip",
    "p": "o",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "u": "yi",
    "v": "cb",
    "w": "qe",
    "y": "tu",
}


@dataclass
class CrmExport:
    """The export's rows, and for each row the person it belongs to (truth)."""

    rows: list[dict[str, Any]]
    person: list[int]
    typos: int
    birthday: list[str]


def typo(text: str, rng: np.random.Generator) -> str:
    """One keyboard slip: swapped, dropped, doubled or neighbouring letter."""
    if len(text) < 3:
        return text + text[-1]
    i = int(rng.integers(1, len(text) - 1))
    kind = int(rng.integers(0, 4))
    if kind == 0:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    if kind == 2:
        return text[:i] + text[i] + text[i:]
    near = NEIGHBOURS.get(text[i].lower(), "e")
    return text[:i] + near[int(rng.integers(0, len(near)))] + text[i + 1 :]


def build_crm(
    people: People, member_since: np.ndarray, opted_in: np.ndarray, seed: int
) -> CrmExport:
    """One row per loyalty member or newsletter subscriber, plus some duplicate registrations."""
    rng = stream(seed, "crm")
    subscribed = np.where(opted_in, people.acquired + rng.integers(0, 3 * DAY, people.n), np.inf)
    created = np.minimum(member_since, subscribed)
    known = np.flatnonzero(np.isfinite(created))
    twice = known[rng.random(len(known)) < 0.03]
    birthday = [
        f"{y:04d}-{m:02d}-{d:02d}"
        for y, m, d in zip(
            people.birth_year.tolist(),
            rng.integers(1, 13, people.n).tolist(),
            rng.integers(1, 29, people.n).tolist(),
            strict=True,
        )
    ]
    rows: list[dict[str, Any]] = []
    persons: list[int] = []
    typos = 0
    for person, duplicate in [(int(p), False) for p in known] + [(int(p), True) for p in twice]:
        row, slips = _row(rng, people, person, created[person], member_since[person], duplicate)
        if rng.random() < 0.35:
            row["date_of_birth"] = ""
        else:
            row["date_of_birth"] = birthday[person]
        row["marketing_opt_in"] = "Y" if opted_in[person] else "N"
        rows.append(row)
        persons.append(person)
        typos += slips
    order = np.argsort([r["created_at"] for r in rows], kind="stable")
    number = 1_000_000 + rng.permutation(len(rows))
    for k, i in enumerate(order.tolist()):
        rows[i]["customer_no"] = f"C{number[k]}"
    return CrmExport([rows[i] for i in order], [persons[i] for i in order], typos, birthday)


def _row(
    rng: np.random.Generator,
    people: People,
    person: int,
    created: float,
    member_since: float,
    duplicate: bool,
) -> tuple[dict[str, Any], int]:
    slips = 0
    created_ts = int(created) + (int(rng.integers(30, 400)) * DAY if duplicate else 0)
    first, last = people.first_name[person], people.last_name[person]
    u = rng.random(4)
    if u[0] < 0.06 + 0.1 * duplicate:
        first, slips = typo(first, rng), slips + 1
    elif u[0] < 0.1 and first in world.NICKNAMES:
        first = world.NICKNAMES[first]
    if u[1] < 0.05 + 0.1 * duplicate:
        last, slips = typo(last, rng), slips + 1
    if u[2] < 0.03:
        first, last = first.upper(), last.upper()
    elif u[2] < 0.05:
        first, last = first.lower(), last.lower()
    title = ("Ms", "Mrs", "Miss", "Mr", "Mr", "Dr")[
        int(rng.integers(0, 3)) if people.gender[person] == 0 else 3 + int(rng.integers(0, 3))
    ]
    return {
        "customer_no": "",
        "created_at": iso(created_ts)[:19] + "Z",
        "updated_at": iso(created_ts + int(rng.integers(0, 200)) * DAY)[:19] + "Z",
        "title": "" if u[3] < 0.2 else title,
        "first_name": first,
        "last_name": last,
        "email_address": _email(rng, people.email[person], duplicate),
        "phone_number": _phone(rng, people.phone[person]),
        "address_line1": _address(rng, people, person),
        "town": _town(rng, world.CITIES[people.city[person]].name),
        "postcode": _postcode(rng, people.postcode[person]),
        "date_of_birth": "",
        "loyalty_card_no": people.loyalty_card[person] if np.isfinite(member_since) else "",
        "marketing_opt_in": "",
        "preferred_store": _store(people, person, member_since),
    }, slips


def _email(rng: np.random.Generator, email: str, duplicate: bool) -> str:
    u = rng.random()
    if u < 0.07 or (duplicate and u < 0.3):
        return ""
    local, domain = email.split("@")
    if u < 0.22:
        local = ".".join(part.capitalize() for part in local.split("."))
    elif u < 0.3:
        domain = domain.capitalize()
    elif u < 0.34:
        return email.upper()
    text = f"{local}@{domain}"
    if rng.random() < 0.06:
        text = (" " if rng.random() < 0.5 else "") + text + " "
    return text


def _phone(rng: np.random.Generator, e164: str) -> str:
    if rng.random() < 0.25:
        return ""
    national = "0" + e164[3:]
    style = int(rng.integers(0, 5))
    if style == 0:
        return f"{national[:5]} {national[5:]}"
    if style == 1:
        return f"+44 {e164[3:7]} {e164[7:]}"
    if style == 2:
        return f"({national[:5]}) {national[5:]}"
    if style == 3:
        return national
    return f"0044 {e164[3:7]} {e164[7:10]} {e164[10:]}"


def _address(rng: np.random.Generator, people: People, person: int) -> str:
    if rng.random() < 0.05:
        return ""
    street = people.street[person]
    u = rng.random(3)
    if u[0] < 0.2:
        name, kind = street.rsplit(" ", 1)
        street = f"{name} {world.STREET_ABBREVIATIONS.get(kind, kind)}"
        if u[1] < 0.3:
            street += "."
    if u[2] < 0.05:
        street = typo(street, rng)
    house = int(people.house[person])
    if u[1] > 0.97:
        return street
    if u[1] > 0.9:
        return f"Flat {int(rng.integers(1, 12))}, {house} {street}"
    return f"{house} {street}"


def _town(rng: np.random.Generator, town: str) -> str:
    u = rng.random()
    if u < 0.02:
        return ""
    if u < 0.05:
        return town.upper()
    return town


def _postcode(rng: np.random.Generator, postcode: str) -> str:
    u = rng.random()
    if u < 0.1:
        return postcode.replace(" ", "")
    if u < 0.15:
        return postcode.lower()
    return postcode


def _store(people: People, person: int, member_since: float) -> str:
    store = int(people.home_store[person])
    if store < 0 or not np.isfinite(member_since):
        return ""
    return world.STORES[store].store_id
