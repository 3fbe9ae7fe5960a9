"""Checks for the exercises of notebooks/03-cidr-and-subnets.ipynb (solutions/ and exercises/).

Each exercise's question is declared once below (the notebooks quote it); the expected answer
is computed by :mod:`netcourse.cidr`, and no message gives it away.

>>> usable_hosts.feedback(subnet(USABLE_HOSTS_NET).usable_hosts).ok
True
>>> inside.feedback([]).ok
False
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from netcourse.checks import Feedback, correct, exercise, wrong
from netcourse.cidr import (
    CLOUD_PROVIDERS,
    cloud_subnet,
    contains,
    overlaps,
    plan,
    route_decision,
    subnet,
    summarize,
)
from netcourse.errors import AddressError

__all__ = [
    "USABLE_HOSTS_NET",
    "INSIDE_NET",
    "INSIDE_CANDIDATES",
    "BROADCAST_OF",
    "ROUTE_HOST",
    "ROUTE_GATEWAY",
    "ROUTE_DESTINATION",
    "PLAN_PARENT",
    "PLAN_NEEDS",
    "SUMMARIZE_NETS",
    "CLOUD_NET",
    "CLOUD_PROVIDER",
    "usable_hosts",
    "inside",
    "broadcast",
    "next_hop",
    "office_plan",
    "summary",
    "cloud_usable",
]

LESSON = "03-cidr-and-subnets"

#: Exercise "usable-hosts": how many hosts can be given an address in this network?
USABLE_HOSTS_NET = "172.16.5.64/27"
#: Exercise "inside": which of the candidates are inside this network?
INSIDE_NET = "192.168.1.0/24"
INSIDE_CANDIDATES = (
    "192.168.1.7",
    "192.168.2.7",
    "192.0.0.1",
    "192.168.1.255",
    "10.192.168.1",
    "192.168.1.0",
    "192.169.1.1",
)
#: Exercise "broadcast": the broadcast address of the network this address is in.
BROADCAST_OF = "10.20.37.200/21"
#: Exercise "next-hop": whose MAC address does the host look up (ARP) to send this packet?
ROUTE_HOST, ROUTE_GATEWAY, ROUTE_DESTINATION = "10.0.1.7/24", "10.0.1.1", "10.0.2.13"
#: Exercise "office-plan": one subnet per department, each the smallest that fits.
PLAN_PARENT = "192.168.20.0/24"
PLAN_NEEDS = {"sales": 50, "developers": 100, "printers": 5, "wifi-guests": 20}
#: Exercise "summary": the fewest networks covering exactly these.
SUMMARIZE_NETS = ("10.1.0.0/24", "10.1.1.0/24", "10.1.2.0/24", "10.1.3.0/24")
#: Exercise "cloud-usable": how many addresses can instances get in this subnet, in this cloud?
CLOUD_NET, CLOUD_PROVIDER = "10.0.8.0/26", "azure"


def _as_text(answer: object) -> str | None:
    return answer.strip() if isinstance(answer, str) else None


@exercise(LESSON, "usable-hosts")
def usable_hosts(answer: int) -> Feedback:
    """How many usable hosts in USABLE_HOSTS_NET (an int)."""
    net = subnet(USABLE_HOSTS_NET)
    if isinstance(answer, bool) or not isinstance(answer, int):
        return wrong(
            f"expected a whole number, got {type(answer).__name__}.",
            "use an int.",
            mistake="wrong-type",
        )
    if answer == net.usable_hosts:
        return correct(
            f"a /{net.prefixlen} leaves {32 - net.prefixlen} host bits; two of those addresses "
            "(network and broadcast) cannot be given to a host."
        )
    if answer == net.size:
        return wrong(
            "that counts every address in the block.",
            "two addresses in each block cannot be given to a host: which ones?",
            mistake="counts-every-address",
        )
    if answer == net.size - 1:
        return wrong(
            "that takes one address off the block, but two cannot be given to a host.",
            "the first address names the network; which one is the last?",
            mistake="subtracts-one",
        )
    if answer == 32 - net.prefixlen:
        return wrong(
            "that is the number of host bits, not of hosts.",
            "those bits can be set in 2 to the power of their number ways; two of them are kept.",
            mistake="host-bits",
        )
    return wrong(
        "that is not the number of usable hosts.",
        "count the host bits (32 minus the prefix), raise 2 to that power, then subtract the "
        "network and broadcast addresses.",
        mistake="other",
    )


@exercise(LESSON, "inside")
def inside(answer: Iterable[str]) -> Feedback:
    """Which of INSIDE_CANDIDATES lie inside INSIDE_NET (a list or set of strings)."""
    if isinstance(answer, str) or not isinstance(answer, Iterable):
        return wrong("expected a list of addresses, like ['192.0.2.1', ...].", mistake="wrong-type")
    given = {str(item).strip() for item in answer}
    unknown = given - set(INSIDE_CANDIDATES)
    if unknown:
        return wrong(
            f"{sorted(unknown)} is not among the candidates.",
            "pick from INSIDE_CANDIDATES.",
            mistake="not-a-candidate",
        )
    expected = {addr for addr in INSIDE_CANDIDATES if contains(INSIDE_NET, addr)}
    if given == expected:
        return correct(
            f"{INSIDE_NET} fixes the first 24 bits: only addresses starting with those three "
            "numbers are inside, including the network and broadcast addresses themselves."
        )
    net = subnet(INSIDE_NET)
    ends = {net.network.split("/")[0], net.broadcast}
    extra, missing = sorted(given - expected), sorted(expected - given)
    parts = []
    if extra:
        parts.append(f"{len(extra)} of your addresses {'is' if len(extra) == 1 else 'are'} outside")
    if missing:
        parts.append(f"{len(missing)} inside address{'' if len(missing) == 1 else 'es'} missing")
    message = "; ".join(parts) + "."
    shown = INSIDE_NET.split("/")[0].split(".")
    fixed = net.prefixlen // 8  # the whole numbers the prefix fixes
    for addr in extra:
        numbers = addr.split(".")
        if numbers[:fixed] != shown[:fixed] and set(shown[:fixed]) <= set(numbers):
            return wrong(
                message,
                "the numbers of the network must stand in the same places, from the left: "
                "an address that holds them elsewhere is outside.",
                mistake="numbers-elsewhere",
            )
        if numbers[0] == shown[0]:
            return wrong(
                message,
                f"a /{net.prefixlen} fixes the first {fixed} numbers: an address that shares "
                "fewer of them is outside. Compare each candidate with contains(INSIDE_NET, addr).",
                mistake="too-few-numbers",
            )
    if missing and not extra and set(missing) <= ends:
        return wrong(
            message,
            "the network address and the broadcast address belong to the block too, even "
            "though neither can be given to a host.",
            mistake="left-out-ends",
        )
    return wrong(
        message,
        "compare each candidate with contains(INSIDE_NET, addr).",
        mistake="wrong-selection",
    )


@exercise(LESSON, "broadcast")
def broadcast(answer: str) -> Feedback:
    """The broadcast address of BROADCAST_OF's network (a string)."""
    text = _as_text(answer)
    if text is None:
        return wrong("expected the address as a string, like '192.0.2.255'.", mistake="wrong-type")
    net = subnet(BROADCAST_OF)
    try:
        given = subnet(text)
    except AddressError as exc:
        return wrong(
            f"that is not an address: {exc}",
            "write four numbers separated by dots.",
            mistake="unreadable",
        )
    if given.prefixlen != 32:
        return wrong("expected one address, without a prefix.", mistake="has-prefix")
    if given.address == net.broadcast:
        return correct("the broadcast address is the network with every host bit set to 1.")
    if given.address == net.network.split("/")[0]:
        return wrong(
            "that is the network address (host bits all 0).",
            "set every host bit to 1 instead.",
            mistake="network-address",
        )
    if given.address == subnet(BROADCAST_OF).address:
        return wrong(
            "that is the address itself, not the broadcast address of its network.",
            "keep the network bits, then set every host bit to 1.",
            mistake="the-address",
        )
    third = 32 - net.prefixlen - 8  # host bits in the third number
    if given.address == subnet(f"{subnet(BROADCAST_OF).address}/24").broadcast:
        return wrong(
            f"that is the broadcast address of a /24; a /{net.prefixlen} has host bits in the "
            "third number too.",
            f"write the third number in binary: its last {third} bits belong to the host part.",
            mistake="broadcast-of-24",
        )
    if given.address == subnet(f"{subnet(BROADCAST_OF).address}/16").broadcast:
        return wrong(
            "that sets every bit of the third number to 1, the broadcast address of a /16.",
            f"only the last {third} bits of the third number belong to the host part.",
            mistake="whole-third-number",
        )
    if given.address.endswith(".255"):
        return wrong(
            "that ends in .255 as it should, but the third number is not the network's last.",
            f"write the third number in binary: only its last {third} bits belong to the host "
            "part, and all of them are 1 in the broadcast address.",
            mistake="ends-in-255",
        )
    return wrong(
        "that is not the broadcast address of this network.",
        "find the network first (keep 21 bits, zero the rest), then set the host bits to 1.",
        mistake="other",
    )


