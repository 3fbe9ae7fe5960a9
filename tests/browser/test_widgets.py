"""Drive the course's main widgets in a real browser as a learner would, and check the screen.

Each test writes a one-cell scratch notebook that creates the widget, runs it in the session's
JupyterLab, then types, clicks and selects, and asserts what changes on screen. Every lesson's
widget exists, so a widget module that fails to import fails its test.
Screenshots go to artifacts/screenshots/widget-*.png.
"""

from __future__ import annotations

import importlib
import re
from contextlib import contextmanager

import pytest
from labdriver import NOTEBOOK_RUN_TIMEOUT_MS

pytestmark = pytest.mark.browser
#: How long the screen may take to follow one interaction (a kernel round trip and a redraw).
UPDATE_MS = 20_000


def _require(module: str):
    """The widget module under test; every lesson's widget exists, so a missing one fails."""
    return importlib.import_module(module)


@contextmanager
def widget_cell(lab, lab_page, name: str, source: str):
    """Run a one-cell scratch notebook; yield the locator of its rendered widget output."""
    from playwright.sync_api import expect

    widget_id = lab_page.open(lab.write_notebook(f"{name}.ipynb", [source]))
    try:
        lab_page.run_all(widget_id, NOTEBOOK_RUN_TIMEOUT_MS)
        (report,) = lab_page.cell_reports(widget_id)
        assert not report.problems(), report.problems()
        assert report.widgetOutputs == 1, f"the cell must return the widget: {report}"
        output = lab_page.output(widget_id, 0)
        expect(output.locator(".jupyter-widgets").first).to_be_visible(timeout=UPDATE_MS)
        yield output
    finally:
        lab_page.close(widget_id)


def _shot(lab_page, locator, screenshots, name: str) -> None:
    """Screenshot the whole widget once the kernel is idle (every update shown), uncropped."""
    lab_page.settle()
    page = locator.page
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 2000})
    try:
        locator.scroll_into_view_if_needed()
        locator.screenshot(path=str(screenshots / f"widget-{name}.png"))
    finally:
        page.set_viewport_size(size)


def test_subnet_calculator_updates_as_the_learner_types(lab, lab_page, screenshots):
    _require("netcourse.widgets.cidr")
    from playwright.sync_api import expect

    source = 'from netcourse.widgets.cidr import SubnetCalculator\nSubnetCalculator("10.0.2.3/16")'
    with widget_cell(lab, lab_page, "subnet-calculator", source) as output:
        details = output.locator(".netcourse-subnet")
        expect(details).to_contain_text("10.0.0.0/16", timeout=UPDATE_MS)
        box = output.locator(".widget-text input").first
        box.fill("")
        box.press_sequentially("192.168.1.77/26", delay=15)  # updates on every keystroke
        expect(details).to_contain_text("192.168.1.64/26", timeout=UPDATE_MS)
        expect(details).to_contain_text("255.255.255.192", timeout=UPDATE_MS)
        net_bits = output.locator(".netcourse-binary .net-bits").first
        expect(net_bits).to_have_text(re.compile(r"^[01.]+$"), timeout=UPDATE_MS)
        assert len(net_bits.inner_text().replace(".", "")) == 26
        split = output.locator(".netcourse-split")
        expect(split.locator("xpath=..")).to_contain_text("192.168.1.64/26 splits into")
        _shot(lab_page, output, screenshots, "subnet-calculator")

        box.fill("10.0.2.300/24")  # a typo shows inline, the widget keeps working
        error = output.locator(".netcourse-error")
        expect(error).to_contain_text("300", timeout=UPDATE_MS)
        expect(output).not_to_contain_text("Traceback")
        _shot(lab_page, output, screenshots, "subnet-calculator-error")
        box.fill("10.0.2.30/24")
        expect(error).to_have_count(0, timeout=UPDATE_MS)
        expect(details).to_contain_text("10.0.2.0/24", timeout=UPDATE_MS)

        # keyboard only: Tab from the address box reaches the prefix slider; arrows move it
        box.focus()
        box.press("Tab")
        page = output.page
        focused = page.evaluate("() => document.activeElement.className")
        assert "noUi-handle" in focused, f"Tab from the address box landed on {focused!r}"
        page.keyboard.press("ArrowRight")
        expect(details).to_contain_text("10.0.2.0/25", timeout=UPDATE_MS)
        expect(box).to_have_value("10.0.2.30/25", timeout=UPDATE_MS)


