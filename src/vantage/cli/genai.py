"""``vantage genai summarize|minutes|describe|message|eval|image|prompts``: generative AI."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from vantage.cli.output import console, friendly_errors, print_json, print_table

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
MethodOption = Annotated[
    str,
    typer.Option("--method", help="auto (the model when [genai] backend is set), template or llm."),
]
app = typer.Typer(
    help=(
        "Generative AI: summaries, meeting minutes, product copy, personalised messages, prompt "
        "evaluation. Works offline without a model; set [genai] backend (VANTAGE_GENAI__BACKEND"
        "=gguf for the local Gemma 3 270M, or openai with base_url and model) to use one."
    ),
    no_args_is_help=True,
)


def _settings() -> Any:
    from vantage.core.settings import load_settings

    return load_settings()


def _read_text(source: str | None) -> str:
    if source is None or source == "-":
        return sys.stdin.read()
    path = Path(source)
    return path.read_text(encoding="utf-8") if path.is_file() else source


@app.command("summarize")
@friendly_errors
def summarize_command(
    text: Annotated[
        str | None, typer.Argument(help="Text, a text file, or '-' / nothing for stdin.")
    ] = None,
    sentences: Annotated[
        int | None, typer.Option("--sentences", "-n", min=1, help="Sentences to keep.")
    ] = None,
    ratio: Annotated[
        float, typer.Option("--ratio", min=0.01, max=1.0, help="Share of sentences to keep.")
    ] = 0.3,
    method: Annotated[
        str, typer.Option("--method", help="auto, extractive (offline) or abstractive (model).")
    ] = "auto",
    encoder: Annotated[
        str, typer.Option("--encoder", help="Extractive sentence vectors: tfidf or minilm.")
    ] = "tfidf",
    as_json: JsonOption = False,
) -> None:
    """Summarise a text: extractive (TextRank + position + MMR; offline) or with a model.

    Example: `vantage genai summarize article.txt --sentences 3`.
    """
    from vantage.services import genai as service

    if method not in ("auto", "extractive", "abstractive"):
        raise typer.BadParameter("use auto, extractive or abstractive", param_hint="--method")
    out = service.summarize(
        _settings(),
        _read_text(text),
        sentences=sentences,
        ratio=ratio,
        method=method,  # type: ignore[arg-type]
        encoder=encoder,
    )
    if as_json:
        print_json(out)
        return
    console().print(out["summary"])
    console().print(f"[dim]({out['method']}, {len(out['sentences'])} sentences)[/]")


@app.command("minutes")
@friendly_errors
def minutes_command(
    transcript: Annotated[
        str | None, typer.Argument(help="Transcript file ('Name: words' lines) or '-' for stdin.")
    ] = None,
    audio: Annotated[
        Path | None, typer.Option("--audio", help="Audio file to transcribe (Whisper) instead.")
    ] = None,
    meeting_date: Annotated[
        str | None, typer.Option("--date", help="Meeting date YYYY-MM-DD (default today).")
    ] = None,
    method: Annotated[str, typer.Option("--method", help="auto, rules or llm.")] = "auto",
    as_json: JsonOption = False,
) -> None:
    """Meeting minutes: summary, decisions, action items with owner and due date.

    Example: `vantage genai minutes standup.txt --date 2026-03-02`.
    """
    from vantage.services import genai as service

    when = date.fromisoformat(meeting_date) if meeting_date else None
    out = service.minutes(
        _settings(),
        None if audio else _read_text(transcript),
        audio=audio.read_bytes() if audio else None,
        meeting_date=when,
        method=method,  # type: ignore[arg-type]
    )
    if as_json:
        print_json(out)
        return
    console().print(f"[bold]Summary[/] ({out['method']}): {out['summary']}")
    for decision in out["decisions"]:
        console().print(f"[bold]Decision:[/] {decision}")
    print_table(
        "Action items",
        ["task", "owner", "due"],
        [[a["task"], a["owner"] or "-", a["due"] or "-"] for a in out["action_items"]],
    )


@app.command("describe")
@friendly_errors
def describe_command(
    name: Annotated[
        str | None, typer.Argument(help="Product name (omit with --catalogue).")
    ] = None,
    attribute: Annotated[
        list[str] | None,
        typer.Option("--attribute", "-a", help="key=value, repeatable (colour=red, price=25)."),
    ] = None,
    category: Annotated[str, typer.Option("--category", help="Product category.")] = "",
    catalogue: Annotated[
        str | None, typer.Option("--catalogue", help="'demo' or a CSV with a name column.")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Products to do.")] = None,
    tone: Annotated[
        str, typer.Option("--tone", help="neutral, friendly, premium or playful.")
    ] = "neutral",
    length: Annotated[str, typer.Option("--length", help="short, medium or long.")] = "medium",
    method: MethodOption = "auto",
    as_json: JsonOption = False,
) -> None:
    """Product descriptions from attributes, with coverage and invented-facts checks.

    Example: `vantage genai describe "Yoga Mat" -a colour=purple -a price=25 --tone playful`,
    or `vantage genai describe --catalogue demo --limit 20 --json`.
    """
    from vantage.services import genai_content as service
    from vantage.solutions.genai.describe import ProductInput

    _check_choice(tone, ("neutral", "friendly", "premium", "playful"), "--tone")
    _check_choice(length, ("short", "medium", "long"), "--length")
    settings = _settings()
    if catalogue:
        results = list(
            service.describe_catalogue(
                settings,
                catalogue,
                limit=limit,
                tone=tone,
                length=length,
                method=method,  # type: ignore[arg-type]
            )
        )
    elif name:
        attrs: dict[str, str | int | float] = {}
        for item in attribute or []:
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                raise typer.BadParameter(f"{item!r} is not key=value", param_hint="--attribute")
            attrs[key.strip()] = value.strip()
        product = ProductInput(name=name, category=category, attributes=attrs)
        results = service.describe(settings, [product], tone=tone, length=length, method=method)  # type: ignore[arg-type]
    else:
        raise typer.BadParameter("give a product name or --catalogue", param_hint="NAME")
    if as_json:
        print_json(results)
        return
    for r in results:
        console().print(r["text"])
        console().print(
            f"[dim]{r['method']} · coverage {r['coverage']:.0%} · invented "
            f"{', '.join(r['invented']) or 'none'} · readability {r['readability']:.0f}[/]"
        )


def _check_choice(value: str, choices: tuple[str, ...], option: str) -> None:
    if value not in choices:
        raise typer.BadParameter(f"use one of {', '.join(choices)}", param_hint=option)


@app.command("message")
@friendly_errors
def message_command(
    customer_id: Annotated[str, typer.Argument(help="Customer id (see `vantage profile`).")],
    channel: Annotated[
        list[str] | None, typer.Option("--channel", "-c", help="email, sms, push, web; repeatable.")
    ] = None,
    goal: Annotated[
        str | None, typer.Option("--goal", help="Default: from churn / propensity predictions.")
    ] = None,
    method: MethodOption = "auto",
    as_json: JsonOption = False,
) -> None:
    """Personalised messages for a customer, only on channels they consented to.

    Example: `vantage genai message cus_123 -c email -c sms`.
    """
    from vantage.services import genai_content as service
    from vantage.services.context import ServiceContext

    ctx = ServiceContext()
    profile = service.profile_from_store(ctx, customer_id)
    out = service.message(
        ctx.settings,
        profile,
        channel or ["email"],
        goal=goal,
        method=method,  # type: ignore[arg-type]
    )
    if as_json:
        print_json(out)
        return
    for m in out["messages"]:
        subject = f" [bold]{m['subject']}[/]" if m["subject"] else ""
        console().print(f"[cyan]{m['channel']}[/]{subject}: {m['text']}")
    for s in out["skipped"]:
        console().print(f"[yellow]{s['channel']} skipped:[/] {s['reason']}")


@app.command("eval")
@friendly_errors
def eval_command(
    prompt: Annotated[
        str, typer.Argument(help="Prompt name (summarize, describe...) or YAML file.")
    ],
    compare: Annotated[
        tuple[str, str] | None,
        typer.Option("--compare", help="Two versions to compare side by side, e.g. v1 v2."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Score a prompt template on its evaluation set (ROUGE, coverage, invented facts, length).

    Example: `vantage genai eval describe --compare v1 v2` (needs a configured backend).
    """
    from vantage.services import genai_eval as service

    out = service.evaluate(_settings(), prompt, list(compare) if compare else None)
    if as_json:
        print_json(out)
        return
    versions = [r["prompt"] for r in out["reports"]]
    print_table(
        f"Prompt evaluation ({out['backend']}: {out['model']})",
        ["metric", *versions],
        [[row["metric"], *(_fmt(row.get(v)) for v in versions)] for row in out["comparison"]],
    )


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value:.3f}"


