"""The lesson 03 figures (netcourse.plots.cidr): what they draw, read back from the axes."""

from __future__ import annotations

import ipaddress
import time

import pytest

from netcourse.cidr import plan
from netcourse.errors import AddressError
from netcourse.plots.cidr import LEGEND_BLOCKS, LEGEND_FREE, address_space_figure, bits_figure


def drawn_widths(ax) -> list[float]:
    """The width of every rectangle on the bar: the parent (a patch) and each block."""
    widths = [patch.get_width() for patch in ax.patches]
    for collection in ax.collections:
        for path in collection.get_paths():
            xs = path.vertices[:, 0]
            widths.append(float(xs.max() - xs.min()))
    return sorted(widths)


def test_bits_figure_labels_and_colours():
    fig = bits_figure("10.0.2.3/20")
    ax = fig.axes[0]
    assert "bit position" in ax.get_xlabel()
    top_row = sorted(
        (t.get_position()[0], t.get_text()) for t in ax.texts if t.get_position()[1] > 2
    )
    assert "".join(digit for _, digit in top_row) == format(
        int(ipaddress.IPv4Address("10.0.2.3")), "032b"
    )
    colours = {patch.get_facecolor() for patch in ax.patches}
    assert len(colours) == 2
    assert len(bits_figure("2001:db8::1/64").axes[0].patches) == 3 * 128


def test_address_space_figure_draws_each_block():
    office = plan("192.168.10.0/24", {"staff": 100, "guests": 50, "printers": 10})
    fig = address_space_figure(office)
    ax = fig.axes[0]
    assert drawn_widths(ax) == [16, 64, 128, 256]  # three blocks on top of the whole /24
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "printers: 192.168.10.192/28" in labels and "free: 192.168.10.208/28" in labels
    pairs = address_space_figure([("A", "10.0.1.0/24"), ("B", "10.0.2.0/24")], "10.0.0.0/22")
    assert drawn_widths(pairs.axes[0]) == [256, 256, 1024]
    with pytest.raises(AddressError):
        address_space_figure([("A", "10.9.0.0/24")], "10.0.0.0/22")


def test_address_space_figure_of_thousands_of_blocks_is_fast_and_readable():
    """2,000 blocks draw in one collection; the legend names a few and counts the rest."""
    needs = {f"n{i}": (i * 7919) % 200 + 1 for i in range(2000)}
    big = plan("10.0.0.0/8", needs)
    started = time.perf_counter()
    ax = address_space_figure(big).axes[0]
    assert time.perf_counter() - started < 5
    widths = drawn_widths(ax)
    assert len(widths) == 2001
    sizes = [ipaddress.ip_network(a.network).num_addresses for a in big.allocations]
    expected = sorted([2**24, *sizes])
    assert widths == expected
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) <= LEGEND_BLOCKS + LEGEND_FREE + 2
    assert f"... and {2000 - LEGEND_BLOCKS:,} more blocks" in labels