def test_journey_steps_forward_and_back(lab, lab_page, screenshots):
    _require("netcourse.widgets.journey")
    from playwright.sync_api import expect

    source = 'from netcourse.widgets.journey import JourneyStepper\nJourneyStepper("healthy")'
    with widget_cell(lab, lab_page, "journey", source) as output:
        header = output.locator(".widget-html", has_text=re.compile(r"step \d+/\d+")).first
        expect(header).to_contain_text("step 1/", timeout=UPDATE_MS)
        total = int(re.search(r"step 1/(\d+)", header.inner_text()).group(1))
        first_device = header.inner_text()
        path = output.locator(".netcourse-path").first
        forward = output.get_by_role("button", name=re.compile("next"))
        back = output.get_by_role("button", name=re.compile("previous"))
        forward.click()
        expect(header).to_contain_text("step 2/", timeout=UPDATE_MS)
        forward.click()
        expect(header).to_contain_text("step 3/", timeout=UPDATE_MS)
        assert header.inner_text() != first_device
        lit = path.locator("td[style*='bold']")  # the current device, lit on the path
        expect(lit).to_have_text("laptop", timeout=UPDATE_MS)
        _shot(lab_page, output, screenshots, "journey")
        back.click()
        expect(header).to_contain_text("step 2/", timeout=UPDATE_MS)
        back.click()
        back.click()  # clamped at the first step
        expect(header).to_contain_text("step 1/", timeout=UPDATE_MS)
        assert total >= 3

        # keyboard only: focus the next button and press Enter
        forward.focus()
        forward.press("Enter")
        expect(header).to_contain_text("step 2/", timeout=UPDATE_MS)


def test_journey_stepper_fits_one_screen_with_controls_and_changed_bytes(
    lab, lab_page, screenshots
):
    """At 1440×900 the stepper, its controls and the bytes that changed are on screen together,
    at the NAT step (a long table) as at the first."""
    _require("netcourse.widgets.journey")
    from playwright.sync_api import expect

    source = 'from netcourse.widgets.journey import JourneyStepper\nJourneyStepper("healthy")'
    page = lab_page.page
    size = page.viewport_size
    page.set_viewport_size({"width": 1440, "height": 900})
    with widget_cell(lab, lab_page, "journey-fit", source) as output:
        stepper = output.locator(".netcourse-journey").first
        header = output.locator(".widget-html", has_text=re.compile(r"step \d+/\d+")).first
        expect(header).to_contain_text("step 1/", timeout=UPDATE_MS)
        forward = output.get_by_role("button", name=re.compile("next"))
        controls = output.locator(".netcourse-journey-controls").first
        changes = output.locator(".netcourse-journey-panes").first
        for step in range(2, 8):  # to the home router's NAT, the longest changed-fields table
            forward.click()
            expect(header).to_contain_text(f"step {step}/", timeout=UPDATE_MS)
            lab_page.settle()
            stepper.scroll_into_view_if_needed()
            expect(changes).to_contain_text("this device", timeout=UPDATE_MS)
            box = stepper.bounding_box()
            assert box is not None and box["height"] <= 900, (step, box)
            page.evaluate("el => el.scrollIntoView({block: 'start'})", stepper.element_handle())
            for part in (controls, changes):
                part_box = part.bounding_box()
                assert part_box is not None, part
                assert part_box["y"] >= 0 and part_box["y"] + part_box["height"] <= 900, (
                    step,
                    part_box,
                )
        expect(changes).to_contain_text("198.51.100.23", timeout=UPDATE_MS)  # NAT's new source
        lit = output.locator(".netcourse-path td[style*='bold']")
        expect(lit).to_have_text("home router", timeout=UPDATE_MS)
        page.screenshot(path=str(screenshots / "widget-journey-fit.png"))
        # every layer and byte, in the inspector's own tree and bytes: NAT's rewritten bytes
        # lit, and a click on one of them selects its field, as in the inspector
        output.locator(".lm-AccordionPanel-title, .jupyter-widget-Collapse-header").first.click()
        rewritten = output.locator(".nc-fb-hex .nc-fb-byte.nc-mark-solid")
        expect(rewritten.first).to_be_visible(timeout=UPDATE_MS)
        rewritten.first.click()
        selected = output.locator(".nc-fb-tree .nc-fb-row.nc-fb-selected")
        expect(selected).to_have_count(1, timeout=UPDATE_MS)
        expect(output.locator(".nc-fb-hex .nc-fb-byte.nc-mark-field").first).to_be_visible(
            timeout=UPDATE_MS
        )
    page.set_viewport_size(size)


