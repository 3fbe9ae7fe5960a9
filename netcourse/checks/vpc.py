"""Checks for the exercises of notebooks/05-aws-vpc.ipynb (solutions/05-aws-vpc.ipynb).

Every expected answer is computed by :mod:`netcourse.vpc` from the shipped examples; no
message gives the answer away.

>>> blocking_component.feedback("sg-0a1b2c3d4e5f60001").ok
False
>>> deciding_rule.feedback(100).ok
True
"""

from __future__ import annotations

import ipaddress

from netcourse.checks import Feedback, correct, exercise, store, wrong
from netcourse.errors import NetcourseError, VpcError, quote
from netcourse.protocols import IP_PROTOCOLS
from netcourse.readers import read_int
from netcourse.vpc import Vpc
from netcourse.vpc.acls import DEFAULT_RULE, DEFAULT_RULE_V6
from netcourse.vpc.troubleshoot import Lab

__all__ = [
    "blocking_component",
    "deciding_rule",
    "fix_acl",
    "who_reaches_db",
    "lab_web_unreachable",
    "lab_reply_lost",
    "lab_clean",
    "lab_feedback",
    "STOP_HINTS",
    "QUESTIONS",
]

LESSON = "05-aws-vpc"

#: The question behind each exercise: (example, source, destination, port).
QUESTIONS = {
    "blocking-component": ("acl-no-ephemeral", "internet", "web", 443),
    "deciding-rule": ("three-tier", "internet", "web", 443),
    "fix-acl": ("acl-no-ephemeral", "internet", "web", 443),
    "who-reaches-db": ("three-tier", None, "db", 5432),
}


def _path(name: str):
    example, src, dst, port = QUESTIONS[name]
    return Vpc.example(example), Vpc.example(example).reachability(src, dst, port)


@exercise(LESSON, "blocking-component")
def blocking_component(answer) -> Feedback:
    """The id of the component that blocks HTTPS from the internet to web in acl-no-ephemeral."""
    vpc, path = _path("blocking-component")
    if not isinstance(answer, str):
        return wrong(
            f"expected a resource id as a string, got {type(answer).__name__}.",
            "copy the id from path.blocked_by or from the hop marked BLOCKED.",
            mistake="wrong-type",
        )
    answer = answer.strip()
    if answer == path.blocked_by:
        return correct("that network ACL lets the request in but drops the reply: it is stateless.")
    on_path = {hop.component: hop for hop in path.hops}
    if answer in on_path:
        return wrong(
            f"{answer} is on the path and lets the traffic through.",
            f"look at the {path.blocking_hop.leg} leg: which hop is marked BLOCKED?",
            mistake="lets-through",
        )
    known = set(vpc.security_groups) | set(vpc.network_acls) | set(vpc.route_tables)
    if answer in known:
        return wrong(
            f"{answer} is not on this path at all.",
            "run vpc.reachability(...) and read its hops.",
            mistake="not-on-path",
        )
    if answer in vpc.subnets:
        return wrong(
            f"{answer} is a subnet: it holds instances, but does not decide on traffic itself.",
            "which of the components on the path is marked BLOCKED?",
            mistake="a-subnet",
        )
    if _KINDS & {answer.lower().replace("-", " "), answer.lower().replace(" ", "-")}:
        return wrong(
            f"{quote(answer)} names a kind of component; the check wants the id of the one "
            "that blocks.",
            "copy the id from path.blocked_by or from the hop marked BLOCKED.",
            mistake="kind-not-id",
        )
    return wrong(
        f"{quote(answer)} is not a resource id of this example.",
        "copy the id from path.blocked_by or from the hop marked BLOCKED.",
        mistake="unknown-id",
    )


#: Kinds of component a learner may name instead of an id (as the hops and the figure spell them).
_KINDS = {
    spelling
    for kind in ("security group", "network acl", "route table", "internet gateway", "nacl")
    for spelling in (kind, kind.replace(" ", "-"))
}


@exercise(LESSON, "deciding-rule")
def deciding_rule(answer) -> Feedback:
    """The rule number of the web subnet's NACL that lets the internet's HTTPS in."""
    vpc, path = _path("deciding-rule")
    hop = next(h for h in path.hops if h.kind == "network-acl" and h.leg == "request")
    expected = hop.detail.rule_number
    try:
        number = read_int(answer, what="rule number", error=VpcError)
    except VpcError:
        return wrong(
            f"{quote(answer)} is not a rule number.",
            "rule numbers are whole numbers.",
            mistake="wrong-type",
        )
    if number == expected:
        return correct("the lowest-numbered matching rule decides, and that is this one.")
    acl = vpc.network_acls[hop.component]
    inbound = {e.rule_number: e for e in acl.rules(hop.direction)}
    if number not in inbound:
        outbound = number in {e.rule_number for e in acl.entries}
        return wrong(
            f"{hop.component} has no {hop.direction} rule {number}."
            + (" It has an outbound one, which the request does not meet." if outbound else ""),
            f"print the ACL (vpc.nacl_for_subnet(...)) and read its {hop.direction} rules.",
            mistake="outbound-rule" if outbound else "no-such-rule",
        )
    if number in (DEFAULT_RULE, DEFAULT_RULE_V6):
        return wrong(
            "the catch-all rule * decides only when no numbered rule matches.",
            "does a numbered rule match the request's protocol, port and source?",
            mistake="catch-all",
        )
    _, _, _, port = QUESTIONS["deciding-rule"]
    if not inbound[number].matches(IP_PROTOCOLS["tcp"], ipaddress.ip_address(hop.src), port):
        return wrong(
            f"rule {number} does not match this request.",
            "compare each rule's protocol, port range and source with the request's.",
            mistake="rule-does-not-match",
        )
    return wrong(
        f"rule {number} is not the one that decides inbound HTTPS from the internet.",
        "rules are tried from the lowest number up; the first match decides.",
        mistake="wrong-rule",
    )


