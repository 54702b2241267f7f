"""Advice as text for a person at a terminal (private; the CLI's ``advise`` prints it)."""

from __future__ import annotations

from ..engine.pipeline import MAX_TASK_CHARS
from ..types import Advice, Citation


def render_advice(advice: Advice) -> str:
    """Render one piece of advice: the answer first, then why, then the details."""
    head = f"  => {advice.category}  (confidence {advice.confidence:.2f})"
    if advice.kind_name:
        head += f"  kind: {advice.kind_name}"
    if advice.modalities:
        head += f"  about: {', '.join(advice.modalities)}"
    lines = [advice.task, head, f"  {advice.explanation}"]
    if advice.truncated:
        limit = f"{MAX_TASK_CHARS:,}"
        lines.append(f"  (the task was cut to its first {limit} characters before it was read)")
    if advice.question:
        lines.append(f"  To decide, ask: {advice.question}")
    lines.append(f"  Recommendation: {advice.recommendation}")
    _citations(lines, "From the notes:", advice.citations)
    _citations(lines, "Tools the notes name for this:", advice.tools)
    if advice.parts:
        lines.append("  Parts:")
        for number, part in enumerate(advice.parts, start=1):
            lines.append(f'    {number}. {part.category} ({part.confidence:.2f}): "{part.text}"')
    if advice.why_not:
        lines.append("  Why not the others:")
        lines.extend(f"    {sentence}" for sentence in advice.why_not.values())
    if advice.evidence.rules:
        lines.append("  Rules that fired:")
        for hit in advice.evidence.rules:
            matched = ", ".join(f'"{m}"' for m in hit.matched)
            lines.append(f"    {hit.rule_id} ({hit.category}, weight {hit.weight:g}): {matched}")
    if advice.evidence.terms:
        terms = ", ".join(f"{t.term} (+{t.weight:.2f})" for t in advice.evidence.terms)
        lines.append(f"  Classifier terms: {terms}")
    scores = ", ".join(f"{c} {s:.2f}" for c, s in advice.scores.items())
    lines.append(f"  Scores: {scores}")
    return "\n".join(lines)


def _citations(lines: list[str], title: str, citations: tuple[Citation, ...]) -> None:
    if citations:
        lines.append(f"  {title}")
        for c in citations:
            lines.append(f"    {c.path}:{c.line}  {c.section}")
            lines.append(f'      "{c.quote}"')