def test_journey_shows_where_a_broken_scenario_stops(lab, lab_page, screenshots):
    _require("netcourse.widgets.journey")
    from playwright.sync_api import expect

    source = (
        'from netcourse.widgets.journey import JourneyStepper\nJourneyStepper("sg-missing-port")'
    )
    with widget_cell(lab, lab_page, "journey-broken", source) as output:
        header = output.locator(".widget-html", has_text=re.compile(r"step \d+/\d+")).first
        expect(header).to_contain_text("step 1/", timeout=UPDATE_MS)
        total = int(re.search(r"step 1/(\d+)", header.inner_text()).group(1))
        slider_end = output.get_by_role("button", name=re.compile("next"))
        for step in range(2, total + 1):  # bounded: one click per event of the journey
            slider_end.click()
            expect(header).to_contain_text(f"step {step}/", timeout=UPDATE_MS)
        expect(header).to_contain_text("stopped here", timeout=UPDATE_MS)
        expect(header).to_contain_text("sg-", timeout=UPDATE_MS)
        _shot(lab_page, output, screenshots, "journey-blocked")


def test_inspector_highlights_the_bytes_of_the_selected_field(lab, lab_page, screenshots):
    _require("netcourse.widgets.packets")
    from playwright.sync_api import expect

    from netcourse.packets import dissect, frame

    first = dissect(frame("http", 1))  # the model says where each field's bytes are
    source = 'from netcourse.widgets.packets import Inspector\nInspector("http")'
    with widget_cell(lab, lab_page, "inspector", source) as output:
        tree = output.locator(".netcourse-fields .nc-fb-tree").first
        expect(tree).to_be_visible(timeout=UPDATE_MS)
        marks = output.locator(".netcourse-hex .nc-fb-byte.nc-mark-field")
        rows = tree.locator(".nc-fb-row")
        labels = rows.all_inner_texts()
        for layer, name in (("IP", "ttl"), ("TCP", "sport"), ("IP", "src")):
            fld = first[layer][name]
            index = next(
                i
                for i, text in enumerate(labels)
                if text.strip().startswith(f"{name}:") and _layer_of(labels, i) == layer
            )
            rows.nth(index).click()
            expect(marks).to_have_count(fld.length, timeout=UPDATE_MS)
            offsets = [int(mark.get_attribute("data-offset")) for mark in marks.all()]
            assert offsets == list(range(fld.offset, fld.offset + fld.length)), (layer, name)
            if name == "sport":
                _shot(lab_page, output, screenshots, "inspector")


def _layer_of(labels: list[str], index: int) -> str:
    """The layer heading (a line starting with the triangle) above option ``index``."""
    for text in reversed(labels[: index + 1]):
        if text.lstrip().startswith("▾"):
            return text.split(":")[0].split()[-1]
    return ""


def test_firewall_lab_verdict_follows_the_edited_rule(lab, lab_page, screenshots):
    _require("netcourse.widgets.firewall")
    from playwright.sync_api import expect

    from netcourse.firewall import Firewall
    from netcourse.firewall.examples import EXAMPLES

    seed = EXAMPLES["seed-rule"]
    edited = seed.ruleset.replace("-j ACCEPT", "-j DROP")
    before = Firewall.from_iptables(seed.ruleset).evaluate(seed.packet, chain=seed.chain)
    after = Firewall.from_iptables(edited).evaluate(seed.packet, chain=seed.chain)
    assert before.action != after.action  # the edit matters to the model
    source = 'from netcourse.widgets.firewall import FirewallLab\nFirewallLab("seed-rule")'
    with widget_cell(lab, lab_page, "firewall", source) as output:
        verdict = output.locator(".netcourse-verdict")
        expect(verdict).to_contain_text(before.action, timeout=UPDATE_MS)
        ruleset = output.locator("textarea").first
        assert ruleset.input_value().strip() == seed.ruleset.strip()
        ruleset.fill(edited)  # the textarea syncs on every keystroke
        expect(verdict).to_contain_text(after.action, timeout=UPDATE_MS)
        _shot(lab_page, output, screenshots, "firewall")
        ruleset.fill(edited.replace("-j DROP", "-j BOGUS"))  # a typo: inline error, no crash
        expect(output.locator(".netcourse-error")).to_contain_text("BOGUS", timeout=UPDATE_MS)
        ruleset.fill(seed.ruleset)
        expect(output.locator(".netcourse-error")).to_have_count(0, timeout=UPDATE_MS)
        expect(verdict).to_contain_text(before.action, timeout=UPDATE_MS)


