"""An evaluation as an HTML page with images (``model-advisor evaluate --report DIR``).

The page, ``index.html``, holds the scores, the per-category figures, the reliability table
and the most confident mistakes; beside it, ``confusion.png`` draws the confusion matrices of
combined, rules alone and classifier alone, and ``confidence.png`` the confidence of right and
of wrong answers. Drawing needs matplotlib, an optional extra (``model-advisor[report]``),
imported only here.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .._version import __version__
from ..errors import ReportError
from .evaluation import Answer, EvaluationReport
from .metrics import Scores

INDEX = "index.html"
CONFUSION_IMAGE = "confusion.png"
CONFIDENCE_IMAGE = "confidence.png"
HISTOGRAM_BINS = 20
INSTALL_HINT = "pip install 'model-advisor[report]'"


def require_matplotlib() -> None:
    """Check that the report can be drawn, before any time is spent evaluating.

    Raises:
        ReportError: naming the command that installs matplotlib.
    """
    _figure_class()


def _figure_class() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError as err:
        message = f"the HTML report needs matplotlib, which is not installed: {INSTALL_HINT}"
        raise ReportError(message) from err
    return Figure


def write_report(report: EvaluationReport, directory: Path) -> Path:
    """Write ``index.html`` and its two images into ``directory`` (created if need be).

    Returns:
        The path of ``index.html``.

    Raises:
        ReportError: matplotlib is missing, or the files cannot be written.
    """
    figure = _figure_class()
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _draw_confusion(figure, report, directory / CONFUSION_IMAGE)
        _draw_confidence(figure, report.answers, directory / CONFIDENCE_IMAGE)
        index = directory / INDEX
        index.write_text(render_html(report), encoding="utf-8")
    except OSError as err:
        where = err.filename or directory
        raise ReportError(f"{where}: cannot write the report: {err.strerror}") from err
    return index


# --- images ----------------------------------------------------------------------------------


def _draw_confusion(figure_class: Any, report: EvaluationReport, path: Path) -> None:
    panels = [
        ("combined", report.combined),
        ("rules only", report.rules_only),
        ("classifier only", report.classifier_only),
    ]
    figure = figure_class(figsize=(15, 5), layout="constrained")
    axes = figure.subplots(1, len(panels))
    for ax, (name, scores) in zip(axes, panels, strict=True):
        rows = [list(row) for row in scores.confusion]
        shares = [[n / max(sum(row), 1) for n in row] for row in rows]
        ax.imshow(shares, cmap="Blues", vmin=0, vmax=1, aspect="auto")
        for r, row in enumerate(rows):
            for c, n in enumerate(row):
                color = "white" if shares[r][c] > 0.55 else "black"
                ax.text(c, r, str(n), ha="center", va="center", color=color, fontsize=12)
        ax.set_xticks(range(len(scores.labels)), [_short(x) for x in scores.labels])
        ax.set_yticks(range(len(rows)), [_short(x) for x in scores.labels[: len(rows)]])
        ax.set_xlabel("answer")
        ax.set_ylabel("label")
        ax.set_title(f"{name}\naccuracy {scores.accuracy:.3f}, macro-F1 {scores.macro_f1:.3f}")
    figure.suptitle("Confusion matrices (colour: share of the label's tasks)")
    figure.savefig(path, dpi=100)


def _draw_confidence(figure_class: Any, answers: Sequence[Answer], path: Path) -> None:
    edges = [i / HISTOGRAM_BINS for i in range(HISTOGRAM_BINS + 1)]
    right = [a.confidence for a in answers if a.correct]
    wrong = [a.confidence for a in answers if not a.correct]
    figure = figure_class(figsize=(8, 5.5), layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True)
    for ax, values, colour, name in (
        (top, right, "tab:green", "right"),
        (bottom, wrong, "tab:red", "wrong"),
    ):
        ax.hist(values, bins=edges, color=colour, edgecolor="white")
        ax.set_ylabel("answers")
        ax.set_title(f"{name} answers ({len(values):,})", loc="left")
        ax.yaxis.get_major_locator().set_params(integer=True)
    bottom.set_xlim(0, 1)
    bottom.set_xlabel("confidence of the combined answer (0: undetermined)")
    figure.suptitle("Confidence of right and wrong answers")
    figure.savefig(path, dpi=100)


def _short(label: str) -> str:
    return {"discriminative": "discrim.", "undetermined": "undeterm."}.get(label, label)


# --- the page ------------------------------------------------------------------------------

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem;
       color: #1a1a1a; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #d0d0d0; padding: 0.25rem 0.6rem; text-align: right; }
th { background: #f3f3f3; }
td.text, th.text { text-align: left; }
img { max-width: 100%; border: 1px solid #e0e0e0; }
.note { background: #fff6d6; padding: 0.5rem 0.8rem; border-left: 4px solid #e0b000; }
.wrong { color: #b00020; }
"""