@exercise(LESSON, "fix-acl")
def fix_acl(entries) -> Feedback:
    """NACL entries (AWS ``Entries`` dicts) that make internet -> web:443 work in acl-no-ephemeral.

    Checked by adding them to the web subnet's ACL and running reachability again.
    """
    vpc, path = _path("fix-acl")
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, (list, tuple)) or not all(isinstance(e, dict) for e in entries):
        return wrong(
            "expected a list of dicts shaped like the Entries of describe-network-acls.",
            "each needs RuleNumber, Protocol, RuleAction, Egress, CidrBlock (and PortRange).",
            mistake="wrong-type",
        )
    acl_id = path.blocked_by
    for entry in entries:
        if str(entry.get("Protocol", "")).strip() == "-1":
            return wrong(
                "protocol -1 opens every protocol and port: too broad for a fix.",
                "allow only TCP (protocol '6') and only the ports the reply uses.",
                mistake="all-protocols",
            )
    try:
        fixed = vpc.with_acl_entries(acl_id, list(entries))
    except NetcourseError as exc:
        return wrong(
            f"these entries cannot be read: {exc}",
            "compare with an entry printed above.",
            mistake="unreadable",
        )
    _, src, dst, port = QUESTIONS["fix-acl"]
    after = fixed.reachability(src, dst, port)
    if not after.reachable:
        hop = after.blocking_hop
        message = f"still blocked, by {after.blocked_by} on the {hop.leg} ({hop.direction})."
        if hop.leg == "request" and path.blocking_hop.leg != "request":
            return wrong(
                message,
                "the request got in before your entries: an entry with a lower number is tried "
                "first, and one with an existing number replaces that rule.",
                mistake="blocks-request",
            )
        # the entries were read above, so each Egress is a real true or false
        if hop.direction == "outbound" and not any(e.get("Egress") is True for e in entries):
            return wrong(
                message,
                "the reply leaves the subnet, so the rule it needs is an outbound one "
                '("Egress": True).',
                mistake="inbound-only",
            )
        return wrong(
            message,
            "the reply goes to the client's ephemeral port, anywhere in 1024-65535.",
            mistake="still-blocked",
        )
    if fixed.reachability(src, dst, 22).reachable:
        return wrong(
            "HTTPS works now, but so does SSH from the internet: too broad.",
            "open only what the reply needs.",
            mistake="too-broad",
        )
    if not all(fixed.reachability(s, d, p).reachable for s, d, p in _STILL_WORKING):
        return wrong(
            "this breaks traffic that worked before the fix.",
            "check the rule numbers: an entry with an existing number replaces that rule.",
            mistake="breaks-other-traffic",
        )
    return correct("the reply to the client's ephemeral port now leaves the subnet.")


#: Paths that already work in the broken example and must keep working after a fix.
_STILL_WORKING = (("web", "app", 8080), ("web", "internet", 443), ("app", "db", 5432))


@exercise(LESSON, "who-reaches-db")
def who_reaches_db(answer) -> Feedback:
    """Which endpoints (instance names, and "internet") can open a connection to db:5432."""
    example, _, dst, port = QUESTIONS["who-reaches-db"]
    vpc = Vpc.example(example)
    if isinstance(answer, str):
        answer = [answer]
    try:
        given = {str(name).strip() for name in answer}
    except TypeError:
        return wrong(
            "expected a list (or set) of names.",
            "for example ['web', 'internet'].",
            mistake="wrong-type",
        )
    matrix = vpc.matrix(port=port)
    names = {}
    for label, ident in zip(matrix.labels, matrix.ids):
        names[label] = names[ident] = label
    unknown = sorted(given - set(names))
    if unknown:
        return wrong(
            f"{quote(unknown[0])} is not an instance of this example or 'internet'.",
            f"the endpoints are {', '.join(matrix.labels)}.",
            mistake="unknown-endpoint",
        )
    chosen = {names[g] for g in given}
    expected = set(matrix.who_can_reach(dst))
    if chosen == expected:
        return correct("only the tier whose security group the database references gets in.")
    extra = sorted(chosen - expected)
    if extra:
        return wrong(
            f"{extra[0]} cannot reach {dst} on port {port}.",
            f"try vpc.reachability({extra[0]!r}, {dst!r}, port={port}).",
            mistake="extra-endpoint",
        )
    return wrong(
        "an endpoint that can reach the database is missing.",
        "vpc.matrix(port=5432) shows every pair at once.",
        mistake="missing-endpoint",
    )