#: Finds what a learner would see as broken layout inside a widget: an element sticking out
#: of the output area (or scrolling it sideways), two controls of one row overlapping, a
#: row whose controls wrapped onto a second line or were squeezed below the width they ask
#: for, or a label cut short. Only visible elements count.
_LAYOUT_PROBLEMS = """(root) => {
  const problems = [];
  const box = root.getBoundingClientRect();
  const visible = (e) => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== "hidden"; };
  const name = (e) => (e.className || e.tagName).toString().slice(0, 60) + " '" +
    (e.innerText || "").trim().slice(0, 30) + "'";
  if (root.scrollWidth > root.clientWidth + 1) problems.push("the output scrolls sideways");
  for (const e of root.querySelectorAll(".jupyter-widgets, table, img, textarea, input, select")) {
    if (!visible(e)) continue;
    const r = e.getBoundingClientRect();
    if (r.right > box.right + 1 || r.left < box.left - 1) problems.push("sticks out: " + name(e));
  }
  for (const row of root.querySelectorAll(".widget-hbox, .widget-box:not(.widget-vbox)")) {
    if (!visible(row)) continue;
    const kids = [...row.children].filter(visible).map((e) => [e, e.getBoundingClientRect()]);
    for (let i = 1; i < kids.length; i++) {
      const [a, ra] = kids[i - 1], [b, rb] = kids[i];
      // wrapped: the next control starts under the previous one (centred rows of controls
      // of different heights have different tops, and are not wrapped)
      if (rb.top >= ra.bottom - 1) problems.push("row wraps at: " + name(b));
      else if (rb.left < ra.right - 1) problems.push("overlap: " + name(a) + " / " + name(b));
    }
    for (const [e, r] of kids) {  // a full row squeezes its controls below the width asked
      const asked = e.style.width.endsWith("em")
        ? parseFloat(e.style.width) * parseFloat(getComputedStyle(e).fontSize)
        : e.style.width.endsWith("px") ? parseFloat(e.style.width) : 0;
      if (r.width < asked - 1) problems.push("squeezed: " + name(e));
    }
  }
  for (const label of root.querySelectorAll("label, .lm-TabBar-tabLabel")) {
    if (visible(label) && label.scrollWidth > label.clientWidth + 1)
      problems.push("label cut: " + name(label));
  }
  return problems;
}"""


def _layout_problems(output) -> list[str]:
    return output.evaluate(_LAYOUT_PROBLEMS)


def _tab(output, title: str):
    return output.locator(".lm-TabBar-tab", has_text=title).first


def _field(output, label: str):
    """The input of the control whose description is ``label``."""
    return (
        output.locator(".widget-inline-hbox", has=output.page.locator(f'label:text-is("{label}")'))
        .locator("input")
        .first
    )


