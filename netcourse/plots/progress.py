"""A learner's progress as a figure: exercises passed per lesson, from ``netcourse.progress()``.

Taught in notebooks/00-welcome.ipynb.

>>> from netcourse.checks import Progress
>>> fig = progress_figure(Progress((("03-cidr-and-subnets", ("usable-hosts",), 3),)))
>>> fig.axes[0].get_xlabel()
'exercises passed'
"""

from __future__ import annotations

from netcourse.checks import Progress
from netcourse.checks import progress as read_progress
from netcourse.lessons import lesson
from netcourse.plots.style import PALETTE, new_figure

__all__ = ["progress_figure"]


def _label(slug: str) -> str:
    try:
        item = lesson(slug)
    except ValueError:
        return slug
    return f"{item.number} {item.title}"


def progress_figure(progress: Progress | None = None):
    """Horizontal bars per lesson: exercises passed (filled) out of those known (outlined).

    With no argument it reads the learner's own progress file. Lessons whose checks are not
    written yet show "no exercises yet" rather than an empty bar.
    """
    if progress is None:
        progress = read_progress()
    rows = list(progress.rows)
    fig, ax = new_figure(7, 0.45 * max(len(rows), 1) + 1.6)
    labels = [_label(slug) for slug, _, _ in rows]
    totals = [total for _, _, total in rows]
    passed = [len(names) for _, names, _ in rows]
    positions = list(range(len(rows)))[::-1]  # first lesson on top
    ax.barh(
        positions,
        totals,
        color="white",
        edgecolor=PALETTE["blue"],
        linewidth=1.2,
        label="exercises in the lesson",
    )
    ax.barh(positions, passed, color=PALETTE["blue"], label="passed")
    for y, done, total in zip(positions, passed, totals):
        text = f"{done}/{total}" if total else "no exercises yet"
        ax.text(total + 0.1, y, text, va="center", fontsize=9, color=PALETTE["black"])
    ax.set_yticks(positions, labels)
    ax.set_xlabel("exercises passed")
    ax.set_ylabel("lesson")
    ax.set_xlim(0, max(totals + [1]) + 1.5)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"Your progress: {progress.passed} exercise(s) passed")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, frameon=False, fontsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig
