"""Segment-spec messages as the retailer's website, apps and e-mail platform send them."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import orjson

from vantage.datasets.demo import world
from vantage.datasets.demo.population import APP, Devices
from vantage.datasets.demo.rand import hex_ids

WEB_LIBRARY = {"name": "analytics.js", "version": "next-1.70.0"}
IOS_LIBRARY = {"name": "analytics-swift", "version": "1.5.11"}
ANDROID_LIBRARY = {"name": "analytics-kotlin", "version": "1.16.3"}
REFERRERS = {
    "paid_search": "https://www.google.com/",
    "social": "https://l.instagram.com/",
    "display": "https://www.theguardian.com/",
    "affiliate": "https://www.vouchercodes.co.uk/",
    "email": "",
}
ID_BATCH = 50_000


class MessageIds:
    """Deterministic message ids, drawn in batches from a seeded generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.pool: list[str] = []

    def next(self) -> str:
        """The next 32-hex-digit id."""
        if not self.pool:
            self.pool = hex_ids(self.rng, ID_BATCH)[::-1]
        return self.pool.pop()


def iso(ts: int, ms: int = 0) -> str:
    """Epoch seconds (plus milliseconds) as ISO-8601 UTC text."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{ms:03d}Z"


def device_context(devices: Devices, device: int) -> dict[str, Any]:
    """The context a device attaches to every message it sends (without page or campaign)."""
    ip = devices.ip[device]
    if devices.kind[device] == APP:
        os_kind, maker, model, os_name, os_version = world.APP_DEVICES[devices.app_model[device]]
        return {
            "app": {
                "name": world.RETAILER,
                "version": world.APP_VERSION[0],
                "build": world.APP_VERSION[1],
                "namespace": "uk.co.harbourandpine.app",
            },
            "device": {
                "id": devices.anonymous_id[device].upper(),
                "manufacturer": maker,
                "model": model,
                "type": os_kind,
            },
            "os": {"name": os_name, "version": os_version},
            "library": IOS_LIBRARY if os_kind == "ios" else ANDROID_LIBRARY,
            "locale": "en-GB",
            "timezone": "Europe/London",
            "network": {"wifi": bool(devices.agent[device] % 2)},
            "ip": ip,
        }
    agents = world.MOBILE_AGENTS if devices.kind[device] == 1 else world.WEB_AGENTS
    return {
        "library": WEB_LIBRARY,
        "userAgent": agents[int(devices.agent[device]) % len(agents)],
        "locale": "en-GB",
        "timezone": "Europe/London",
        "ip": ip,
    }


def campaign_context(channel: str, campaign_name: str, campaign_id: str) -> dict[str, str]:
    """``context.campaign`` (the UTM parameters of the landing URL)."""
    if channel == "email":
        return {"name": campaign_id, "source": "newsletter", "medium": "email"}
    source, medium = world.AD_NETWORKS[channel]
    slug = campaign_name.lower().replace(" ", "_")
    return {"name": slug, "source": source, "medium": medium}


class Builder:
    """Builds the messages of one source with shared, deterministic message ids.

    Messages are kept as JSON text (orjson's bytes objects hold far more memory than their
    length, which matters for hundreds of thousands of messages).
    """

    def __init__(self, ids: MessageIds, prefix: str) -> None:
        self.ids = ids
        self.prefix = prefix
        self.out: list[tuple[int, str]] = []

    def emit(
        self,
        kind: str,
        ts: int,
        anonymous_id: str | None,
        user_id: str | None,
        context: dict[str, Any],
        **fields: Any,
    ) -> None:
        """Append one message of type ``kind`` at ``ts`` (epoch seconds)."""
        mid = self.ids.next()
        ms = int(mid[-3:], 16) % 1000
        stamp = iso(ts, ms)
        message: dict[str, Any] = {"type": kind, "messageId": f"{self.prefix}{mid}"}
        if anonymous_id:
            message["anonymousId"] = anonymous_id
        if user_id:
            message["userId"] = user_id
        message.update(fields)
        message["context"] = context
        message["timestamp"] = stamp
        message["originalTimestamp"] = stamp
        self.out.append((ts * 1000 + ms, orjson.dumps(message).decode()))

    def sorted_lines(self) -> list[str]:
        """The messages as JSON text, in time order (stable for equal times)."""
        self.out.sort(key=lambda pair: pair[0])
        return [line for _, line in self.out]


def page_fields(page: tuple[str, str, str], referrer: str, search: str) -> dict[str, Any]:
    """``name`` and ``properties`` of a page call, and the matching ``context.page``."""
    name, path, title = page
    url = world.SITE + path + search
    props = {"path": path, "url": url, "title": title, "referrer": referrer, "search": search}
    return {"name": name, "properties": props}


def product_properties(product: world.Product, price: float | None = None) -> dict[str, Any]:
    """Properties of a product event (Segment e-commerce spec)."""
    return {
        "product_id": product.product_id,
        "sku": product.sku,
        "name": product.name,
        "category": product.category,
        "price": round(price if price is not None else product.price, 2),
        "currency": world.CURRENCY,
    }