@exercise(LESSON, "next-hop")
def next_hop(answer: str) -> Feedback:
    """Whose MAC the host at ROUTE_HOST looks up to send to ROUTE_DESTINATION (an address)."""
    text = _as_text(answer)
    if text is None:
        return wrong("expected an address as a string.", mistake="wrong-type")
    decision = route_decision(ROUTE_HOST, ROUTE_DESTINATION, gateway=ROUTE_GATEWAY)
    try:
        given = subnet(text)
    except AddressError:
        return wrong(
            f"{text!r} is not an IP address.",
            "ARP asks for a MAC address by IP address: answer with that IP address, as text.",
            mistake="not-an-address",
        )
    text = given.address
    if text == decision.next_hop:
        return correct(
            "the destination is outside the host's subnet, so the frame goes to the gateway's "
            "MAC while the IP destination stays the same."
        )
    if text == ROUTE_DESTINATION:
        return wrong(
            "the host cannot ARP for that address.",
            "is the destination inside the host's own subnet? ARP only reaches that subnet.",
            mistake="the-destination",
        )
    if text == subnet(ROUTE_HOST).address:
        return wrong(
            "that is the sender itself.",
            "who forwards packets off the subnet?",
            mistake="the-sender",
        )
    return wrong(
        "that address plays no part in this delivery.",
        "look at the host's settings.",
        mistake="other",
    )