# --- troubleshooting labs ------------------------------------------------------------------

#: Where to look, for each kind of place a lab's packet can stop at (and leg, where it
#: matters). A hint points at the component and the question to ask it, never at the fix.
STOP_HINTS = {
    ("security group", "request"): "a security group admits only what one of its rules "
    "allows: compare its inbound rules with the request's protocol and port.",
    ("network ACL", "request"): "rules are tried from the lowest number up and the first "
    "match decides: which rule decides the request?",
    ("network ACL", "reply"): "a network ACL keeps no state: to which ports does the reply go, "
    "and which outbound rule matches them?",
    ("route table", "request"): "which route does this table choose for the destination?",
    ("route table", "reply"): "follow the reply: which route does this table choose for the "
    "client's address, and where does that route lead?",
    ("ARP", "request"): "the laptop looks for the server on its own LAN: is the server's "
    "address on the LAN as the laptop's mask draws it?",
    ("IP", "request"): "an address off the LAN needs a route on the laptop: which one would it "
    "use?",
    ("host firewall", "request"): "read the server's INPUT chain with this packet's state in "
    "mind: which rule or policy decides?",
    ("host firewall", "reply"): "read the server's OUTPUT chain with the reply's conntrack "
    "state in mind: which rule or policy decides?",
}


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def lab_feedback(lab, name: str) -> Feedback:
    """Whether the lab ``name`` has a clean path: the packet delivered, nothing else opened.

    Where the packet still stops is asked of the lab itself (its models run again); the
    message counts the learner's runs and fixes and the hint names where to look.
    """
    if not isinstance(lab, Lab):
        return wrong(
            f"expected a lab, got {type(lab).__name__}.",
            f"make it with troubleshoot({name!r}) and pass it to the check.",
            mistake="not-a-lab",
        )
    if lab.name != name:
        return wrong(
            f"this check is for the {name!r} lab, but this is the {lab.name!r} lab.",
            "run the check that follows that lab's cells.",
            mistake="other-lab",
        )
    stop = lab.status()
    tried = f"{_count(lab.fixes, 'fix', 'fixes')} and {_count(lab.runs, 'run', 'runs')}"
    if not stop.delivered:
        hint = STOP_HINTS.get(
            (stop.node, stop.leg), "read the table of the step where the packet stops."
        )
        head = "no fix yet" if not lab.fixes else f"after {tried}"
        return wrong(
            f"{head}, the packet still stops at {stop.place}.", hint, mistake="not-delivered"
        )
    broad = lab.too_broad()
    if broad:
        return wrong(
            f"the packet gets through, but the fixes {broad[0]}.",
            "fix only what stops the packet; every other door stays as the healthy network has it.",
            mistake="too-broad",
        )
    idle = sum(1 for attempt in lab.history if not attempt.moved)
    note = f" ({idle} of them did not move the packet on)" if idle else ""
    return correct(
        f"the path is clean after {tried}{note}; the lab had {lab.faults} faults, each found "
        "where the packet stopped."
    )


@exercise(LESSON, "lab-web-unreachable")
def lab_web_unreachable(lab) -> Feedback:
    """The web-unreachable lab (internet -> web on HTTPS) repaired, and nothing else opened."""
    return lab_feedback(lab, "web-unreachable")


@exercise(LESSON, "lab-reply-lost")
def lab_reply_lost(lab) -> Feedback:
    """The reply-lost lab (the answer never comes back) repaired, and nothing else broken."""
    return lab_feedback(lab, "reply-lost")


#: The check of each lesson 05 lab, by lab name.
_LAB_CHECKS = {"web-unreachable": lab_web_unreachable, "reply-lost": lab_reply_lost}


def lab_clean(lab) -> None:
    """Print whether a lesson 05 lab's path is clean (the check of that lab, by its name).

    >>> from netcourse.vpc.troubleshoot import troubleshoot
    >>> lab = troubleshoot("web-unreachable")
    >>> _ = lab.fix(sg="allow tcp 443 from 0.0.0.0/0")
    >>> lab_web_unreachable.feedback(lab).message
    'after 1 fix and 1 run, the packet still stops at rtb-0a1b2c3d4e5f60001 (route table, reply).'
    """
    dispatch_lab(lab, _LAB_CHECKS, "netcourse.vpc.troubleshoot")


def dispatch_lab(lab, checks: dict, module: str) -> None:
    """Run the check of ``lab`` from ``checks`` (printing, never raising), or say it has none."""
    check = checks.get(getattr(lab, "name", None)) if isinstance(lab, Lab) else None
    if check is None:
        known = ", ".join(repr(n) for n in checks)
        feedback = wrong(
            f"expected one of this lesson's labs ({known}), got {quote(lab)}.",
            f"make one with {module}.troubleshoot(name).",
            mistake="not-a-lab",
        )
        print(feedback.line(color=store.want_color()))
        return
    check(lab)
