"""The whole-path figure (netcourse.plots.journey): the current node lit, the stop named."""

from netcourse.journey import scenario
from netcourse.plots.journey import POSITIONS, path_figure


def test_figure_lights_the_current_node():
    journey = scenario("nacl-no-ephemeral").run()
    fig = path_figure(journey)
    ax = fig.axes[0]
    sizes = [coll.get_sizes()[0] for coll in ax.collections]
    assert sizes.count(max(sizes)) == 1  # one node drawn large: the current one
    assert "stopped here" in ax.get_title()
    assert len(sizes) == len(POSITIONS)
