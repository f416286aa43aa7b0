"""Small trend lines drawn on the hub as inline SVG: no chart library, no script. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT, PAD = 120, 32, 4


def sparkline(values: Sequence[float | None], label: str, *, usual: tuple[float, float] | None = None) -> str:
    """A line through ``values`` (one a day, oldest first; None leaves a gap), the last point marked, the usual
    range shaded where it falls in view. ``label`` is what a screen reader says instead (and the tooltip)."""
    known = [v for v in values if v is not None]
    title = f"<title>{escape(label)}</title>"
    head = (f'<svg class="spark" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
            f'aria-label="{escape(label)}">{title}')
    if not known:
        return head + "</svg>"
    low, high = min(known), max(known)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def y(value: float) -> float:
        return round(HEIGHT - PAD - (value - low) / (high - low) * (HEIGHT - 2 * PAD), 1)

    parts = [head]
    if usual is not None and usual[0] <= high and usual[1] >= low:
        top, bottom = y(min(usual[1], high)), y(max(usual[0], low))
        parts.append(f'<rect class="usual" x="0" y="{top}" width="{WIDTH}" height="{round(bottom - top, 1)}" '
                     'fill="#dcebdc"/>')
    runs: list[list[str]] = [[]]
    for n, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(f"{round(PAD + n * step, 1)},{y(value)}")
    for run in runs:
        if len(run) > 1:
            parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="#0b4f8a" stroke-width="2"/>')
        elif run:
            x, y_ = run[0].split(",")
            parts.append(f'<circle cx="{x}" cy="{y_}" r="2" fill="#0b4f8a"/>')
    last = max(n for n, value in enumerate(values) if value is not None)
    value = values[last]
    assert value is not None
    parts.append(f'<circle cx="{round(PAD + last * step, 1)}" cy="{y(value)}" r="3.5" fill="#0b4f8a"/>')
    return "".join(parts) + "</svg>"
