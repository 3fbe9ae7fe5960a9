"""Capture figures: bars and dots carry the numbers the model computes, axes are labelled."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from netcourse.packets import conversations, read_capture  # noqa: E402
from netcourse.plots.packets import conversations_figure, timeline_figure  # noqa: E402


def test_conversation_bars_are_the_byte_counts():
    fig = conversations_figure("http")
    ax = fig.axes[0]
    [conv] = conversations("http")
    widths = sorted(round(bar.get_width()) for bar in ax.patches)
    assert widths == sorted([conv.bytes_a_to_b, conv.bytes_b_to_a])
    assert ax.get_xlabel() and ax.get_title()
    assert fig.number not in plt.get_fignums()  # closed: the cell shows it once


def test_timeline_has_one_dot_per_packet():
    fig = timeline_figure("arp-icmp")
    ax = fig.axes[0]
    dots = sum(len(line.get_xdata()) for line in ax.get_lines())
    assert dots == len(read_capture("arp-icmp"))
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"ARP", "ICMP"}
    assert ax.get_xlabel() and ax.get_ylabel()


def test_empty_table_still_draws():
    fig = conversations_figure("arp-icmp", proto="tcp")
    assert len(fig.axes[0].patches) == 0 and fig.axes[0].get_legend() is None
