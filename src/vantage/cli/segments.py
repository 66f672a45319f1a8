"""``vantage segment ...``: create, preview, list, evaluate segments; members; look-alikes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vantage.cli.output import console, friendly_errors, print_json, print_table
from vantage.services.context import ServiceContext

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
FileArg = Annotated[Path, typer.Argument(help="Segment definition (YAML or JSON).")]
NameArg = Annotated[str, typer.Argument(help="Segment name.")]

app = typer.Typer(
    help="Segments: audiences over traits, predictions, consent and events.",
    no_args_is_help=True,
)


@app.command("create")
@friendly_errors
def create_command(
    file: FileArg,
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite a segment of the same name.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Save a segment from a YAML/JSON file and evaluate its members."""
    from vantage.segments.spec import load_spec
    from vantage.services import segments

    saved = segments.create_segment(ServiceContext(), load_spec(file), replace=replace)
    if as_json:
        print_json(saved)
        return
    kind = "real-time" if saved["realtime"] else "batch"
    console().print(f"Saved {kind} segment {saved['name']}: {saved['size']:,} members.")


@app.command("preview")
@friendly_errors
def preview_command(
    file: FileArg,
    sample: Annotated[int, typer.Option(min=0, max=100, help="Members to show.")] = 10,
    as_json: JsonOption = False,
) -> None:
    """Size and a sample of a definition's members, without saving it."""
    from vantage.segments.spec import load_spec
    from vantage.services import segments

    spec = load_spec(file)
    found = segments.preview(ServiceContext(), spec, sample=sample)
    if as_json:
        print_json({"name": spec.name, **found.as_dict()})
        return
    shown = ", ".join(found.sample) or "none"
    console().print(f"{spec.name}: {found.size:,} customers (e.g. {shown}).")


@app.command("list")
@friendly_errors
def list_command(as_json: JsonOption = False) -> None:
    """Saved segments with their sizes."""
    from vantage.services import segments

    found = segments.list_segments(ServiceContext())
    if as_json:
        print_json(found)
        return
    print_table(
        "Segments",
        ["name", "members", "real time", "description"],
        (
            (s["name"], f"{s['size']:,}", "yes" if s["realtime"] else "", s["description"])
            for s in found
        ),
    )


@app.command("show")
@friendly_errors
def show_command(name: NameArg) -> None:
    """One segment's definition and size (JSON)."""
    from vantage.services import segments

    print_json(segments.get_segment(ServiceContext(), name))


@app.command("members")
@friendly_errors
def members_command(
    name: NameArg,
    page: Annotated[int, typer.Option(min=1, help="Page number, from 1.")] = 1,
    page_size: Annotated[int, typer.Option(min=1, max=10_000, help="Members per page.")] = 100,
    export: Annotated[
        Path | None, typer.Option("--export", help="Write every member to this CSV instead.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """A page of a segment's members, or all of them to a CSV file (--export)."""
    from vantage.services import segments

    ctx = ServiceContext()
    if export is not None:
        written = segments.export_members(ctx, name, export)
        if as_json:
            print_json({"segment": name, "exported": written, "path": str(export)})
        else:
            console().print(f"Wrote {written:,} members of {name} to {export}.")
        return
    found = segments.members(ctx, name, page=page, page_size=page_size)
    if as_json:
        print_json(found)
        return
    print_table(
        f"{name}: page {page} ({found['total']:,} members)",
        ["customer_id", "member since"],
        ((m["customer_id"], m["since"]) for m in found["members"]),
    )


@app.command("history")
@friendly_errors
def history_command(
    name: NameArg,
    limit: Annotated[int, typer.Option(min=1, help="Newest changes to show.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Entries and exits of a segment, newest first."""
    from vantage.services import segments

    found = segments.membership_history(ServiceContext(), name, limit=limit)
    if as_json:
        print_json(found)
        return
    print_table(
        f"{name}: membership changes",
        ["at", "customer_id", "event", "source"],
        ((h["at"], h["customer_id"], h["event"], h["source"]) for h in found),
    )


@app.command("evaluate")
@friendly_errors
def evaluate_command(as_json: JsonOption = False) -> None:
    """Re-evaluate every segment now and record who entered and who left."""
    from vantage.services import segments

    found = segments.evaluate_all(ServiceContext())
    if as_json:
        print_json(found)
        return
    print_table(
        "Segments evaluated",
        ["segment", "members", "entered", "exited"],
        ((n, f"{r['size']:,}", r["entered"], r["exited"]) for n, r in found.items()),
    )


@app.command("lookalike")
@friendly_errors
def lookalike_command(
    seed: Annotated[str, typer.Argument(help="The seed segment.")],
    top: Annotated[int, typer.Option("--top", min=1, help="Customers in the new segment.")] = 100,
    name: Annotated[
        str | None, typer.Option(help="Name of the new segment (default SEED_lookalike).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Customers most like a seed segment, saved as a segment; reports the held-out AUC."""
    from vantage.services.segments_lookalike import lookalike

    found = lookalike(ServiceContext(), seed, top=top, name=name)
    if as_json:
        print_json(found)
        return
    console().print(
        f"Saved {found['segment']} ({found['size']:,} customers like the {found['seed_size']:,} "
        f"of {seed}). Held-out AUC {found['auc']:.3f} (best single feature "
        f"{found['baseline_feature']}: {found['baseline_auc']:.3f})."
    )


def register(root: typer.Typer) -> None:
    """Add ``vantage segment ...`` to the root app.

    Args:
        root: The root Typer application.
    """
    root.add_typer(app, name="segment")
