"""What a batch did: rows read, rows per category and rows with an error."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class BatchSummary(BaseModel):
    """What :func:`advise_file` did: rows read, rows per category and rows with an error."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    rows: int
    categories: dict[str, int]
    errors: int
    first_error: str = ""

    def __str__(self) -> str:
        counts = ", ".join(f"{n:,} {category}" for category, n in self.categories.items())
        rows, errors = _plural(self.rows, "row"), _plural(self.errors, "error")
        text = f"{rows}: {counts}; {errors}"
        return text + (f" (first: {self.first_error})" if self.first_error else "")


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def summarize(
    rows: int,
    counts: dict[str, int],
    errors: int,
    first_error: str,
    categories: tuple[str, ...],
    undetermined: str,
) -> BatchSummary:
    """A summary listing every category (and ``undetermined``) in order, zeros included."""
    verdicts = (*categories, undetermined)
    return BatchSummary(
        rows=rows,
        categories={c: counts.get(c, 0) for c in verdicts},
        errors=errors,
        first_error=first_error,
    )
