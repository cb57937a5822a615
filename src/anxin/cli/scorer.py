"""``anxin scorer evaluate | train | activate | list``: the supervised scorer on a platform's own labelled data.

Reads ``--features`` (``id,<feature…>``), ``--labels`` (``id,label``: 1 fraud,
0 genuine, empty unlabelled) and optionally ``--edges`` (``src,dst``) and
``--text`` (``id,text``); trains on ``--train-frac`` of the labelled rows and
scores the rest, over 5 stratified splits from ``--seed``; prints mean
``auroc``, ``auprc`` and ``recall_at_k`` (K = the frauds in the test part).
``train`` stores a new version of a named model with every row's score;
``activate`` makes rules read it as ``model_score(actor, NAME)``.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import MofNCompleteColumn, Progress
from rich.table import Table

from anxin.cli.common import DbOption, console, database_session, reported_errors
from anxin.integrity.scorer import service as scorer
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
    from anxin.integrity.scorer.evaluate import evaluate as run_evaluation  # LightGBM + scikit-learn: ~1 s

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


@app.command("train", help="Train a new version of a named scorer model on labelled CSV files and store its scores.")
def train(
    name: str = typer.Option(..., "--name", help="Model name rules use: model_score(actor, NAME)."),
    features: Path = typer.Option(..., "--features", help="CSV id,<feature…>."),
    labels: Path = typer.Option(..., "--labels", help="CSV id,label."),
    edges: Path | None = typer.Option(None, "--edges", help="CSV src,dst."),
    text: Path | None = typer.Option(None, "--text", help="CSV id,text."),
    reason: str = typer.Option(..., "--reason", help="Why this model is trained (kept in the audit log)."),
    seed: int = typer.Option(0, "--seed"),
    activate: bool = typer.Option(False, "--activate", help="Activate the new version at once."),
    db: Path | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print the version as JSON only."),
) -> None:
    with reported_errors():
        tables = read_tables(features, labels, edges, text)
    with database_session(db) as session:
        with console.status(f"training {name} on {len(tables.labelled):,} labelled rows…"):
            version = scorer.train(session, tables, name=name, reason=reason, actor=None, seed=seed)
        if activate:
            scorer.activate(session, version.id, actor=None)
        shown = {"id": version.id, "name": version.name, "number": version.number, "status": version.status,
                 "rows": version.rows, "scored": version.scored, "metrics": version.metrics}  # fmt: skip
    if as_json:
        print(json.dumps(shown))
        return
    console.print(
        f"{name} version {shown['number']} (id {shown['id']}, {shown['status']}): held-out {shown['metrics']}"
    )


@app.command("activate", help="Make a trained version the one rules read (a running server picks it up at restart).")
def activate(
    version_id: int = typer.Argument(..., help="Version id (see `anxin scorer list`)."),
    db: Path | None = DbOption,
) -> None:
    with database_session(db) as session:
        version = scorer.activate(session, version_id, actor=None)
        console.print(f"{version.name} version {version.number} is active")


@app.command("list", help="Trained scorer versions with their held-out metrics.")
def list_versions(db: Path | None = DbOption, as_json: bool = typer.Option(False, "--json")) -> None:
    with database_session(db) as session:
        rows = [{"id": v.id, "name": v.name, "number": v.number, "status": v.status, "rows": v.rows,
                 "metrics": v.metrics, "reason": v.reason} for v in scorer.versions(session)]  # fmt: skip
    if as_json:
        print(json.dumps(rows))
        return
    table = Table(title="scorer versions")
    for column in ("id", "name", "number", "status", "rows", "AUROC", "AUPRC", "reason"):
        table.add_column(column)
    for r in rows:
        m = r["metrics"]
        table.add_row(str(r["id"]), r["name"], str(r["number"]), r["status"], f"{r['rows']:,}",
                      f"{m['auroc']:.4f}", f"{m['auprc']:.4f}", r["reason"])  # fmt: skip
    Console().print(table)
