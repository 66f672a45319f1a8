"""CLI commands for text models: ``vantage nlp train|sentiment|classify|trends|score|models``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from vantage.cli.output import console, friendly_errors, print_json, print_table

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
TextsArgument = Annotated[
    list[str] | None,
    typer.Argument(help="Texts to score; '-' (or nothing) reads one text per stdin line."),
]
APPROACH_HELP = (
    "vader (lexicon, sentiment only), tfidf (TF-IDF + logistic regression), lstm (from "
    "scratch), minilm-frozen (frozen MiniLM embeddings + linear head), minilm-finetune (full "
    "fine-tuning; slow on CPU)."
)


def _texts(texts: list[str] | None) -> list[str]:
    if not texts or texts == ["-"]:
        return [line.rstrip("\n") for line in sys.stdin if line.strip()]
    return texts


def _home() -> Path:
    from vantage.core.settings import load_settings

    return Path(load_settings().home)


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _fmt_metrics(name: str, m: dict[str, Any]) -> tuple[str, str, str, str]:
    return name, f"{m['accuracy']:.3f}", f"{m['macro_f1']:.3f}", f"{m['fit_seconds']:.1f} s"


@friendly_errors
def train_command(
    data: Annotated[Path, typer.Option("--data", help="CSV file with texts and labels.")],
    text: Annotated[str, typer.Option("--text", help="Column holding the text.")],
    label: Annotated[str, typer.Option("--label", help="Column holding the label.")],
    task: Annotated[str, typer.Option("--task", help="sentiment or classify.")] = "sentiment",
    model: Annotated[str, typer.Option("--model", help=APPROACH_HELP)] = "tfidf",
    name: Annotated[
        str | None, typer.Option("--name", help="Saved model name (default: the task).")
    ] = None,
    epochs: Annotated[
        int | None, typer.Option("--epochs", min=1, help="Epochs for lstm / minilm-finetune.")
    ] = None,
    test_size: Annotated[
        float, typer.Option("--test-size", min=0.05, max=0.5, help="Held-out share.")
    ] = 0.2,
    as_json: JsonOption = False,
) -> None:
    """Train a text model on a CSV, compare it with baselines on held-out rows, and save it.

    Example: `vantage nlp train --task sentiment --data tweets.csv --text text --label
    airline_sentiment --model minilm-frozen`. Models are saved (and versioned) under
    <VANTAGE_HOME>/models/nlp/<name>/<version>/.
    """
    from vantage.services import nlp_text as service

    params: dict[str, Any] = {}
    if epochs is not None and model in ("lstm", "minilm-finetune"):
        params["epochs"] = epochs
    if model == "minilm-finetune" and not as_json:
        params["progress"] = True
    report = service.train(
        _home(),
        data,
        text=text,
        label=label,
        task=task,
        approach=model,
        name=name,
        test_size=test_size,
        params=params,
    )
    if as_json:
        print_json(report.as_dict())
        return
    rows = [_fmt_metrics(f"{model} (this model)", report.model)]
    rows += [_fmt_metrics(f"{b} (baseline)", m) for b, m in report.baselines.items()]
    print_table(
        f"Held-out scores ({report.model['n_test']:,} rows)",
        ["model", "accuracy", "macro-F1", "fit time"],
        rows,
    )
    card = report.card
    console().print(f"Saved {card['name']} version {card['version']} ({report.seconds:.1f} s).")


@friendly_errors
def sentiment_command(
    texts: TextsArgument = None,
    model: Annotated[
        str | None,
        typer.Option("--model", help="Saved sentiment model (default: 'sentiment', else VADER)."),
    ] = None,
    aspects: Annotated[
        bool, typer.Option("--aspects", help="Also give the sentiment per aspect.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Positive / neutral / negative for each text, with a score from -1 to +1.

    Example: `vantage nlp sentiment "Delivery was late but the staff were lovely" --aspects`.
    """
    from vantage.services import nlp_text as service

    out = service.score_sentiment(_home(), _texts(texts), model=model, aspects=aspects)
    if as_json:
        print_json(out)
        return
    columns = ["text", "sentiment", "score"] + (["aspects"] if aspects else [])
    print_table(
        f"Sentiment ({out['model']})",
        columns,
        [
            [_short(r["text"]), r["label"], f"{r['score']:+.2f}"]
            + ([", ".join(f"{a}: {s}" for a, s in r["aspects"].items())] if aspects else [])
            for r in out["results"]
        ],
    )


@friendly_errors
def classify_command(
    texts: TextsArgument = None,
    model: Annotated[str, typer.Option("--model", help="Saved model name.")] = "classify",
    as_json: JsonOption = False,
) -> None:
    """Label each text with a saved classifier (trained by `vantage nlp train --task classify`)."""
    from vantage.services import nlp_text as service

    out = service.classify(_home(), _texts(texts), model=model)
    if as_json:
        print_json(out)
        return
    print_table(
        f"Labels ({out['model']})",
        ["text", "label", "probability"],
        [
            (_short(r["text"]), r["label"], f"{r['probabilities'][r['label']]:.2f}")
            for r in out["results"]
        ],
    )