def test_ruleset_inspector_reads_a_real_ruleset_and_survives_bad_input(lab, lab_page, screenshots):
    _require("netcourse.widgets.firewall")
    from playwright.sync_api import expect

    from netcourse.data import path
    from netcourse.firewall import Firewall, Packet

    ufw = path("rulesets", "ufw-server.rules").read_text()
    fw = Firewall.from_iptables(ufw)

    def action(dport: int) -> str:  # what the model says, to compare with the screen
        pkt = Packet("tcp", src="203.0.113.5", dst="198.18.0.2", dport=dport, in_iface="eth0")
        return fw.traverse(pkt, interfaces={"eth0": "198.18.0.2/24"}).action

    assert (action(443), action(3306)) == ("ACCEPT", "DROP")
    source = (
        "from netcourse.widgets.firewall import RulesetInspector\n"
        'RulesetInspector("ufw-server.rules", interfaces="eth0=198.18.0.2/24")'
    )
    with widget_cell(lab, lab_page, "ruleset-inspector", source) as output:
        summary = output.locator(".netcourse-summary")
        expect(summary).to_contain_text("iptables-save output (IPv4)", timeout=UPDATE_MS)
        expect(output.locator("img").first).to_be_visible(timeout=UPDATE_MS)
        _tab(output, "open to NEW").click()
        expect(output.locator("table", has_text="tcp 22, 80, 443").first).to_be_visible(
            timeout=UPDATE_MS
        )
        _tab(output, "lint").click()
        expect(output.get_by_text("no findings").first).to_be_visible(timeout=UPDATE_MS)
        _tab(output, "trace a packet").click()
        dport = _field(output, "dport")
        dport.fill("443")
        dport.press("Enter")
        trace = output.locator(".widget-html", has_text="delivered").last
        expect(trace).to_contain_text(action(443), timeout=UPDATE_MS)
        dport.fill("3306")
        dport.press("Enter")
        expect(trace).to_contain_text(action(3306), timeout=UPDATE_MS)
        source_field = _field(output, "source")
        source_field.fill("203.0.113.500")  # a typo: inline error in the trace tab
        source_field.press("Enter")
        expect(output.locator(".netcourse-error")).to_contain_text("203.0.113.500")
        expect(output.locator(".netcourse-stale")).to_have_count(1, timeout=UPDATE_MS)
        source_field.fill("203.0.113.5")
        source_field.press("Enter")
        expect(output.locator(".netcourse-error")).to_have_count(0, timeout=UPDATE_MS)
        # a bad paste: the error names the target, the results on show are marked stale
        text = output.locator("textarea").first
        text.fill(ufw.replace("-j ufw-before-input", "-j BOGUS", 1))
        text.blur()
        expect(output.locator(".netcourse-error")).to_contain_text("BOGUS", timeout=UPDATE_MS)
        expect(output.locator(".netcourse-stale")).to_contain_text("still showing")
        expect(output.locator(".netcourse-stale-result").first).to_be_attached()
        text.fill(ufw)
        text.blur()
        expect(output.locator(".netcourse-error")).to_have_count(0, timeout=UPDATE_MS)
        expect(output.locator(".netcourse-stale-result")).to_have_count(0, timeout=UPDATE_MS)
        _shot(lab_page, output, screenshots, "ruleset-inspector")
        page, size = output.page, output.page.viewport_size
        try:  # a laptop's 1280x720 with the file browser open leaves the narrowest notebook
            for width, height, sidebar in ((1280, 800, False), (1920, 1080, False),
                                           (1280, 720, True)):  # fmt: skip
                page.set_viewport_size({"width": width, "height": height})
                if sidebar:
                    page.evaluate(
                        "async () => { window.jupyterapp.shell.activateById('filebrowser'); }"
                    )
                    assert page.evaluate("() => !window.jupyterapp.shell.leftCollapsed")
                for title in ("chains", "open to NEW", "lint", "trace a packet"):
                    _tab(output, title).click()
                    lab_page.settle()
                    output.scroll_into_view_if_needed()
                    assert _layout_problems(output) == [], (width, height, sidebar, title)
        finally:
            page.evaluate("async () => { window.jupyterapp.shell.collapseLeft(); }")
            page.set_viewport_size(size)


def test_vpc_explorer_names_the_blocking_component(lab, lab_page, screenshots):
    _require("netcourse.widgets.vpc")
    from playwright.sync_api import expect

    from netcourse.vpc import Vpc

    def blocker(example: str, dst: str) -> str | None:  # what the model says, to compare with
        return Vpc.example(example).reachability("internet", dst, 443, "tcp").blocked_by

    assert blocker("three-tier", "web") is None
    source = (
        "from netcourse.widgets.vpc import Explorer\n"
        'Explorer("three-tier", src="internet", dst="web", port=443)'
    )
    with widget_cell(lab, lab_page, "vpc", source) as output:
        verdict = output.locator(".widget-html", has_text=re.compile(r"reachable|blocked by"))
        expect(verdict.first).to_contain_text("reachable", timeout=UPDATE_MS)
        lab_page.settle()
        figure = output.locator("img").first
        reachable_figure = figure.get_attribute("src")
        # pick the broken example: the security group now blocks the same path
        output.locator(".widget-dropdown select").first.select_option("sg-missing-port")
        expected = blocker("sg-missing-port", "web")
        assert expected.startswith("sg-")
        expect(verdict.first).to_contain_text(f"blocked by {expected}", timeout=UPDATE_MS)
        _shot(lab_page, output, screenshots, "vpc")
        assert figure.get_attribute("src") != reachable_figure, "the figure follows the path"
        # pick another destination by typing it, as a learner would
        destination = output.locator("input[list]").nth(1)  # the Combobox widgets
        destination.fill("db")
        destination.press("Enter")
        expected = blocker("sg-missing-port", "db")
        expect(verdict.first).to_contain_text(f"blocked by {expected}", timeout=UPDATE_MS)
        # "or every hop in the *hop by hop* tab": a click opens it, and the hops are shown
        hops_tab = output.locator('.lm-TabBar-tab:has(.lm-TabBar-tabLabel:text-is("hop by hop"))')
        hops = output.locator(".widget-tab-contents table").last
        expect(hops).to_be_hidden()
        hops_tab.click()
        expect(hops_tab).to_have_class(re.compile(r"\blm-mod-current\b"), timeout=UPDATE_MS)
        expect(hops).to_be_visible(timeout=UPDATE_MS)
        expect(hops).to_contain_text(expected, timeout=UPDATE_MS)


