"""Figures for notebooks/03-cidr-and-subnets.ipynb: an address as bits, and an address space.

>>> fig = bits_figure("10.0.2.3/16")
>>> [text.get_text() for text in fig.axes[0].get_yticklabels()]
['address', 'netmask', 'network']
>>> from netcourse.cidr import plan
>>> fig = address_space_figure(plan("192.168.10.0/24", {"staff": 100, "guests": 50}))
>>> fig.axes[0].get_xlabel()
'address offset inside 192.168.10.0/24'
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from netcourse.cidr import HOST_COLOUR, NETWORK_COLOUR, Plan, binary, subnet
from netcourse.errors import AddressError
from netcourse.plots.style import CYCLE, PALETTE, new_figure
from netcourse.style import NEUTRALS

__all__ = ["bits_figure", "address_space_figure", "LEGEND_BLOCKS", "LEGEND_FREE"]

FREE_COLOUR = NEUTRALS["grid"]
#: The most blocks, and free ranges, the legend names; the plan's table lists them all.
LEGEND_BLOCKS, LEGEND_FREE = 8, 4
#: The most blocks labelled on the bar itself (only blocks of a tenth of the bar or more).
LABELLED_BLOCKS = 10


def bits_figure(text: str):
    """The address, mask and network of ``text`` as rows of bits, network bits in blue.

    Taught in notebooks/03-cidr-and-subnets.ipynb.
    """
    from matplotlib.patches import Patch, Rectangle

    view = binary(text)
    total = 32 if view.version == 4 else 128
    group = 8 if view.version == 4 else 16
    rows = [("address", view.address), ("netmask", view.netmask), ("network", view.network)]
    width = 10 if view.version == 4 else 14
    fig, ax = new_figure(width, 2.0)
    for row, (_, bits) in enumerate(reversed(rows)):
        digits = bits.replace(".", "").replace(":", "")
        for index, digit in enumerate(digits):
            colour = NETWORK_COLOUR if index < view.prefixlen else HOST_COLOUR
            ax.add_patch(
                Rectangle((index, row), 1, 0.86, facecolor=colour, edgecolor="white", lw=0.5)
            )
            if view.version == 4:
                ax.text(index + 0.5, row + 0.43, digit, ha="center", va="center", color="white")
    for edge in range(group, total, group):
        ax.axvline(edge, color="black", lw=1.5)
    ax.axvline(view.prefixlen, color=PALETTE["vermillion"], lw=3, ymax=1)
    ax.set_xlim(0, total)
    ax.set_ylim(-0.1, 3)
    ax.set_yticks([2.43, 1.43, 0.43], [label for label, _ in rows])
    ax.set_xticks(range(0, total + 1, group))
    ax.set_xlabel(f"bit position (the red line is the prefix boundary, /{view.prefixlen})")
    ax.set_title(f"{view.address_text}/{view.prefixlen}: network and host bits", loc="left")
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.legend(
        handles=[
            Patch(color=NETWORK_COLOUR, label=f"network bits ({view.prefixlen})"),
            Patch(color=HOST_COLOUR, label=f"host bits ({total - view.prefixlen})"),
        ],
        loc="lower right",
        bbox_to_anchor=(1, 1),
        ncol=2,
        frameon=False,
    )
    fig.tight_layout()
    return fig


def address_space_figure(
    blocks: Plan | Iterable[tuple[str, str]], parent: str | None = None, title: str | None = None
):
    """The parent network as one bar, each block a coloured span and free space grey.

    ``blocks`` is a :class:`~netcourse.cidr.Plan`, or ``(label, network)`` pairs with
    ``parent`` given. Taught in notebooks/03-cidr-and-subnets.ipynb.
    """
    from matplotlib.patches import Patch, Rectangle  # matplotlib is heavy: loaded when drawing

    if isinstance(blocks, Plan):
        parent = blocks.parent
        pairs = [(row.name, row.network) for row in blocks.allocations]
        free = list(blocks.free)
    else:
        if parent is None:
            raise AddressError("address_space_figure: give the parent network")
        pairs = [(str(label), subnet(net).network) for label, net in blocks]
        free = []
    outer = ipaddress.ip_network(subnet(parent).network)
    base, size = int(outer.network_address), outer.num_addresses
    fig, ax = new_figure(10, 2.4)
    ax.add_patch(Rectangle((0, 0), size, 1, facecolor=FREE_COLOUR, edgecolor="black", lw=1))
    handles, spans, colours = [], [], []
    for index, (label, net) in enumerate(pairs):
        block = ipaddress.ip_network(net)
        if not block.subnet_of(outer):
            raise AddressError(f"address_space_figure: {net} is not inside {outer}")
        spans.append((int(block.network_address) - base, block.num_addresses))
        colours.append(CYCLE[index % len(CYCLE)])
        if index < LEGEND_BLOCKS:
            handles.append(Patch(color=colours[-1], label=f"{label}: {block}"))
    # one collection for every block: thousands of blocks draw as fast as three
    ax.broken_barh(spans, (0, 1), facecolors=colours, edgecolor="black", lw=1)
    big = [i for i, (_, width) in enumerate(spans) if width / size >= 0.1][:LABELLED_BLOCKS]
    for index in big:
        start, width = spans[index]
        ax.text(
            start + width / 2,
            0.5,
            f"{pairs[index][0]}\n/{outer.max_prefixlen - width.bit_length() + 1}",
            ha="center",
            va="center",
            color="white" if index % len(CYCLE) in (0, 3) else "black",
            fontsize=9,
        )
    if len(pairs) > LEGEND_BLOCKS:
        more = len(pairs) - LEGEND_BLOCKS
        handles.append(Patch(color="white", label=f"... and {more:,} more blocks"))
    for net in free[:LEGEND_FREE]:
        handles.append(Patch(color=FREE_COLOUR, label=f"free: {net}"))
    if len(free) > LEGEND_FREE:
        more = len(free) - LEGEND_FREE
        handles.append(Patch(color=FREE_COLOUR, label=f"... and {more:,} more free ranges"))
    edges = sorted(
        {0, size}
        | {start for start, _ in spans}
        | {int(ipaddress.ip_network(n).network_address) - base for n in free}
    )
    ax.set_xlim(0, size)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ticks = [0]
    for edge in edges[1:]:  # drop ticks that would print on top of each other
        if edge - ticks[-1] >= size / 25 or edge == size:
            ticks.append(edge)
    if len(ticks) > 2 and ticks[-1] - ticks[-2] < size / 25:
        del ticks[-2]
    ax.set_xticks(ticks)
    ax.set_xlabel(f"address offset inside {outer}")
    ax.set_title(title or f"How {outer} is used")
    ncol = 1 if len(handles) <= 8 else 2  # the legend fits the bar's height
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, ncol=ncol)
    fig.tight_layout()
    return fig
