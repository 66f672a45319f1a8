"""CLI commands for documents and speech: ``vantage nlp entities|receipt|transcribe``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from vantage.cli.output import console, friendly_errors, print_json, print_table
from vantage.core.errors import VantageError

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
PatternsOption = Annotated[
    Path | None,
    typer.Option(
        "--patterns",
        help="YAML file with custom entity types and patterns (see docs/nlp-documents.md).",
    ),
]


def entities_command(
    texts: Annotated[
        list[str] | None,
        typer.Argument(help="Texts to analyse; '-' (or nothing) reads one text per stdin line."),
    ] = None,
    event: Annotated[
        str | None,
        typer.Option("--event", help="Instead of texts: analyse stored track events of this name."),
    ] = None,
    text_property: Annotated[
        str, typer.Option("--text-property", help="Event property holding the text.")
    ] = "text",
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Newest events to read.")] = 200,
    patterns: PatternsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find people, organisations, places, products, events, dates and money in texts.

    Examples: `vantage nlp entities "Ann from Acme paid £20 in Leeds"`,
    `vantage nlp entities --event "Product Reviewed" --text-property review_body`.
    """
    from vantage.services import nlp_documents as service
    from vantage.services.context import ServiceContext

    if event:
        rows = service.entities_for_events(
            ServiceContext(), event=event, text_property=text_property, limit=limit, config=patterns
        )
        if as_json:
            print_json(rows)
            return
        print_table(
            f"Entities in {len(rows)} {event!r} events",
            ["message", "text", "entities"],
            [(r["message_id"], _short(r["text"]), _fmt(r["entities"])) for r in rows],
        )
        return
    items = [t for t in (texts or ["-"]) if t != "-"]
    if (not texts or "-" in texts) and not sys.stdin.isatty():
        items += [line.strip() for line in sys.stdin if line.strip()]
    if not items:
        raise VantageError("No text was given.", "Pass texts as arguments or pipe lines to stdin.")
    results = service.extract_entities(items, config=patterns)
    if as_json:
        print_json(results)
        return
    rows_out = [
        (_short(r["text"]), e["type"], e["text"], e["source"])
        for r in results
        for e in r["entities"]
    ]
    print_table("Entities", ["text", "type", "entity", "found by"], rows_out)
    if not rows_out:
        console().print("No entities found.")


def receipt_command(
    image: Annotated[Path, typer.Argument(help="Scan or photo of the receipt (JPEG, PNG, ...).")],
    customer_email: Annotated[
        str | None, typer.Option("--customer-email", help="Store it as this customer's purchase.")
    ] = None,
    customer_phone: Annotated[
        str | None, typer.Option("--customer-phone", help="Link by phone number instead.")
    ] = None,
    customer_user_id: Annotated[
        str | None, typer.Option("--customer-user-id", help="Link by your user id instead.")
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="OCR engine: rapidocr (default) or tesseract.")
    ] = "rapidocr",
    source: Annotated[str, typer.Option("--source", help="Source name for the event.")] = (
        "receipts"
    ),
    as_json: JsonOption = False,
) -> None:
    """Read a receipt (company, address, date, total, items); link it to store a purchase.

    With --customer-email/--customer-phone/--customer-user-id the receipt becomes an
    'Order Completed' event on that customer's profile; sending it again stores nothing twice.
    """
    from vantage.services import nlp_documents as service
    from vantage.services.context import ServiceContext

    result = service.ingest_receipt(
        ServiceContext(),
        image,
        email=customer_email,
        phone=customer_phone,
        user_id=customer_user_id,
        engine=engine,
        source=source,
    )
    if as_json:
        print_json(result.to_dict())
        return
    r = result.receipt
    print_table(
        f"Receipt {image.name}",
        ["field", "value"],
        [
            ("company", r.company),
            ("address", r.address),
            ("date", r.date),
            ("total", r.total),
            ("items", len(r.items)),
        ],
    )
    if r.items:
        print_table(
            "Items", ["item", "qty", "amount"], [(i.name, i.quantity, i.amount) for i in r.items]
        )
    if result.event is None:
        console().print("Not stored: pass --customer-email (or phone / user id) to link it.")
    elif result.rejected:
        console().print(f"[red]Rejected:[/] {'; '.join(result.rejected)}")
    else:
        verb = "Stored" if result.stored else "Already stored"
        console().print(
            f"{verb} as an '{result.event['event']}' event ({result.event['messageId']})."
        )


def transcribe_command(
    audio: Annotated[list[Path], typer.Argument(help="Recordings, or folders of recordings.")],
    recogniser: Annotated[
        str, typer.Option("--recogniser", "-r", help="whisper (default) or pocketsphinx.")
    ] = "whisper",
    model: Annotated[
        str, typer.Option("--model", help="Whisper model name or folder (default tiny.en).")
    ] = "tiny.en",
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write the transcripts to this CSV.")
    ] = None,
    ingest: Annotated[
        bool, typer.Option("--ingest", help="Store 'Call Transcribed' events (text property).")
    ] = False,
    user_id: Annotated[
        str | None, typer.Option("--user-id", help="With --ingest: the caller's user id.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Transcribe recordings to text (Whisper tiny.en by default, PocketSphinx as fallback)."""
    from vantage.cli.progress import progress_bar
    from vantage.services import nlp_documents_speech as service

    with progress_bar("Transcribing", quiet=as_json) as on_progress:
        rows = service.transcribe_files(
            audio, recogniser=recogniser, model=model, on_progress=on_progress
        )
    stored = None
    if ingest:
        from vantage.services.context import ServiceContext

        stored = service.ingest_transcripts(ServiceContext(), rows, user_id=user_id)
    if out is not None:
        service.write_csv(rows, out)
    if as_json:
        print_json({"transcripts": [r.to_dict() for r in rows], "ingested": stored})
        return
    print_table(
        "Transcripts",
        ["file", "seconds of audio", "text"],
        [(Path(r.file).name, f"{r.duration_s:.1f}", r.text) for r in rows],
    )
    if out is not None:
        console().print(f"Wrote {len(rows)} transcripts to {out}.")
    if stored is not None:
        console().print(f"Stored {stored['stored']} 'Call Transcribed' events.")


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _fmt(summary: dict[str, list[str]]) -> str:
    return "; ".join(f"{kind}: {', '.join(values)}" for kind, values in summary.items())


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the ``vantage nlp`` group.

    Args:
        app: The ``vantage nlp`` Typer group.
    """
    app.command("entities")(friendly_errors(entities_command))
    app.command("receipt")(friendly_errors(receipt_command))
    app.command("transcribe")(friendly_errors(transcribe_command))