@friendly_errors
def trends_command(
    data: Annotated[
        Path | None, typer.Option("--data", help="CSV of texts (default: the warehouse).")
    ] = None,
    text: Annotated[str, typer.Option("--text", help="Text column of --data.")] = "text",
    time_column: Annotated[
        str | None, typer.Option("--time", help="Timestamp column of --data.")
    ] = None,
    topics: Annotated[int, typer.Option("--topics", min=2, max=50, help="Topics to find.")] = 8,
    period: Annotated[
        str, typer.Option("--period", help="Latest period vs the one before, e.g. 7D, 30D.")
    ] = "30D",
    embedding: Annotated[
        str, typer.Option("--embedding", help="minilm (sentence embeddings) or tfidf (fast).")
    ] = "minilm",
    as_json: JsonOption = False,
) -> None:
    """Topics in reviews and chats (or a CSV), emerging ones first, with sentiment and examples.

    Examples: `vantage nlp trends` (the warehouse's reviews and chats), `vantage nlp trends
    --data tweets.csv --text text --time tweet_created --period 2D`.
    """
    from vantage.services import nlp_text_batch as batch

    if data is not None:
        scores = batch.scores_from_csv(_home(), data, text=text, time_column=time_column)
    else:
        from vantage.core.settings import load_settings

        scores = batch.score_text_events(load_settings(), write=False)
    report = batch.spot_trends(scores, n_topics=topics, period=period, embedding=embedding)
    rows = batch.describe_topics(report)
    if as_json:
        print_json(rows)
        return
    print_table(
        f"Topics in {len(scores):,} texts (latest {period} vs the {period} before)",
        ["topic", "texts", "now", "before", "growth", "emerging", "sentiment", "example"],
        [
            (
                r["label"],
                r["n_texts"],
                r["current"],
                r["previous"],
                f"{r['growth']:.1f}x",
                "yes" if r["emerging"] else "",
                "" if r["avg_sentiment"] is None else f"{r['avg_sentiment']:+.2f}",
                _short(r["examples"][0], 50) if r["examples"] else "",
            )
            for r in rows
        ],
    )


@friendly_errors
def score_command(
    model: Annotated[
        str | None, typer.Option("--model", help="Saved sentiment model (default as sentiment).")
    ] = None,
    days: Annotated[int, typer.Option("--days", min=1, help="Window of the traits.")] = 90,
    as_json: JsonOption = False,
) -> None:
    """Score every review and chat in the warehouse (table nlp_text_scores) and show traits."""
    from vantage.core.settings import load_settings
    from vantage.services import nlp_text_batch as batch

    scores = batch.score_text_events(load_settings(), model=model)
    traits = batch.profile_traits(scores, days=days)
    sentiment_mix = scores["sentiment"].value_counts().to_dict()
    routes = scores["route"].dropna().value_counts().to_dict()
    summary: dict[str, Any] = {
        "texts": len(scores),
        "model": str(scores["model"].iloc[0]),
        "sentiment": sentiment_mix,
        "routes": routes,
        "customers_with_traits": int(traits["customer_id"].nunique()),
        "open_complaints": int(traits.loc[traits.trait == "open_complaints", "value"].sum()),
    }
    if as_json:
        print_json(summary)
        return
    console().print(
        f"Scored {summary['texts']:,} texts with {summary['model']} into nlp_text_scores; "
        f"{summary['customers_with_traits']:,} customers have text traits, "
        f"{summary['open_complaints']:,} open complaints."
    )
    print_table("Sentiment", ["sentiment", "texts"], sentiment_mix.items())
    print_table("Support chats by queue", ["queue", "chats"], routes.items())


@friendly_errors
def models_command(as_json: JsonOption = False) -> None:
    """Saved text models (newest version of each) with their held-out accuracy."""
    from vantage.services import nlp_text as service

    cards = service.list_text_models(_home())
    if as_json:
        print_json([c.as_dict() for c in cards])
        return
    print_table(
        "Text models",
        ["name", "version", "task", "approach", "accuracy", "created"],
        [
            (
                c.name,
                c.version,
                c.task,
                c.approach,
                f"{c.metrics.get('model', {}).get('accuracy', float('nan')):.3f}",
                c.created_at,
            )
            for c in cards
        ],
    )


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the ``vantage nlp`` group.

    Args:
        app: The ``vantage nlp`` Typer group.
    """
    app.command("train")(train_command)
    app.command("sentiment")(sentiment_command)
    app.command("classify")(classify_command)
    app.command("trends")(trends_command)
    app.command("score")(score_command)
    app.command("models")(models_command)