#: Screen sizes the inspector must fit without overflow, overlap or rows wrapping.
_SIZES = [(1280, 800), (1920, 1080)]


def test_inspector_colours_follows_and_goes_to_expert_frames(lab, lab_page, screenshots):
    _require("netcourse.widgets.packets")
    from playwright.sync_api import expect

    from netcourse.packets import expert, follow
    from netcourse.style import PACKET_COLOURING_RULES

    bad = next(r for r in PACKET_COLOURING_RULES if r.name == "Bad TCP")
    first_bad = min(item.frame for item in expert("impaired"))
    rgb = "rgb({}, {}, {})".format(*(int(bad.background[i : i + 2], 16) for i in (1, 3, 5)))
    source = 'from netcourse.widgets.packets import Inspector\nInspector("impaired")'
    with widget_cell(lab, lab_page, "inspector-panes", source) as output:
        page = output.page
        body = output.locator(".netcourse-packet-list .nc-plist-body")
        expect(body).to_be_visible(timeout=UPDATE_MS)
        row_height = body.evaluate("(b) => b.querySelector('.nc-plist-row').offsetHeight")
        body.evaluate("(b, top) => { b.scrollTop = top; }", (first_bad - 1) * row_height)
        option = output.locator(f'.netcourse-packet-list .nc-plist-row[data-number="{first_bad}"]')
        expect(option).to_be_attached(timeout=UPDATE_MS)
        lab_page.settle()
        colour = option.evaluate("(el) => getComputedStyle(el).backgroundColor")
        assert colour == rgb, f"frame {first_bad} is bad TCP: {colour}"

        tabs = output.locator(".lm-TabBar-tab")
        expect(tabs.first).to_contain_text("Follow TCP Stream", timeout=UPDATE_MS)
        pane = output.locator(".netcourse-follow-pane")
        expect(pane).to_contain_text("TCP stream 0", timeout=UPDATE_MS)
        gap = follow("impaired", 0).gaps
        if gap:
            expect(pane).to_contain_text(str(gap[0]), timeout=UPDATE_MS)
        client = pane.locator(".netcourse-follow-client pre").first
        assert "rgb(213, 94, 0)" == client.evaluate("(el) => getComputedStyle(el).color")
        for width, height in _SIZES:
            page.set_viewport_size({"width": width, "height": height})
            lab_page.settle()
            problems = _layout_problems(output)
            assert not problems, (width, height, problems)
        page.set_viewport_size({"width": 1280, "height": 900})
        _shot(lab_page, output, screenshots, "inspector-follow")

        output.get_by_role("button", name="filter on this stream").click()
        box = output.locator(".widget-text input").first
        expect(box).to_have_value("tcp.stream eq 0", timeout=UPDATE_MS)

        tabs.nth(1).click()
        experts = output.locator(".netcourse-expert-list select")
        expect(experts).to_be_visible(timeout=UPDATE_MS)
        target = experts.locator("option", has_text="frame 205").first  # a frame of stream 1
        if not target.count():
            target = experts.locator("option", has_text="frame ").last
        number = int(target.inner_text().split()[-1])
        experts.select_option(value=target.get_attribute("value"))
        listing = output.locator(".netcourse-packet-list")
        expect(listing.locator(".nc-plist-row.nc-plist-selected")).to_have_attribute(
            "data-number", str(number), timeout=UPDATE_MS
        )
        expect(box).to_have_value("", timeout=UPDATE_MS)  # its filter hid the frame: cleared
        for width, height in _SIZES:
            page.set_viewport_size({"width": width, "height": height})
            lab_page.settle()
            assert not _layout_problems(output), (width, height)
        page.set_viewport_size({"width": 1280, "height": 900})
        _shot(lab_page, output, screenshots, "inspector-expert")
