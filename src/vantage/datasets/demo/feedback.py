"""Product reviews (a review platform's CSV export) and support chats (a JSON Lines export)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from vantage.datasets.demo import texts, world
from vantage.datasets.demo.baskets import Baskets
from vantage.datasets.demo.calendar import DAY, Calendar
from vantage.datasets.demo.messages import iso
from vantage.datasets.demo.population import People
from vantage.datasets.demo.purchases import Orders
from vantage.datasets.demo.rand import stream

REVIEW_RATE = 0.08
CHAT_RATE = 0.035
CSAT_WEIGHTS = np.array([0.12, 0.1, 0.13, 0.25, 0.4])
STORE_TOPICS = ("return_refund", "product_question", "loyalty_points")


@dataclass
class Feedback:
    """Review rows, chat rows and their truth (person, aspects, topic, satisfaction)."""

    reviews: list[dict[str, Any]]
    review_truth: list[tuple[str, int, int, str]]
    chats: list[dict[str, Any]]
    chat_truth: list[tuple[str, int, str, int]]


def build_feedback(
    people: People,
    orders: Orders,
    baskets: Baskets,
    order_refs: dict[int, str],
    account_ts: np.ndarray,
    cal: Calendar,
    seed: int,
) -> Feedback:
    """Reviews of about 8% of orders and chats about 3.5% of them, after the order."""
    rng = stream(seed, "feedback")
    end_ts = cal.start_ts + cal.days * DAY
    catalogue = world.products()
    reviews, review_truth = [], []
    reviewed = np.flatnonzero(rng.random(len(orders)) < REVIEW_RATE)
    reviewed = reviewed[np.argsort(orders.ts[reviewed], kind="stable")]
    for k, o in enumerate(reviewed.tolist()):
        ts = int(orders.ts[o]) + int(rng.integers(2 * DAY, 14 * DAY))
        if ts >= end_ts:
            continue
        person = int(orders.person[o])
        in_store = orders.store[o] >= 0
        rating = 1 + int(rng.choice(5, p=texts.RATING_WEIGHTS))
        pool = ["quality", "price", "fit", "staff" if in_store else "delivery"]
        pool += ["returns"] if not in_store else []
        pool += ["packaging"] if not in_store else []
        aspects = [
            pool[i]
            for i in sorted(rng.choice(len(pool), 1 + int(rng.integers(0, 3)), replace=False))
        ]
        title, body, plan = texts.review_text(rating, aspects, rng)
        product = catalogue[baskets.lines[o][0][0]]
        review_id = f"R{2_000_000 + k}"
        email = people.email[person]
        reviews.append(
            {
                "review_id": review_id,
                "submitted_at": iso(ts)[:19] + "Z",
                "reviewer_name": f"{people.first_name[person]} {people.last_name[person][0]}.",
                "reviewer_email": email.capitalize() if rng.random() < 0.15 else email,
                "order_ref": order_refs.get(o, "") if rng.random() < 0.7 else "",
                "product_sku": product.sku,
                "product_name": product.name,
                "rating": rating,
                "title": title,
                "body": body,
            }
        )
        aspect_text = ";".join(f"{a}:{s:+d}" for a, s in plan)
        review_truth.append((review_id, person, rating, aspect_text))
    chats, chat_truth = _chats(rng, people, orders, baskets, order_refs, account_ts, end_ts)
    return Feedback(reviews, review_truth, chats, chat_truth)


def _chats(
    rng: np.random.Generator,
    people: People,
    orders: Orders,
    baskets: Baskets,
    order_refs: dict[int, str],
    account_ts: np.ndarray,
    end_ts: int,
) -> tuple[list[dict[str, Any]], list[tuple[str, int, str, int]]]:
    catalogue = world.products()
    topics = list(texts.CHAT_TOPICS)
    picked = np.flatnonzero(rng.random(len(orders)) < CHAT_RATE)
    picked = picked[np.argsort(orders.ts[picked], kind="stable")]
    chats, truth = [], []
    for k, o in enumerate(picked.tolist()):
        person = int(orders.person[o])
        online = orders.store[o] < 0
        choices = topics if online else STORE_TOPICS
        topic = choices[int(rng.integers(0, len(choices)))]
        start = int(orders.ts[o]) + int(rng.integers(DAY // 2, 10 * DAY))
        if start >= end_ts:
            continue
        satisfaction = 1 + int(rng.choice(5, p=CSAT_WEIGHTS / CSAT_WEIGHTS.sum()))
        product = catalogue[baskets.lines[o][0][0]].name.split(" (")[0]
        turns = texts.chat_turns(
            topic, satisfaction, order_refs.get(o, "my last order"), product, rng
        )
        at = start
        messages = []
        for speaker, text in turns:
            at += int(rng.integers(20, 240))
            messages.append({"from": speaker, "text": text, "at": iso(at)[:19] + "Z"})
        whatsapp = rng.random() < 0.3
        logged_in = not whatsapp and start >= account_ts[person] and rng.random() < 0.6
        chat_id = f"CH{3_000_000 + k}"
        chats.append(
            {
                "chat_id": chat_id,
                "channel": "whatsapp" if whatsapp else "web_chat",
                "started_at": iso(start)[:19] + "Z",
                "ended_at": iso(at + 30)[:19] + "Z",
                "user_id": people.user_id[person] if logged_in else None,
                "email": None if whatsapp or rng.random() < 0.1 else people.email[person],
                "phone": people.phone[person] if whatsapp else None,
                "csat": satisfaction if rng.random() < 0.65 else None,
                "agent": f"agent_{int(rng.integers(1, 25)):02d}",
                "messages": messages,
            }
        )
        if not (chats[-1]["user_id"] or chats[-1]["email"] or chats[-1]["phone"]):
            chats[-1]["email"] = people.email[person]
        truth.append((chat_id, person, topic, satisfaction))
    return chats, truth
