"""Progress as figures: a learner's passes per lesson (``netcourse.progress()``), and a class's
checks and lesson times (``netcourse.class_progress()``).

Taught in notebooks/00-welcome.ipynb (a learner's) and docs/instructor.md (a class's).

>>> from netcourse.checks import Progress
>>> fig = progress_figure(Progress((("03-cidr-and-subnets", ("usable-hosts",), 3),)))
>>> fig.axes[0].get_xlabel()
'exercises passed'
>>> class_figure([]).axes[0].get_xlabel()
'learners'
"""

from __future__ import annotations

from netcourse.checks import Progress
from netcourse.checks import progress as read_progress
from netcourse.checks.classroom import ClassProgress, class_progress
from netcourse.lessons import lesson
from netcourse.plots.style import PALETTE, new_figure

__all__ = ["class_figure", "progress_figure"]


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


def class_figure(report: ClassProgress | object):
    """A class at a glance: per check, learners who passed and who got it wrong at least once
    (with the most common mistake named); per lesson, the median time and its range.

    ``report`` is a :class:`~netcourse.checks.classroom.ClassProgress`, or whatever
    :func:`~netcourse.checks.classroom.class_progress` reads (paths, folders, glob patterns).
    Only checks someone tried are drawn, in teaching order from the top.
    """
    if not isinstance(report, ClassProgress):
        report = class_progress(report)
    rows = [row for row in report.checks if row.tried]
    lessons = [row for row in report.lessons if row.learners]
    height = 0.42 * max(len(rows), len(lessons), 1) + 1.8
    fig, (checks_ax, time_ax) = new_figure(
        11, height, ncols=2, gridspec_kw={"width_ratios": [3, 2]}
    )
    class_size = len(report.learners)
    positions = list(range(len(rows)))[::-1]  # first check on top
    checks_ax.barh(
        [y + 0.2 for y in positions],
        [row.passed for row in rows],
        height=0.4,
        color=PALETTE["blue"],
        label="passed",
    )
    checks_ax.barh(
        [y - 0.2 for y in positions],
        [row.failed for row in rows],
        height=0.4,
        color=PALETTE["vermillion"],
        hatch="//",
        edgecolor="white",
        label="got it wrong at least once",
    )
    for y, row in zip(positions, rows):
        if row.mistakes:
            mistake, count = row.mistakes[0]
            name = mistake if mistake is not None else "(not named)"
            more = f" +{len(row.mistakes) - 1} more" if len(row.mistakes) > 1 else ""
            label = f"{name} ({count}){more}"
            checks_ax.text(row.failed + 0.1, y - 0.2, label, va="center", fontsize=8)
    labels = [f"{row.lesson[:2]} {row.exercise}" for row in rows]
    checks_ax.set_yticks(positions, labels, fontsize=8)
    checks_ax.set_xlim(0, max(class_size, 1) * 1.6)
    checks_ax.xaxis.get_major_locator().set_params(integer=True)
    checks_ax.set_xlabel("learners")
    checks_ax.set_title(
        f"{class_size} learner(s), {len(report.problems)} file(s) not read", fontsize=10
    )
    if not rows:
        checks_ax.text(0.5, 0.5, "no attempts yet", transform=checks_ax.transAxes, ha="center")
    checks_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)

    spots = list(range(len(lessons)))[::-1]
    medians = [row.median / 60 for row in lessons]
    below = [(row.median - row.shortest) / 60 for row in lessons]
    above = [(row.longest - row.median) / 60 for row in lessons]
    time_ax.barh(spots, medians, color=PALETTE["sky"], label="median")
    if lessons:
        time_ax.errorbar(
            medians,
            spots,
            xerr=[below, above],
            fmt="none",
            ecolor=PALETTE["black"],
            capsize=3,
            label="shortest to longest",
        )
    for y, row in zip(spots, lessons):
        time_ax.text(row.longest / 60, y + 0.3, f" {row.learners} learner(s)", fontsize=8)
    time_ax.set_yticks(spots, [_label(row.lesson) for row in lessons], fontsize=8)
    time_ax.set_xlim(0, max([row.longest / 60 for row in lessons] + [1]) * 1.35)
    time_ax.set_xlabel("minutes from first to last attempt")
    time_ax.set_title("time per lesson", fontsize=10)
    if lessons:
        time_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)
    for ax in (checks_ax, time_ax):
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig
