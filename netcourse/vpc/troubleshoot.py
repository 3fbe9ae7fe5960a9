"""Troubleshooting labs: a network with two or three faults at once, repaired one fix at a time.

A :class:`Lab` holds broken components and one question ("can the internet reach web on
HTTPS?"). :meth:`Lab.run` asks the course's models how far the packet gets and returns a
:class:`Stop`: delivered, or the component where it stopped and why. :meth:`Lab.fix` takes a
real fix in the course's vocabulary (``route="0.0.0.0/0 -> igw"``, ``sg="allow tcp 443 from
0.0.0.0/0"``, see :mod:`netcourse.vpc.fixes`), changes the components, runs again and returns
an :class:`Attempt` saying whether the packet now gets further. Nothing in a lab knows which
faults are fixed: only the models decide, on the components as they are now. A fix for a fault
the packet has not reached yet is kept, and the attempt says the packet still stops at the same
place.

This module has the lesson 05 labs (the VPC alone, :func:`troubleshoot`); the journey labs of
lesson 06 (laptop, home router, VPC and server) build on it in
:mod:`netcourse.journey.troubleshoot`.

Taught in notebooks/05-aws-vpc.ipynb.

>>> lab = troubleshoot("web-unreachable")
>>> lab.run().node
'security group'
>>> lab.fix(sg="allow tcp 443 from 0.0.0.0/0").after.node
'route table'
>>> lab.fix(route="0.0.0.0/0 -> igw").delivered
True
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from netcourse import data as package_data
from netcourse.errors import NetcourseError, VpcError, quote
from netcourse.vpc.fixes import (
    add_acl_entry,
    add_route,
    add_sg_rule,
    associate_route_table,
    check_loads,
)
from netcourse.vpc.loader import read_outputs
from netcourse.vpc.model import Vpc

__all__ = [
    "Stop",
    "Attempt",
    "Lab",
    "VpcLab",
    "LABS",
    "PROBES",
    "labs",
    "troubleshoot",
    "example_data",
    "vpc_changes",
]

#: Questions whose answer a repaired network must keep as the healthy one gives it:
#: (source, destination, port). A fix that opens one of them is too broad; one that closes it
#: breaks something that worked.
PROBES = (
    ("internet", "web", 22),
    ("internet", "web", 3389),
    ("internet", "app", 8080),
    ("internet", "db", 5432),
    ("web", "app", 8080),
    ("app", "db", 5432),
    ("app", "internet", 443),
    ("web", "internet", 443),
)

#: How each kind of hop of a reachability path is named where a learner reads it.
_NODES = {"network-acl": "network ACL", "vpc": "VPC"}


@dataclass(frozen=True)
class Stop:
    """How far the packet got on one run: ``delivered``, or where (``where``, a component id
    or device; ``node``, what kind of place) and why (``reason``) it stopped, on which ``leg``.
    ``passed`` counts the hops that let it on before."""

    lab: str
    run: int
    delivered: bool
    where: str
    node: str
    leg: str
    reason: str
    passed: int
    #: What ``passed`` counts: the hops of a reachability path, or the steps of a journey.
    unit: str = "hops"

    def same_place(self, other: Stop) -> bool:
        """Whether two runs stopped at the same component on the same leg."""
        return (self.delivered, self.where, self.leg) == (other.delivered, other.where, other.leg)

    @property
    def place(self) -> str:
        """Where it stopped, in a few words: ``sg-0a1b... (security group, request)``."""
        return "delivered" if self.delivered else f"{self.where} ({self.node}, {self.leg})"

    def __str__(self) -> str:
        if self.delivered:
            there = f"{self.passed} {self.unit}, there and back"
            return f"run {self.run}: delivered: the path is clean ({there})"
        return (
            f"run {self.run}: stops at {self.place} after {self.passed} {self.unit}: {self.reason}"
        )

    def __repr__(self) -> str:
        return f"<Stop {self.lab!r} {self}>"


@dataclass(frozen=True)
class Attempt:
    """One fix: what was asked, what it changed, and where the packet stops before and after."""

    number: int
    fix: str
    changed: tuple[str, ...]
    before: Stop
    after: Stop

    @property
    def delivered(self) -> bool:
        """Whether the packet is delivered after this fix."""
        return self.after.delivered

    @property
    def moved(self) -> bool:
        """Whether the packet stops somewhere else (further on) after this fix."""
        return not self.after.same_place(self.before)

    @property
    def message(self) -> str:
        """What the fix did, for the learner."""
        head = f"fix {self.number} ({self.fix})"
        if not self.changed:
            return (
                f"{head}: changed nothing (it was so already); the packet still stops at "
                f"{self.after.place}."
            )
        if self.after.delivered:
            return f"{head}: the path is clean: the reply comes back."
        if self.moved:
            return (
                f"{head}: the packet gets further. It now stops at {self.after.place}: "
                f"{self.after.reason}"
            )
        return (
            f"{head}: accepted ({', '.join(self.changed)} changed), but that's not where it "
            f"stops: the packet still stops at {self.after.place}."
        )

    def __repr__(self) -> str:
        return f"<Attempt {self.message}>"


def _diff(old: dict, new: dict) -> tuple[str, ...]:
    """The ids of the resources that differ between two describe-* dicts."""
    changed = []
    for key in sorted(set(old) | set(new)):
        before, after = _by_id(key, old.get(key)), _by_id(key, new.get(key))
        for ident in sorted(set(before) | set(after)):
            if before.get(ident) != after.get(ident):
                changed.append(ident)
    return tuple(changed)


#: The key that holds each describe-* resource's id.
_ID_KEYS = {
    "Vpcs": "VpcId",
    "Subnets": "SubnetId",
    "RouteTables": "RouteTableId",
    "NetworkAcls": "NetworkAclId",
    "SecurityGroups": "GroupId",
    "InternetGateways": "InternetGatewayId",
    "NatGateways": "NatGatewayId",
    "VpcPeeringConnections": "VpcPeeringConnectionId",
    "NetworkInterfaces": "NetworkInterfaceId",
    "Addresses": "AllocationId",
    "EgressOnlyInternetGateways": "EgressOnlyInternetGatewayId",
    "ManagedPrefixLists": "PrefixListId",
}


def _ident(key: str, index: int, item: Any) -> str:
    if isinstance(item, dict):
        if key == "Reservations":
            ids = [i.get("InstanceId") for i in item.get("Instances") or [] if isinstance(i, dict)]
            if ids and all(isinstance(i, str) for i in ids):
                return ", ".join(ids)
        ident = item.get(_ID_KEYS.get(key, ""))
        if isinstance(ident, str):
            return ident
    return f"{key}[{index}]"


def _by_id(key: str, items: Any) -> dict[str, str]:
    if not isinstance(items, list):
        return {key: json.dumps(items, sort_keys=True, default=str)}
    return {
        _ident(key, index, item): json.dumps(item, sort_keys=True, default=str)
        for index, item in enumerate(items)
    }


def vpc_changes(old: dict, new: dict) -> tuple[str, ...]:
    """The ids of the VPC resources a change touched (an instance's reservation by its id).

    >>> data = Vpc.example().data
    >>> vpc_changes(data, add_route(data, "rtb-0a1b2c3d4e5f60002", "0.0.0.0/0 -> igw"))
    ('rtb-0a1b2c3d4e5f60002',)
    """
    return _diff(old, new)


class Lab:
    """A broken network, one question about it, and the learner's fixes so far.

    Subclasses say what the components are and how one run is traced (:class:`VpcLab` for a
    VPC, :class:`netcourse.journey.troubleshoot.JourneyLab` for the whole journey).
    """

    #: The fix keywords this kind of lab understands, and what each changes.
    FIXES: dict[str, str] = {}
    #: What a run counts on its way (see :attr:`Stop.unit`).
    UNIT = "hops"

    def __init__(self, name: str, description: str, broken: Any, healthy: Any, faults: int):
        self.name = name
        self.description = description
        self.faults = faults
        self._broken = broken
        self._healthy = healthy
        self.reset()

    # --- what a subclass provides --------------------------------------------------------

    def _trace(self, components: Any) -> tuple[bool, str, str, str, str, int]:
        """(delivered, where, node, leg, reason, passed) for one run on ``components``."""
        raise NotImplementedError

    def _apply(self, components: Any, kind: str, value: Any) -> Any:
        """The components with one fix applied (a NetcourseError names a bad fix)."""
        raise NotImplementedError

    def _changes(self, old: Any, new: Any) -> tuple[str, ...]:
        """What differs between two sets of components, one name each."""
        raise NotImplementedError

    def _probes(self, components: Any) -> dict[str, bool]:
        """Other questions, each ``True`` when the traffic gets through (see :data:`PROBES`)."""
        raise NotImplementedError

    # --- the learner's calls -------------------------------------------------------------

    def reset(self) -> None:
        """Start again: the broken components, no runs, no fixes."""
        self._components = copy.deepcopy(self._broken)
        self.runs = 0
        self.history: tuple[Attempt, ...] = ()

    @property
    def fixes(self) -> int:
        """How many fixes were tried (including those that changed nothing)."""
        return len(self.history)

    def run(self) -> Stop:
        """Send the packet again through the components as they are now; see :class:`Stop`."""
        self.runs += 1
        return self.status()

    def status(self) -> Stop:
        """Where the packet stops now, as :meth:`run` says, without counting a run.

        >>> lab = troubleshoot("reply-lost")
        >>> lab.status().leg, lab.runs
        ('reply', 0)
        """
        delivered, where, node, leg, reason, passed = self._trace(self._components)
        return Stop(self.name, self.runs, delivered, where, node, leg, reason, passed, self.UNIT)

    def fix(self, **fix: Any) -> Attempt:
        """Apply one fix, given as ``kind="what"`` (see :attr:`FIXES`), and run again.

        A fix the lab cannot read raises a NetcourseError naming the bad part and changes
        nothing; every fix it can read is kept, even one that does not touch a fault.
        """
        if len(fix) != 1:
            raise self._error(
                f"{', '.join(sorted(fix)) or 'no fix'}: give exactly one fix per call, such as "
                f"lab.fix({next(iter(self.FIXES))}=...); the kinds are {', '.join(self.FIXES)}"
            )
        ((kind, value),) = fix.items()
        if kind not in self.FIXES:
            raise self._error(
                f"{quote(kind)}: not a kind of fix this lab knows; expected one of "
                f"{', '.join(self.FIXES)}"
            )
        before = self.status() if not self.history else self.history[-1].after
        try:
            new = self._apply(copy.deepcopy(self._components), kind, value)
        except NetcourseError as exc:
            text = str(exc)
            prefix = f"{kind} "
            raise self._error(text if text.startswith(prefix) else f"{kind}: {text}") from None
        changed = self._changes(self._components, new)
        self._components = new
        after = self.run()
        shown = value if isinstance(value, str) else type(value).__name__
        attempt = Attempt(len(self.history) + 1, f"{kind}={shown!r}", changed, before, after)
        self.history = (*self.history, attempt)
        return attempt

    def too_broad(self) -> tuple[str, ...]:
        """What the fixes opened or broke that the healthy network keeps as it is.

        >>> lab = troubleshoot("web-unreachable")
        >>> _ = lab.fix(sg="allow all from 0.0.0.0/0")
        >>> lab.fix(route="0.0.0.0/0 -> igw").delivered, lab.too_broad()[0]
        (True, 'opened internet -> web port 3389, which the healthy network keeps closed')
        """
        healthy, now = self._probes(self._healthy), self._probes(self._components)
        opened = [
            f"opened {question}, which the healthy network keeps closed"
            for question, works in now.items()
            if works and not healthy[question]
        ]
        broke = [
            f"broke {question}, which works in the healthy network"
            for question, works in now.items()
            if healthy[question] and not works
        ]
        return (*opened, *broke)

    def _error(self, message: str) -> NetcourseError:
        return VpcError(message)

    def __repr__(self) -> str:
        return (
            f"<Lab {self.name!r}: {self.description}; {self.runs} runs, {self.fixes} fixes so far>"
        )


class VpcLab(Lab):
    """A lab on a VPC alone: its describe-* data and one reachability question (lesson 05).

    Fixes apply to the destination instance: its security group (``sg``), its subnet's
    network ACL (``acl``) and route table (``route``), or which route table its subnet uses
    (``route_table``); ``data`` replaces the whole describe-* data (edit ``lab.data`` and
    give it back).
    """

    FIXES = {
        "route": "add a route to the subnet's route table: '198.51.100.0/24 -> igw'",
        "sg": "add a rule to the instance's security group: 'allow tcp 8080 from 10.0.0.0/16'",
        "acl": "add an entry to the subnet's network ACL: '140 allow udp 53 to 10.0.0.2/32'",
        "route_table": "make the subnet use another route table: 'public' or 'rtb-...'",
        "data": "replace the describe-* data with an edited copy of lab.data",
    }

    def __init__(
        self,
        name: str,
        description: str,
        broken: dict,
        healthy: dict,
        question: tuple[str, str, int],
        faults: int,
    ):
        self.question = question
        super().__init__(name, description, broken, healthy, faults)

    @property
    def data(self) -> dict:
        """A copy of the describe-* data as it is now (edit it, then ``lab.fix(data=...)``)."""
        return copy.deepcopy(self._components)

    @property
    def vpc(self) -> Vpc:
        """The VPC model of the data as it is now."""
        return Vpc(self._components)

    def _trace(self, components: dict):
        src, dst, port = self.question
        return trace_path(Vpc(components).reachability(src, dst, port=port))

    def _apply(self, components: dict, kind: str, value: Any) -> dict:
        return apply_vpc_fix(components, self.question[1], kind, value)

    def _changes(self, old: dict, new: dict) -> tuple[str, ...]:
        return _diff(old, new)

    def _probes(self, components: dict) -> dict[str, bool]:
        return vpc_probes(components, skip=self.question)


def trace_path(path) -> tuple[bool, str, str, str, str, int]:
    """A reachability :class:`~netcourse.vpc.Path` as the fields of a :class:`Stop`."""
    hop = path.blocking_hop
    if path.reachable or hop is None:
        return True, "", "", "", "", len(path.hops)
    passed = list(path.hops).index(hop)
    node = _NODES.get(hop.kind, hop.kind.replace("-", " "))
    leg = "reply" if hop.leg == "response" else hop.leg
    return False, hop.component, node, leg, hop.reason, passed


def vpc_probes(data: dict, skip: tuple = ()) -> dict[str, bool]:
    """Each question of :data:`PROBES` (but ``skip``) -> whether it is reachable in ``data``."""
    vpc = Vpc(data)
    return {
        f"{src} -> {dst} port {port}": vpc.reachability(src, dst, port=port).reachable
        for src, dst, port in PROBES
        if (src, dst, port) != tuple(skip)
    }


def apply_vpc_fix(data: dict, instance: str, kind: str, value: Any) -> dict:
    """The describe-* data with one VPC fix applied for ``instance``'s subnet or group."""
    if kind == "data":
        if not isinstance(value, dict):
            raise VpcError(
                f"{quote(value)}: expected describe-* data as a dict, such as an edited lab.data"
            )
        check_loads(value, "data")
        return copy.deepcopy(value)
    if not isinstance(value, str):
        raise VpcError(f"{quote(value)}: expected the fix as one line of text")
    vpc = Vpc(data)
    inst = vpc.instance(instance)
    where = f"{kind} {quote(' '.join(value.split()))}"
    if kind == "route":
        rtb = vpc.route_table_for_subnet(inst.subnet_id).route_table_id
        new = add_route(data, rtb, value)
    elif kind == "route_table":
        new = associate_route_table(data, inst.subnet_id, value)
    elif kind == "sg":
        new = add_sg_rule(data, inst.primary.group_ids[0], value)
    elif kind == "acl":
        new = add_acl_entry(data, vpc.nacl_for_subnet(inst.subnet_id).acl_id, value)
    else:  # the caller checked the kind
        raise VpcError(f"{quote(kind)}: not a VPC fix")
    check_loads(new, where)
    return new


def example_data(name: str) -> dict:
    """The describe-* data of a shipped example VPC (see :func:`netcourse.vpc.examples`).

    >>> len(example_data("three-tier")["Subnets"])
    3
    """
    Vpc.example(name)  # names the examples when ``name`` is not one
    return read_outputs(package_data.path("vpc", name))


def without_sg_port(data: dict, group_name: str, port: int) -> dict:
    """New data whose security group ``group_name`` no longer has its rules for ``port``.

    >>> data = without_sg_port(example_data("three-tier"), "web", 443)
    >>> Vpc(data).reachability("internet", "web", 443).blocked_by
    'sg-0a1b2c3d4e5f60001'
    """
    new = copy.deepcopy(data)
    for group in new["SecurityGroups"]:
        if group.get("GroupName") == group_name:
            group["IpPermissions"] = [
                p for p in group.get("IpPermissions", []) if p.get("FromPort") != port
            ]
    return new


def _web_unreachable() -> dict:
    return without_sg_port(example_data("missing-igw-route"), "web", 443)


def _reply_lost() -> dict:
    data = example_data("acl-no-ephemeral")
    return associate_route_table(data, Vpc(data).instance("web").subnet_id, "private")


#: The lesson 05 labs: name -> (what the learner is told, the broken data, the question, how
#: many faults). What the faults are is for the learner to find.
LABS: dict[str, tuple[str, Callable[[], dict], tuple[str, str, int], int]] = {
    "web-unreachable": (
        "the internet cannot reach the web server on HTTPS; two things are wrong",
        _web_unreachable,
        ("internet", "web", 443),
        2,
    ),
    "reply-lost": (
        "requests reach the web server on HTTPS but no answer comes back; two things are wrong",
        _reply_lost,
        ("internet", "web", 443),
        2,
    ),
}


def labs() -> dict[str, str]:
    """The VPC troubleshooting labs: name -> what the learner is told.

    >>> sorted(labs())
    ['reply-lost', 'web-unreachable']
    """
    return {name: text for name, (text, *_) in LABS.items()}


def troubleshoot(name: str) -> VpcLab:
    """A fresh VPC troubleshooting lab (see :func:`labs`).

    >>> troubleshoot("reply-lost").run().place
    'acl-0a1b2c3d4e5f60001 (network ACL, reply)'
    """
    if not isinstance(name, str) or name not in LABS:
        raise VpcError(f"{quote(name)}: no such lab; expected one of {', '.join(LABS)}")
    text, build, question, faults = LABS[name]
    return VpcLab(name, text, build(), example_data("three-tier"), question, faults)