def render_html(report: EvaluationReport) -> str:
    """The report page (its images are referenced by file name, beside it)."""
    e = html.escape
    if report.folds:
        what = f"{report.folds}-fold cross-validation on {report.source}"
    else:
        what = f"{report.source}"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>model-advisor evaluation: {e(what)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>Evaluation: {e(what)}</h1>",
        f"<p>{report.examples:,} labelled tasks; knowledge <code>{e(report.knowledge)}</code>; "
        f"model-advisor {e(__version__)}.</p>",
    ]
    if report.seen_in_training:
        parts.append(
            f'<p class="note">{report.seen_in_training:,} of these tasks are also training '
            "examples, so the figures are optimistic.</p>"
        )
    parts += ["<h2>Scores</h2>", _scores_table(report)]
    parts += ["<h2>Per category (combined)</h2>", _per_category_table(report.combined)]
    parts += [
        "<h2>Confusion matrices</h2>",
        f'<img src="{CONFUSION_IMAGE}" alt="Confusion matrices of the combined answers, '
        'the rules alone and the classifier alone">',
        "<p>Combined, as numbers (rows: label, columns: answer):</p>",
        _confusion_table(report.combined),
        "<h2>Confidence</h2>",
        f'<img src="{CONFIDENCE_IMAGE}" alt="Histograms of the confidence of right and of '
        'wrong combined answers">',
        "<h2>Reliability</h2>",
        "<p>Answers binned by confidence: a well-calibrated advisor is right about as often "
        "as it is confident.</p>",
        _reliability_table(report),
        "<h2>Most confident mistakes</h2>",
        _mistakes_table(report.mistakes),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], text_columns: int = 1) -> str:
    def cell(tag: str, index: int, value: str) -> str:
        kind = ' class="text"' if index < text_columns else ""
        return f"<{tag}{kind}>{value}</{tag}>"

    lines = ["<table>", "<tr>" + "".join(cell("th", i, h) for i, h in enumerate(head)) + "</tr>"]
    for row in rows:
        lines.append("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def _scores_table(report: EvaluationReport) -> str:
    rows = [
        [name, f"{s.accuracy:.3f}", f"{s.macro_f1:.3f}"]
        for name, s in (
            ("combined", report.combined),
            ("rules only", report.rules_only),
            ("classifier only", report.classifier_only),
        )
    ]
    return _table(["", "accuracy", "macro-F1"], rows)


def _per_category_table(scores: Scores) -> str:
    rows = [
        [c.category, f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}", f"{c.support:,}"]
        for c in scores.per_category
    ]
    return _table(["category", "precision", "recall", "F1", "support"], rows)


def _confusion_table(scores: Scores) -> str:
    rows = [
        [label, *(f"{n:,}" for n in row)]
        for label, row in zip(scores.labels, scores.confusion, strict=False)
    ]
    return _table(["label \\ answer", *scores.labels], rows)


def _reliability_table(report: EvaluationReport) -> str:
    rows = [
        [
            f"{b.low:.1f}-{b.high:.1f}",
            f"{b.answers:,}",
            f"{b.accuracy:.3f}",
            f"{b.mean_confidence:.3f}",
        ]
        for b in report.reliability
        if b.answers and b.accuracy is not None and b.mean_confidence is not None
    ]
    table = _table(["confidence", "answers", "accuracy", "mean confidence"], rows)
    if report.calibration_error is None:
        return table
    return f"{table}\n<p>Expected calibration error: {report.calibration_error:.3f}</p>"


def _mistakes_table(mistakes: Sequence[Answer]) -> str:
    if not mistakes:
        return "<p>No mistakes.</p>"
    rows = [
        [
            str(m.line),
            html.escape(m.task),
            m.label,
            f'<span class="wrong">{m.answer}</span>',
            f"{m.confidence:.2f}",
            f"{m.rules_say} ({html.escape(', '.join(m.rules) or 'no rule')})",
            f"{m.classifier_says} ({m.classifier_confidence:.2f})",
        ]
        for m in mistakes
    ]
    head = ["line", "task", "label", "answer", "confidence", "rules say", "classifier says"]
    return _table(head, rows, text_columns=2)