@exercise(LESSON, "office-plan")
def office_plan(answer: Mapping[str, str]) -> Feedback:
    """One subnet per department of PLAN_NEEDS inside PLAN_PARENT (a dict name -> 'a.b.c.d/p')."""
    if not isinstance(answer, Mapping):
        return wrong("expected a dict like {'sales': '192.0.2.0/26', ...}.", mistake="wrong-type")
    if set(answer) != set(PLAN_NEEDS):
        missing, extra = set(PLAN_NEEDS) - set(answer), set(answer) - set(PLAN_NEEDS)
        parts = [f"departments missing: {sorted(missing)}"] if missing else []
        parts += [f"not departments of PLAN_NEEDS: {sorted(extra)}"] if extra else []
        return wrong(
            "; ".join(parts) + ".",
            "use exactly the names in PLAN_NEEDS.",
            mistake="wrong-departments",
        )
    reference = plan(PLAN_PARENT, PLAN_NEEDS)
    nets = {}
    for name, text in answer.items():
        try:
            net = subnet(text)
        except AddressError as exc:
            return wrong(f"{name}: {exc}", mistake="unreadable")
        if net.address != net.network.split("/")[0]:
            return wrong(
                f"{name}: {text} has host bits set.",
                "write the network address of the block.",
                mistake="host-bits-set",
            )
        if not contains(PLAN_PARENT, net.network):
            return wrong(
                f"{name}: {net.network} is not inside {PLAN_PARENT}.", mistake="outside-parent"
            )
        if net.usable_hosts < PLAN_NEEDS[name]:
            return wrong(
                f"{name}: {net.network} is too small for {PLAN_NEEDS[name]} hosts.",
                "remember that two addresses per block are not usable.",
                mistake="too-small",
            )
        if net.prefixlen < reference[name].prefixlen:
            return wrong(
                f"{name}: {net.network} is bigger than it needs to be.",
                "use the smallest block whose usable hosts cover the need.",
                mistake="too-big",
            )
        nets[name] = net.network
    clashes = overlaps(nets.values())
    if clashes:
        return wrong(
            f"{len(clashes)} pair(s) of your subnets overlap, e.g. {clashes[0][0]} and "
            f"{clashes[0][1]}.",
            "place the biggest block first, then each next one right after the previous.",
            mistake="overlap",
        )
    return correct("every department has the smallest block that fits, with no overlaps.")