@app.command("image")
@friendly_errors
def image_command(
    prompt: Annotated[str, typer.Argument(help="What to draw.")],
    n: Annotated[int, typer.Option("--n", min=1, max=4, help="Images to generate.")] = 1,
    size: Annotated[str, typer.Option("--size", help="WIDTHxHEIGHT, e.g. 512x512.")] = "512x512",
    out: Annotated[Path, typer.Option("--out", help="Folder for the PNG files.")] = Path(),
    as_json: JsonOption = False,
) -> None:
    """Text to image through an OpenAI-compatible images endpoint ([genai] backend = openai).

    Example: `vantage genai image "a red trail running shoe on white" --out images/`.
    """
    from vantage.services import genai as service

    paths = service.generate_images(_settings(), prompt, n=n, size=size, out_dir=out)
    if as_json:
        print_json({"files": [str(p) for p in paths]})
        return
    for path in paths:
        console().print(f"Wrote {path}")


@app.command("prompts")
@friendly_errors
def prompts_command(as_json: JsonOption = False) -> None:
    """List the built-in prompt templates and their versions."""
    from vantage.services import genai_eval as service

    out = service.list_prompts()
    if as_json:
        print_json(out)
        return
    print_table(
        "Prompt templates", ["name", "versions"], [[k, ", ".join(v)] for k, v in out.items()]
    )


def register(root: typer.Typer) -> None:
    """Add ``vantage genai`` to the root ``vantage`` app.

    Args:
        root: The root Typer application.
    """
    root.add_typer(app, name="genai")
