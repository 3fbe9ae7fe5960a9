"""The home switch's part of the journey, decided by lesson 02's :class:`netcourse.switch.Switch`.

The switch sees the laptop's ARP broadcast (flooded), the router's ARP reply, then the data
frame; by then it has learned where both MAC addresses live and forwards out of one port.

Taught in notebooks/06-packet-journey.ipynb.
"""

from __future__ import annotations

from netcourse.journey.events import Table, device_reads

#: Nothing public: ``request`` and ``reply`` are the runner's hooks for the home switch.
__all__: list[str] = []


def ports(runner) -> dict[int, str]:
    """Which device sits behind each port of the home switch."""
    sc = runner.sc
    return {
        sc.laptop.switch_port: sc.laptop.name,
        sc.neighbour.switch_port: sc.neighbour.name,
        sc.router.switch_port: "home router",
    }


def _table(decision, names: dict[str, str], dst: str) -> Table:
    entries = decision.table.entries
    rows = tuple((str(e.port), e.mac, names.get(e.mac, "?"), str(e.vlan)) for e in entries)
    match = next((i for i, e in enumerate(entries) if e.mac == dst), None)
    return Table(
        "forwarding table (home switch)", ("port", "MAC address", "device", "VLAN"), rows, match
    )


def _names(runner) -> dict[str, str]:
    sc = runner.sc
    return {
        sc.laptop.mac: sc.laptop.name,
        sc.neighbour.mac: sc.neighbour.name,
        sc.router.lan_mac: "home router",
    }


def request(runner) -> None:
    """The switch carried the ARP exchange; now it forwards the laptop's frame to the router."""
    sc = runner.sc
    lan = runner.st.lan
    flood = runner.arp_request.decision
    decision = lan.send(sc.laptop.name, runner.st.frame, "request").decision
    names = _names(runner)
    out = ", ".join(map(str, decision.out_ports)) or "none"
    if runner.st.segment == "SYN":
        why = (
            "The switch reads only MAC addresses: it flooded the ARP broadcast to ports "
            f"{', '.join(map(str, flood.out_ports))}, learned each sender's port, and now "
            f"{decision.reason}."
        )
    else:
        why = f"Still only MAC addresses, learned during the ARP exchange: {decision.reason}."
    runner.add(
        zone="home",
        device="home switch",
        kind="switch",
        layer=2,
        table=_table(decision, names, decision.dst),
        decision=f"{decision.action} out of port {out}",
        why=why,
        ok=decision.action == "forward",
        reads=device_reads("switch"),
        decided_by="the home switch's forwarding table",
    )


def reply(runner) -> None:
    """The switch forwards the reply from the router's port to the laptop's port."""
    decision = runner.st.lan.send("home router", runner.st.frame, "reply").decision
    out = ", ".join(map(str, decision.out_ports)) or "none"
    runner.add(
        zone="home",
        device="home switch",
        kind="switch",
        layer=2,
        table=_table(decision, _names(runner), decision.dst),
        decision=f"{decision.action} out of port {out}",
        why=f"Still only MAC addresses: {decision.reason}, learned when the laptop sent its ARP "
        "request.",
        ok=decision.action == "forward",
        reads=device_reads("switch"),
        decided_by="the home switch's forwarding table",
    )
