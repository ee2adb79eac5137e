"""Scores of one predictor over the labelled pairs: accuracy, recall, precision, confusion.

Pure functions over (expected, predicted) lists. Predictions outside the three labels count
as wrong for every class: ``unknown`` (the predictor saw nothing to release, though a release
was published) and ``error`` (the predictor failed on the pair).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.accuracy.dataset import LABELS

__all__ = [
    "PREDICTED_COLUMNS",
    "Confusion",
    "Scores",
    "format_ratio",
    "markdown_confusion",
    "markdown_summary",
    "score",
    "text_confusion",
]

#: Columns of the confusion matrix: the three labels, then the two ways of not answering.
PREDICTED_COLUMNS: tuple[str, ...] = (*LABELS, "unknown", "error")


@dataclass(frozen=True, slots=True)
class Confusion:
    """Counts indexed ``[expected][predicted]``: rows are LABELS, columns PREDICTED_COLUMNS."""

    counts: dict[str, dict[str, int]]

    @classmethod
    def build(cls, expected: Sequence[str], predicted: Sequence[str]) -> Confusion:
        if len(expected) != len(predicted):
            raise ValueError(f"{len(expected)} labels but {len(predicted)} predictions")
        counts: dict[str, dict[str, int]] = {
            row: dict.fromkeys(PREDICTED_COLUMNS, 0) for row in LABELS
        }
        for truth, guess in zip(expected, predicted, strict=True):
            if truth not in counts:
                raise ValueError(f"unknown label {truth!r}")
            column = guess if guess in PREDICTED_COLUMNS else "error"
            counts[truth][column] += 1
        return cls(counts)

    def row_total(self, label: str) -> int:
        return sum(self.counts[label].values())

    def column_total(self, column: str) -> int:
        return sum(self.counts[row][column] for row in LABELS)

    @property
    def total(self) -> int:
        return sum(self.row_total(label) for label in LABELS)

    @property
    def correct(self) -> int:
        return sum(self.counts[label][label] for label in LABELS)


@dataclass(frozen=True, slots=True)
class Scores:
    """One predictor's figures. Ratios are None where their denominator is zero."""

    name: str
    confusion: Confusion
    accuracy: float | None
    recall: dict[str, float | None]
    precision: dict[str, float | None]


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def score(name: str, expected: Sequence[str], predicted: Sequence[str]) -> Scores:
    """Accuracy, per-class recall and precision, and the confusion matrix."""
    confusion = Confusion.build(expected, predicted)
    recall: dict[str, float | None] = {
        lab: _ratio(confusion.counts[lab][lab], confusion.row_total(lab)) for lab in LABELS
    }
    precision: dict[str, float | None] = {
        lab: _ratio(confusion.counts[lab][lab], confusion.column_total(lab)) for lab in LABELS
    }
    return Scores(
        name=name,
        confusion=confusion,
        accuracy=_ratio(confusion.correct, confusion.total),
        recall=recall,
        precision=precision,
    )


def format_ratio(value: float | None) -> str:
    """``0.5`` -> ``"50%"``; a missing ratio is ``"-"``."""
    return "-" if value is None else f"{value * 100:.0f}%"


def markdown_summary(rows: Sequence[Scores]) -> str:
    """One Markdown table: a row per predictor, accuracy then recall and precision per class."""
    header = ["predictor", "accuracy"]
    header += [f"{lab} recall" for lab in LABELS]
    header += [f"{lab} precision" for lab in LABELS]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|",
    ]
    for row in rows:
        cells = [row.name, format_ratio(row.accuracy)]
        cells += [format_ratio(row.recall[lab]) for lab in LABELS]
        cells += [format_ratio(row.precision[lab]) for lab in LABELS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _used_columns(confusion: Confusion) -> list[str]:
    # The two non-answer columns are shown only when some pair landed there, to keep the
    # tables narrow in the common case.
    return [c for c in PREDICTED_COLUMNS if c in LABELS or confusion.column_total(c)]


def markdown_confusion(confusion: Confusion) -> str:
    """The confusion matrix as a Markdown table: rows expected, columns predicted."""
    columns = _used_columns(confusion)
    lines = [
        "| expected \\ predicted | " + " | ".join(columns) + " |",
        "|---|" + "|".join(["---:"] * len(columns)) + "|",
    ]
    for label in LABELS:
        cells = [str(confusion.counts[label][c]) for c in columns]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def text_confusion(confusion: Confusion) -> str:
    """The confusion matrix as aligned plain text."""
    columns = _used_columns(confusion)
    width = max(len(c) for c in (*columns, "expected")) + 2
    lines = ["expected".ljust(width) + "".join(c.rjust(width) for c in columns)]
    for label in LABELS:
        cells = "".join(str(confusion.counts[label][c]).rjust(width) for c in columns)
        lines.append(label.ljust(width) + cells)
    return "\n".join(lines)
