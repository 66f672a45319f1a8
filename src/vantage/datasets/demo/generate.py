"""Generate the demo workspace of a multi-channel retailer, and its ground truth beside it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from vantage.core.errors import DatasetError
from vantage.datasets.demo import world
from vantage.datasets.demo.baskets import build_baskets
from vantage.datasets.demo.calendar import Calendar
from vantage.datasets.demo.crm import COLUMNS as CRM_COLUMNS
from vantage.datasets.demo.crm import build_crm
from vantage.datasets.demo.email_events import email_messages
from vantage.datasets.demo.feedback import build_feedback
from vantage.datasets.demo.files import write_csv, write_jsonl, write_lines, write_mapping
from vantage.datasets.demo.manifest import DemoManifest, WorkspaceFile
from vantage.datasets.demo.marketing import simulate_marketing
from vantage.datasets.demo.messages import iso
from vantage.datasets.demo.params import DemoParams
from vantage.datasets.demo.population import build_people
from vantage.datasets.demo.purchases import simulate
from vantage.datasets.demo.rand import stream
from vantage.datasets.demo.sessions import build_sessions
from vantage.datasets.demo.spend import weekly_spend
from vantage.datasets.demo.stores import PointOfSale, build_pos, footfall
from vantage.datasets.demo.truth import World, write_truth

Progress = Callable[[str, float], None]
MIN_CUSTOMERS = 50
MIN_DAYS = 56
DEFAULT_DAYS = 730
POS_COLUMNS = (
    "transaction_id",
    "store_id",
    "till_id",
    "sold_at",
    "loyalty_card_no",
    "card_token",
    "payment_method",
    "items",
    "total",
    "currency",
)
REVIEW_COLUMNS = (
    "review_id",
    "submitted_at",
    "reviewer_name",
    "reviewer_email",
    "order_ref",
    "product_sku",
    "product_name",
    "rating",
    "title",
    "body",
)
STEPS = (
    "people",
    "purchases",
    "marketing",
    "sessions",
    "stores",
    "crm",
    "feedback",
    "write",
    "truth",
)


def default_period(today: date | None = None) -> tuple[date, date]:
    """About two years ending yesterday (UTC): ``(start, end)``, both inclusive."""
    end = (today or datetime.now(UTC).date()) - timedelta(days=1)
    return end - timedelta(days=DEFAULT_DAYS - 1), end


def generate(
    out_dir: Path,
    *,
    customers: int = 20_000,
    seed: int = 42,
    start: date | None = None,
    end: date | None = None,
    progress: Progress | None = None,
) -> DemoManifest:
    """Generate a retailer's workspace in ``out_dir/workspace`` and its truth in ``out_dir/truth``.

    The same arguments always give byte-identical files. Existing ``workspace`` and ``truth``
    folders inside ``out_dir`` are replaced.

    Args:
        out_dir: Folder to write into (created when missing).
        customers: Number of customers (people who buy at least once); prospects and walk-in
            shoppers are added in proportion.
        seed: Seed of every random choice.
        start: First day of the period; default two years before ``end``.
        end: Last day of the period; default yesterday (UTC).
        progress: Called with (step name, fraction of the work done) as steps finish.

    Returns:
        The manifest of the workspace files (also written to ``workspace/manifest.json``).

    Raises:
        DatasetError: Too few customers or too short a period.
    """
    if customers < MIN_CUSTOMERS:
        raise DatasetError(
            f"customers={customers} is too few for a demo workspace.",
            f"Ask for at least {MIN_CUSTOMERS} customers.",
        )
    end = end or default_period()[1]
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if (end - start).days + 1 < MIN_DAYS:
        raise DatasetError(
            f"The period {start} .. {end} is shorter than {MIN_DAYS} days.",
            f"Pass a start at least {MIN_DAYS} days before the end.",
        )
    done = _reporter(progress)
    cal = Calendar(start, end)
    params = DemoParams()
    the_world = _simulate(customers, seed, cal, params, done)
    for folder in ("workspace", "truth"):
        shutil.rmtree(out_dir / folder, ignore_errors=True)
    manifest = DemoManifest(seed=seed, customers=customers, start=start, end=end, out_dir=out_dir)
    manifest.files.extend(_write_workspace(out_dir / "workspace", the_world, cal, params, seed))
    manifest.write(out_dir / "workspace")
    done("write")
    write_truth(out_dir / "truth", the_world, cal, params, seed)
    done("truth")
    return manifest


def _simulate(
    customers: int, seed: int, cal: Calendar, params: DemoParams, done: Callable[[str], None]
) -> World:
    people = build_people(customers, seed, cal, params)
    done("people")
    organic, lives = simulate(people, cal, params, seed)
    done("purchases")
    marketing = simulate_marketing(people, lives, organic, cal, params, seed)
    orders = organic.extend(marketing.orders)
    baskets = build_baskets(orders, people.n, seed)
    done("marketing")
    activity = build_sessions(people, lives, orders, baskets, marketing, cal, params, seed)
    email = email_messages(people, marketing, activity.account_ts, seed)
    done("sessions")
    items = np.array([baskets.items(o) for o in range(len(orders))])
    pos = build_pos(people, orders, items, cal, params, seed)
    order_refs = dict(activity.order_ids)
    order_refs.update(
        (int(o), t) for o, t in zip(pos.order.tolist(), pos.transaction_id, strict=True) if o >= 0
    )
    done("stores")
    crm = build_crm(people, pos.member_since, marketing.opted_in, seed)
    done("crm")
    feedback = build_feedback(people, orders, baskets, order_refs, activity.account_ts, cal, seed)
    spend = weekly_spend(marketing, orders, cal, params, seed)
    done("feedback")
    return World(
        people, lives, orders, marketing, activity, email, pos, crm, feedback, spend, order_refs
    )


def _write_workspace(
    workspace: Path, w: World, cal: Calendar, params: DemoParams, seed: int
) -> list[WorkspaceFile]:
    crm_rows = ([row[c] for c in CRM_COLUMNS] for row in w.crm.rows)
    reviews = ([r[c] for c in REVIEW_COLUMNS] for r in w.feedback.reviews)
    write_mapping(workspace / "support/chats.mapping.yml", "support")
    stores = ((s.store_id, s.name, world.CITIES[s.city].name, s.opened) for s in world.STORES)
    catalogue = ((p.product_id, p.sku, p.name, p.category, p.price) for p in world.products())
    return [
        _api(workspace, "events/web.jsonl", "web", w.activity.web, "website (analytics.js)"),
        _api(workspace, "events/app.jsonl", "app", w.activity.app, "iOS and Android apps"),
        _api(workspace, "events/email.jsonl", "email", w.email, "e-mail platform"),
        _import(workspace, "crm", "crm/customers.csv", CRM_COLUMNS, crm_rows, "CRM export"),
        _import(
            workspace,
            "pos",
            "pos/transactions.csv",
            POS_COLUMNS,
            _pos_rows(w.pos, seed),
            "point-of-sale transactions from the tills",
        ),
        _import(
            workspace,
            "reviews",
            "reviews/reviews.csv",
            REVIEW_COLUMNS,
            reviews,
            "product reviews from the review platform",
        ),
        WorkspaceFile(
            "support/chats.jsonl",
            "import",
            "support",
            write_jsonl(workspace / "support/chats.jsonl", w.feedback.chats),
            "support/chats.mapping.yml",
            "support chat transcripts with satisfaction scores",
        ),
        _table(
            workspace,
            "tables/campaign_spend.csv",
            "marketing",
            ("week_start", "channel", "impressions", "clicks", "spend_gbp"),
            w.spend.table_rows(),
            "weekly impressions (sends for e-mail), clicks and spend per channel",
        ),
        _table(
            workspace,
            "tables/store_footfall.csv",
            "stores",
            ("store_id", "hour", "visitors"),
            footfall(w.pos, cal, params, seed),
            "people counted through each store's door per hour",
        ),
        _table(
            workspace,
            "tables/stores.csv",
            "stores",
            ("store_id", "name", "city", "opened"),
            stores,
            "store directory",
        ),
        _table(
            workspace,
            "tables/products.csv",
            "catalogue",
            ("product_id", "sku", "name", "category", "list_price"),
            catalogue,
            "product catalogue",
        ),
    ]


def _reporter(progress: Progress | None) -> Callable[[str], None]:
    def done(step: str) -> None:
        if progress is not None:
            progress(step, (STEPS.index(step) + 1) / len(STEPS))

    return done


def _api(workspace: Path, path: str, source: str, lines: list[str], what: str) -> WorkspaceFile:
    rows = write_lines(workspace / path, lines)
    return WorkspaceFile(path, "api", source, rows, None, f"Segment messages from the {what}")


def _import(
    workspace: Path, name: str, path: str, header: tuple[str, ...], rows: Any, what: str
) -> WorkspaceFile:
    mapping = str(Path(path).with_suffix(".mapping.yml"))
    count = write_csv(workspace / path, header, rows)
    write_mapping(workspace / mapping, name)
    return WorkspaceFile(path, "import", name, count, mapping, what)


def _table(
    workspace: Path, path: str, source: str, header: tuple[str, ...], rows: Any, what: str
) -> WorkspaceFile:
    return WorkspaceFile(
        path, "table", source, write_csv(workspace / path, header, rows), None, what
    )


def _pos_rows(pos: PointOfSale, seed: int) -> Any:
    rng = stream(seed, "pos-export")
    till = rng.integers(1, 7, len(pos.ts)).tolist()
    contactless = (rng.random(len(pos.ts)) < 0.7).tolist()
    for k in range(len(pos.ts)):
        amount = float(pos.amount[k])
        method = (
            "cash"
            if not pos.token[k]
            else ("contactless" if contactless[k] and amount <= 100 else "chip_and_pin")
        )
        yield (
            pos.transaction_id[k],
            world.STORES[int(pos.store[k])].store_id,
            f"T{till[k]}",
            iso(int(pos.ts[k]))[:19] + "Z",
            pos.card[k],
            pos.token[k],
            method,
            int(pos.items[k]),
            f"{amount:.2f}",
            world.CURRENCY,
        )