@exercise(LESSON, "summary")
def summary(answer: str | Iterable[str]) -> Feedback:
    """The fewest networks covering exactly SUMMARIZE_NETS (a string, or a list of them)."""
    given = [answer] if isinstance(answer, str) else answer
    if not isinstance(given, Iterable):
        return wrong(
            "expected a network like '10.0.0.0/8', or a list of them.", mistake="wrong-type"
        )
    try:
        nets = [subnet(text) for text in given]
    except AddressError as exc:
        return wrong(str(exc), mistake="unreadable")
    expected = set(summarize(SUMMARIZE_NETS))
    got = {net.network for net in nets}
    if got == expected:
        return correct("four neighbouring /24s that start on a multiple of 4 merge into one.")
    if set(summarize(got)) == expected:
        return wrong(
            "that covers the right addresses but with more networks than needed.",
            "merge neighbouring blocks.",
            mistake="not-fewest",
        )
    wanted = [subnet(text) for text in SUMMARIZE_NETS]
    covered = [any(contains(mine.network, net.network) for mine in nets) for net in wanted]
    if all(covered):
        return wrong(
            "that covers every address of the four networks, and others besides.",
            "a shorter prefix covers more: keep every bit the four networks share, no fewer.",
            mistake="covers-more",
        )
    return wrong(
        "that does not cover exactly the same addresses.",
        "write the third numbers 0-3 in binary: which bits do they share?",
        mistake="different-addresses",
    )


@exercise(LESSON, "cloud-usable")
def cloud_usable(answer: int) -> Feedback:
    """How many addresses instances can get in CLOUD_NET under CLOUD_PROVIDER's rules (an int)."""
    got = cloud_subnet(CLOUD_NET, CLOUD_PROVIDER)
    rules = CLOUD_PROVIDERS[CLOUD_PROVIDER]
    if isinstance(answer, bool) or not isinstance(answer, int):
        return wrong(
            f"expected a whole number, got {type(answer).__name__}.",
            "use an int.",
            mistake="wrong-type",
        )
    if answer == got.usable_hosts:
        return correct(
            f"{rules.name} keeps {len(rules.reserved)} addresses of every subnet: "
            + ", ".join(role for _, role in rules.reserved)
            + "."
        )
    if answer == got.subnet.usable_hosts:
        return wrong(
            "that is the count for a LAN, where only the network and broadcast addresses are lost.",
            f"{rules.name} keeps more addresses than a LAN does: look at cloud_subnet().",
            mistake="lan-count",
        )
    if answer == got.subnet.size:
        return wrong(
            "that counts every address in the block.",
            f"{rules.name} keeps some addresses of each subnet for itself: which ones?",
            mistake="whole-block",
        )
    others = {
        other.name
        for key, other in CLOUD_PROVIDERS.items()
        if key != CLOUD_PROVIDER and got.subnet.size - len(other.reserved) == answer
    }
    if others:
        return wrong(
            f"that is what {' and '.join(sorted(others))} would leave, not {rules.name}.",
            f"count the addresses {rules.name} itself reserves.",
            mistake="other-provider",
        )
    return wrong(
        "that is not the number of addresses instances can get.",
        "count the addresses in the block (2 to the power of the host bits), then subtract "
        f"the ones {rules.name} reserves.",
        mistake="other",
    )
