"""Figures leave matplotlib's global settings alone, even when drawn from many threads at once."""

import inspect
import io
import json
import pkgutil
import sys
import tempfile
import threading
from importlib import import_module
from pathlib import Path

import matplotlib
import pytest

import netcourse.plots
from netcourse.checks import Progress
from netcourse.cidr import plan
from netcourse.firewall import Firewall, Packet, PacketBatch
from netcourse.journey import scenario
from netcourse.plots import (
    cidr,
    firewall,
    firewall_graph,
    journey,
    layers,
    packets,
    progress,
    sockets,
    style,
    vpc,
)
from netcourse.sockets import TEARDOWN_ROLES, state_path
from netcourse.vpc import Vpc

THREADS = 8


def _rule_hits():
    fw = Firewall.from_iptables(["-P INPUT DROP", "-A INPUT -p udp -j ACCEPT"])
    batch = PacketBatch.from_packets(
        [
            Packet("udp", src="192.0.2.1", dst="192.0.2.2"),
            Packet("tcp", src="192.0.2.1", dst="192.0.2.2"),
        ]
    )
    return firewall.rule_hits_figure(fw, batch)


def _class():
    """A class of two learners, one of whom got a check wrong, read from their files."""
    with tempfile.TemporaryDirectory() as where:  # read, then gone: the figure holds its data
        return _class_in(Path(where))


def _class_in(folder: Path):
    for name, ok in (("ada", True), ("sam", False)):
        attempt = {"at": 1764600000.0, "ok": ok, "mistake": None if ok else "off-by-two"}
        data = {
            "version": 2,
            "learner": name,
            "passed": {"03-cidr-and-subnets": {"usable-hosts": 1764600000.0}} if ok else {},
            "attempts": {"03-cidr-and-subnets": {"usable-hosts": [attempt]}},
        }
        (folder / f"{name}.json").write_text(json.dumps(data))
    return progress.class_figure(str(folder))


def _topology():
    example = Vpc.example()
    return vpc.topology(example, example.reachability("internet", "web", 443))


#: One call of every figure function in netcourse/plots, with the arguments of its doctest.
FIGURES = {
    "cidr.bits_figure": lambda: cidr.bits_figure("10.0.2.3/16"),
    "cidr.address_space_figure": lambda: cidr.address_space_figure(
        plan("192.168.10.0/24", {"staff": 100, "guests": 50})
    ),
    "firewall.rule_hits_figure": _rule_hits,
    "firewall_graph.chain_graph_figure": lambda: firewall_graph.chain_graph_figure(
        ["-N ssh", "-A INPUT -p tcp --dport 22 -j ssh", "-A ssh -j ACCEPT"]
    ),
    "journey.path_figure": lambda: journey.path_figure(scenario("healthy").run(), step=1),
    "layers.encapsulation_figure": lambda: layers.encapsulation_figure("http", 4),
    "layers.layer_models_figure": layers.layer_models_figure,
    "layers.protocol_stacks_figure": layers.protocol_stacks_figure,
    "packets.conversations_figure": lambda: packets.conversations_figure("udp", proto="udp"),
    "packets.timeline_figure": lambda: packets.timeline_figure("ipv6"),
    "progress.class_figure": _class,
    "progress.progress_figure": lambda: progress.progress_figure(
        Progress((("03-cidr-and-subnets", ("usable-hosts",), 3),))
    ),
    "sockets.state_machine": lambda: sockets.state_machine(
        client=state_path(TEARDOWN_ROLES["closes first"])
    ),
    "sockets.ladder": sockets.ladder,
    "style.new_figure": lambda: style.new_figure(4, 2)[0],
    "vpc.topology": _topology,
}
#: Public functions of netcourse/plots that return something other than a figure.
NOT_FIGURES = {"vpc.layout", "style.figure_svg"}


def test_every_figure_function_is_drawn_here():
    found = set()
    for info in pkgutil.iter_modules(netcourse.plots.__path__):
        module = import_module(f"netcourse.plots.{info.name}")
        for name in getattr(module, "__all__", []):
            if inspect.isfunction(getattr(module, name)):
                found.add(f"{info.name}.{name}")
    assert found == set(FIGURES) | NOT_FIGURES


