"""The progress figure: one bar per lesson, passed out of known, readable without colour."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from netcourse import checks  # noqa: E402
from netcourse.checks import Progress, correct, exercise, wrong  # noqa: E402
from netcourse.lessons import LESSONS  # noqa: E402
from netcourse.plots.progress import progress_figure  # noqa: E402
from netcourse.plots.style import PALETTE  # noqa: E402

ROWS = (
    ("01-sockets-and-4-tuples", ("four-tuple", "port-range"), 3),
    ("03-cidr-and-subnets", (), 4),
    ("06-packet-journey", (), 0),
)


def _texts(ax) -> list[str]:
    return [text.get_text() for text in ax.texts]


def test_bars_show_passed_out_of_total_per_lesson():
    fig = progress_figure(Progress(ROWS))
    (ax,) = fig.axes
    ticks = sorted(ax.get_yticklabels(), key=lambda tick: -tick.get_position()[1])
    labels = [tick.get_text() for tick in ticks]  # top to bottom, in teaching order
    assert labels == ["01 Sockets and 4-tuples", "03 CIDR and subnets", "06 A packet's journey"]
    assert _texts(ax) == ["2/3", "0/4", "no exercises yet"]
    outline, filled = ax.containers
    assert [bar.get_width() for bar in outline] == [3, 4, 0]
    assert [bar.get_width() for bar in filled] == [2, 0, 0]
    assert [bar.get_y() for bar in filled] == sorted(bar.get_y() for bar in filled)[::-1]
    assert "2 exercise(s) passed" in ax.get_title()


def test_axes_are_labelled_and_colours_come_from_the_palette():
    (ax,) = progress_figure(Progress(ROWS)).axes
    assert ax.get_xlabel() == "exercises passed" and ax.get_ylabel() == "lesson"
    filled = ax.containers[1]
    hex_colour = matplotlib.colors.to_hex(filled[0].get_facecolor()).upper()
    assert hex_colour == PALETTE["blue"].upper()
    assert ax.get_legend() is not None


def test_figure_is_closed_in_pyplot_so_a_cell_shows_it_once():
    before = set(plt.get_fignums())
    progress_figure(Progress(ROWS))
    assert set(plt.get_fignums()) == before


def test_default_reads_the_learners_progress_file(tmp_path, monkeypatch):
    """A check passed through the real decorator shows up in the figure (local file, no net)."""
    monkeypatch.setenv("NETCOURSE_PROGRESS", str(tmp_path / "progress.json"))

    @exercise("03-cidr-and-subnets", "figure-test")
    def double(answer):
        return correct("right") if answer == 42 else wrong("not yet", "double it")

    try:
        double(41)
        (ax,) = progress_figure().axes
        assert "0 exercise(s) passed" in ax.get_title()
        double(42)
        (ax,) = progress_figure().axes
        assert "1 exercise(s) passed" in ax.get_title()
        assert len(ax.get_yticklabels()) == len(LESSONS) - 1  # every lesson but the welcome
    finally:  # keep the registry as the real check modules left it
        checks._REGISTRY.pop(("03-cidr-and-subnets", "figure-test"), None)


@pytest.mark.parametrize("rows", [(), (("00-unknown-lesson", ("x",), 1),)])
def test_empty_and_unknown_rows_still_draw(rows):
    fig = progress_figure(Progress(rows))
    assert fig.axes[0].get_xlabel() == "exercises passed"
