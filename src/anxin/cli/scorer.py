"""``anxin scorer evaluate``: how well the supervised scorer would do on a platform's own labelled data.

Reads ``--features`` (``id,<feature…>``), ``--labels`` (``id,label``: 1 fraud,
0 genuine, empty unlabelled) and optionally ``--edges`` (``src,dst``) and
``--text`` (``id,text``); trains on ``--train-frac`` of the labelled rows and
scores the rest, over 5 stratified splits from ``--seed``; prints mean
``auroc``, ``auprc`` and ``recall_at_k`` (K = the frauds in the test part).
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import MofNCompleteColumn, Progress
from rich.table import Table

from anxin.cli.common import console, reported_errors
from anxin.integrity.scorer.evaluate import evaluate as run_evaluation
from anxin.integrity.scorer.tables import read_tables

app = typer.Typer(no_args_is_help=True)


@app.command("evaluate", help="Cross-validate the scorer on labelled CSV files and print AUROC, AUPRC, recall@K.")
def evaluate(
    features: Path = typer.Option(..., "--features", help="CSV id,<feature…> (numbers; empty = missing)."),
    labels: Path = typer.Option(..., "--labels", help="CSV id,label (1 fraud, 0 genuine, empty unlabelled)."),
    edges: Path | None = typer.Option(None, "--edges", help="CSV src,dst between ids of the features file."),
    text: Path | None = typer.Option(None, "--text", help="CSV id,text."),
    train_frac: float = typer.Option(0.7, "--train-frac", help="Share of the labelled rows used to train."),
    seed: int = typer.Option(0, "--seed", help="Seed of the splits and the models."),
    splits: int = typer.Option(5, "--splits", min=1, help="Stratified splits to average over."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON object only."),
) -> None:
    with reported_errors():
        tables = read_tables(features, labels, edges, text)
        with Progress(
            *Progress.get_default_columns(), MofNCompleteColumn(), console=console, disable=as_json
        ) as progress:
            task = progress.add_task("training and scoring splits", total=splits)
            result = run_evaluation(
                tables,
                train_frac=train_frac,
                seed=seed,
                splits=splits,
                progress=lambda n: progress.advance(task, n),
            )
    if as_json:
        print(json.dumps(result))
        return
    table = Table(title=f"{result['rows']:,} labelled rows, {result['positives']:,} frauds, train {train_frac:.0%}")
    for column in ("split", "AUROC", "AUPRC", "recall@K"):
        table.add_column(column)
    for k, r in enumerate(result["splits"], start=1):
        table.add_row(str(k), f"{r['auroc']:.4f}", f"{r['auprc']:.4f}", f"{r['recall_at_k']:.4f}")
    table.add_row("mean", f"{result['auroc']:.4f}", f"{result['auprc']:.4f}", f"{result['recall_at_k']:.4f}")
    Console().print(table)