def test_a_course_figure_uses_the_course_colours_on_its_own_axes():
    fig, ax = style.new_figure(4, 2, ncols=2)
    for axes in fig.axes:
        assert [axes.plot([0, 1])[0].get_color() for _ in style.CYCLE] == style.CYCLE
    plain = matplotlib.figure.Figure().add_subplot()
    assert plain.plot([0, 1])[0].get_color() != style.CYCLE[0], "the global default is untouched"


def _draw(make):
    fig = make()
    fig.savefig(io.BytesIO(), format="png", dpi=20)


def test_drawing_every_figure_from_threads_leaves_rcparams_unchanged():
    """Each thread draws every figure (rendering each is left to the test below)."""
    import matplotlib.pyplot as plt

    _draw(FIGURES["style.new_figure"])  # once first: pyplot's backend settles
    for make in FIGURES.values():  # and every module's imports and caches
        make()
    before = dict(matplotlib.rcParams)
    open_before = plt.get_fignums()
    errors = []

    def work(offset):
        try:
            makers = list(FIGURES.values())
            for make in makers[offset:] + makers[:offset]:  # each thread in its own order
                make()
            for _ in range(10):  # many figure factories at once: where rc_context raced
                style.new_figure(2, 1)
        except Exception as exc:  # reported below, with the thread's figure
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)  # switch threads often, so that a race shows
    try:
        threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        sys.setswitchinterval(interval)
    assert not any(thread.is_alive() for thread in threads), "a drawing thread hung"
    assert errors == []
    after = dict(matplotlib.rcParams)
    changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    assert changed == {}
    assert plt.get_fignums() == open_before, "every figure is closed in pyplot"


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_each_figure_leaves_rcparams_unchanged(name):
    FIGURES[name]()
    before = dict(matplotlib.rcParams)
    _draw(FIGURES[name])
    assert dict(matplotlib.rcParams) == before


# Drawn at display size: notebooks get retina PNG (twice the pixels of the size shown), widgets
# get SVG (no pixels to stretch). JupyterLab shows a PNG with width metadata at that width.


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_each_figure_shown_inline_has_two_pixels_per_css_pixel(name):
    """What the kernel's retina formatter sends, for every figure: no upscaling at ratio 2."""
    from IPython.core.pylabtools import retina_figure
    from PIL import Image

    png, shown = retina_figure(FIGURES[name](), bbox_inches="tight")
    pixels = Image.open(io.BytesIO(png)).size
    assert shown["width"] > 0 and shown["height"] > 0
    assert pixels[0] >= style.PIXEL_RATIO * shown["width"]
    assert pixels[1] >= style.PIXEL_RATIO * shown["height"]


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_each_figure_as_svg_is_vector_only_and_reproducible(name):
    """A widget's SVG holds no raster to stretch, and the same figure gives the same bytes."""
    first, second = style.figure_svg(FIGURES[name]()), style.figure_svg(FIGURES[name]())
    assert first == second, "random ids or a date in the SVG"
    assert b"<image" not in first
    assert b"<dc:date>" not in first
    assert b"<text" not in first, "text is drawn as paths (svg.fonttype 'path')"


KERNEL_SCRIPT = r"""
import base64, io, json
from IPython.core.interactiveshell import InteractiveShell
from matplotlib_inline.backend_inline import InlineBackend, configure_inline_support
from PIL import Image

shell = InteractiveShell.instance()
configure_inline_support(shell, "module://matplotlib_inline.backend_inline")
from netcourse.plots.cidr import bits_figure
report = {}
for chosen in (None, {"svg"}):
    if chosen:
        InlineBackend.instance().figure_formats = chosen
    data, meta = shell.display_formatter.format(bits_figure("10.0.2.3/16"))
    png = data.get("image/png")
    report[str(chosen)] = {
        "types": sorted(data),
        "pixels": None if png is None else Image.open(io.BytesIO(base64.b64decode(png))).size,
        "shown": meta.get("image/png"),
    }
print(json.dumps(report))
"""


def test_in_a_kernel_the_course_turns_inline_figures_to_retina_and_keeps_a_learner_choice():
    """A real IPython shell with matplotlib's inline backend, in its own process."""
    import json
    import os
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", KERNEL_SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline"},
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    default = report["None"]
    assert default["types"] == ["image/png", "text/plain"]  # the types nbval compares
    assert (
        default["shown"] and default["pixels"][0] >= style.PIXEL_RATIO * default["shown"]["width"]
    )
    assert report["{'svg'}"]["types"] == ["image/svg+xml", "text/plain"], "the learner's choice"
