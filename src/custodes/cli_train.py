"""The `custodes train` command: rebuild the candidate scorer from labelled gold files.

Kept apart from cli.py so scikit-learn loads only when a model is trained.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

console = Console()
err = Console(stderr=True)

DEFAULT_GOLD = (Path("../shared/eval/train.jsonl"), Path("../shared/eval/dev.jsonl"))


def train_command(
    gold: Annotated[list[Path] | None, typer.Argument(
        help="Gold JSON Lines files (default: ../shared/eval/train.jsonl and dev.jsonl).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Model file to write (default: the bundled data/model/deployment_scorer.json).")] = None,
    regularisation: Annotated[float, typer.Option("--c", min=1e-6, help="Inverse L2 regularisation strength.")]
    = 0.03,
    threshold: Annotated[float, typer.Option("--threshold", min=0.01, max=0.99,
                                             help="Probability at which a candidate is recorded.")] = 0.4,
    folds: Annotated[int, typer.Option("--folds", min=2, max=20, help="Cross-validation folds (by document).")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the training report as JSON.")] = False,
) -> None:
    """Train the candidate scorer deterministically and report its cross-validated scores.

    Each labelled document is extracted up to its candidates; a logistic regression learns which
    are deployments. Scores, the Brier score and a reliability table come from cross-validation
    by document (each held-out document extracted by the full pipeline). The category and status
    confidence scorers learn from the records that cross-validation kept. The model is written
    with the SHA-256 of every file it was trained on; the same files give the same model.

    Example: [bold]custodes train ../shared/eval/train.jsonl ../shared/eval/dev.jsonl --out /tmp/model.json[/bold]
    """
    from custodes.extract.scorer import model_path
    from custodes.extract.train import train

    paths = list(gold or DEFAULT_GOLD)
    for p in paths:
        if not p.exists():
            err.print(f"[red]error[/red]: {p}: no such file")
            raise typer.Exit(2)
    target = out or model_path()
    try:
        _, report = train(paths, target, regularisation, threshold, folds)
    except (ValueError, KeyError) as exc:
        err.print(f"[red]error[/red]: not a gold file ({exc})")
        raise typer.Exit(2) from exc
    if as_json:
        print(json.dumps(report.__dict__, indent=2))
        return
    cv = report.cv
    table = Table(title=f"{folds}-fold cross-validation by document: {report.documents} documents")
    for name in ("", "precision", "recall", "F1", "tp", "fp", "fn"):
        table.add_column(name, justify="right")
    for label in ("pair", "triple"):
        m = cv[label]
        table.add_row(label, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}",
                      str(m["tp"]), str(m["fp"]), str(m["fn"]))
    console.print(table)
    console.print(f"status accuracy {cv['status_accuracy']:.3f}, year accuracy {cv['year_accuracy']:.3f}; "
                  f"candidates {report.candidates} ({report.positives} positive), "
                  f"candidate recall {report.candidate_recall:.3f}; Brier {report.brier:.4f}")
    rel = Table(title="reliability (out of fold, calibrated)")
    for name in ("predicted", "candidates", "mean predicted", "observed"):
        rel.add_column(name, justify="right")
    for r in report.reliability:
        rel.add_row(f"{r['low']:.1f}–{r['high']:.1f}", str(r["candidates"]), f"{r['mean_predicted']:.3f}",
                    f"{r['observed']:.3f}")
    console.print(rel)
    for name, a in report.attributes.items():
        console.print(f"{name} confidence: {a['chosen']} chosen values, the rules right for {a['rules_right']:.3f}; "
                      f"Brier {a['brier']:.4f} (a constant rate: {a['brier_of_constant']:.4f})")
    console.print(f"model written to {target}")


def register(app: typer.Typer) -> None:
    app.command("train")(train_command)
