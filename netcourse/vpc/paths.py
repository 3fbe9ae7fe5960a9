"""The answer to a reachability question: a :class:`Path` of :class:`Hop` s, and why it stops.

Each hop is one component (security group, network ACL, route table, gateway) and what it
decided; :data:`CODES` are the reasons a path stops, named after AWS Reachability Analyzer's
explanation codes. Built by :func:`netcourse.vpc.reachability.trace`. Taught in
notebooks/05-aws-vpc.ipynb.

>>> Hop(component="sg-1", kind="security-group", leg="request", direction="inbound",
...     allowed=False, rule="", reason="No rule.", src="a", dst="b").decision
'block'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netcourse.html import Cell, Markup, table
from netcourse.style import TINTS

__all__ = [
    "Hop",
    "Path",
    "Translation",
    "CODES",
    "AWS_CODES",
    "OWN_CODES",
    "RENAMED_CODES",
    "VERDICTS",
]

#: The three answers a path can give. "unknown" means the path leads into something the model
#: does not follow (a transit gateway, a VPN gateway, a gateway endpoint) or into a VPC that is
#: not in the data: neither reachable nor blocked. ``Path.reachable`` is True only for
#: "reachable", so it stays a plain boolean.
VERDICTS = ("reachable", "blocked", "unknown")

#: The explanation codes of AWS Reachability Analyzer that a path here can stop with, and what
#: AWS says each means (https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html).
AWS_CODES = {
    "ENI_SG_RULES_MISMATCH": "this security group has no inbound or outbound rules that apply",
    "SUBNET_ACL_RESTRICTION": "inbound or outbound traffic for a subnet must be admitted by the "
    "network ACL for the subnet",
    "NO_ROUTE_TO_DESTINATION": "the route table does not have an applicable route to the "
    "destination",
    "BAD_STATE_ROUTE": "this route is not in a functional state",
    "BAD_STATE": "this component is not in a functional state",
    "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS": "internet gateways reject inbound traffic with a "
    "destination address that is not the public IP address of a network interface in the VPC",
    "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS": "traffic can't reach the internet through the "
    "internet gateway if the source address is not paired with a public IP address",
    "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS": "internet gateways reject inbound traffic with "
    "source addresses in the private IP address range (RFC 1918)",
    "IGW_SOURCE_ADDRESS_NOT_IN_RFC6598_INGRESS": "internet gateways reject inbound traffic with "
    "source addresses in the shared IP address range (RFC 6598)",
    "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS": "internet gateways reject outbound traffic "
    "with destination addresses in the private IP address range (RFC 1918)",
    "IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS": "internet gateways reject outbound traffic "
    "with destination addresses in the shared IP address range (RFC 6598)",
    "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR": "traffic can traverse a peering connection only if the "
    "destination or source address is within the CIDR block of the destination VPC",
    "UNKNOWN_DESTINATION": "the path can't be extended because the information about the "
    "destination is insufficient",
}

#: Codes for cases Reachability Analyzer has no code for (it analyses the forward path from a
#: component you name; these come from following the reply, IPv6, or the limits of the data).
OWN_CODES = {
    "NO_INTERNET_GATEWAY": "no internet gateway is attached to the VPC",
    "NO_RETURN_ROUTE": "the reply has no route back",
    "NAT_NOT_PUBLIC": "a private NAT gateway does not reach the internet",
    "NO_ADDRESS_OF_THIS_VERSION": "the interface has no address of the question's IP version",
    "EIGW_NO_INBOUND": "an egress-only internet gateway carries no connection from the internet",
    "SOURCE_NOT_ON_THE_INTERNET": "the source address (loopback, link-local, ...) is never an "
    "internet host's",
    "DESTINATION_NOT_ON_THE_INTERNET": "the destination address (loopback, link-local, ...) is "
    "never an internet host's",
    "NOT_MODELLED": "unknown: the path leads into a component this model does not follow",
    "ENI_SOURCE_DEST_CHECK": "the route's target interface has its source/destination check "
    "on, so it drops traffic that is not addressed to or from itself",
    "NOT_AN_ENDPOINT": "a NAT gateway's interface carries others' traffic and neither starts nor "
    "answers a connection",
}

#: Why a path stops: AWS's codes where it has one, then ours.
CODES = {**AWS_CODES, **OWN_CODES}

#: Codes this model used before it took AWS's, and the codes that now say the same.
RENAMED_CODES = {
    "NO_PUBLIC_ADDRESS": (
        "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
        "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
    ),
    "PCX_NOT_TRANSITIVE": ("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",),
    "PRIVATE_ADDRESS_NOT_ROUTED": (
        "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
        "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS",
        "IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS",
    ),
    "UNSUPPORTED_TARGET": ("NOT_MODELLED",),
}


@dataclass(frozen=True)
class Translation:
    """An address rewritten by a gateway: the IGW's 1:1 NAT or a NAT gateway's source NAT."""

    component: str
    field: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.component} rewrites {self.field} {self.before} -> {self.after}"


@dataclass(frozen=True, kw_only=True)
class Hop:
    """One component on the path and what it decided.

    ``leg`` is "request" or "response"; ``direction`` is relative to the component
    ("inbound", "outbound", or "through" for routers and gateways); ``rule`` is the rule or
    route that decided; ``detail`` is the evaluator's own decision (AclDecision, SgDecision,
    RouteDecision or Translation) for hop-level questions.
    """

    component: str
    kind: str
    leg: str
    direction: str
    allowed: bool
    rule: str
    reason: str
    src: str
    dst: str
    ports: tuple[int, int] | None = None
    code: str = ""
    detail: object = field(default=None, repr=False, compare=False)
    #: True when the path stops here because the model cannot say (not ``allowed``, not blocked)
    unknown: bool = False

    @property
    def decision(self) -> str:
        """What the component did: "allow", "translate", "forward", "block" or "unknown"."""
        if self.unknown:
            return "unknown"
        if not self.allowed:
            return "block"
        if isinstance(self.detail, Translation):
            return "translate"
        return "forward" if self.direction == "through" else "allow"

    def line(self) -> str:
        """One line for a text listing."""
        mark = "ok" if self.allowed else "UNKNOWN" if self.unknown else "BLOCKED"
        return (
            f"[{self.leg}] {self.kind} {self.component} ({self.direction}): {mark}. {self.reason}"
        )


@dataclass(frozen=True, kw_only=True)
class Path:
    """The answer to "can src reach dst?": reachable, what blocks it, every hop, and why.

    ``verdict`` is one of :data:`VERDICTS`; ``reachable`` is ``verdict == "reachable"``.
    ``blocked_by`` names the component that blocks (None unless blocked); ``unknown_at`` names
    the component the model cannot follow (None unless the verdict is "unknown").
    """

    src: str
    dst: str
    protocol: str
    port: int | None
    reachable: bool
    blocked_by: str | None
    hops: tuple[Hop, ...]
    explanation: str
    verdict: str = "reachable"
    unknown_at: str | None = None

    @property
    def blocking_hop(self) -> Hop | None:
        """The hop where the path stops (blocked, or unknown), or None when it is reachable.

        >>> from netcourse.vpc import Vpc
        >>> Vpc.example("deleted-nat").reachability("app", "internet").blocking_hop.code
        'BAD_STATE_ROUTE'
        """
        return next((h for h in self.hops if not h.allowed), None)

    @property
    def components(self) -> tuple[str, ...]:
        """The ids of the components on the path, in order, without repeats.

        >>> from netcourse.vpc import Vpc
        >>> Vpc.example().reachability("internet", "web").components[0]
        'igw-0a1b2c3d4e5f60001'
        """
        seen: list[str] = []
        for hop in self.hops:
            if hop.component not in seen:
                seen.append(hop.component)
        return tuple(seen)

    def __repr__(self) -> str:
        lines = [self.explanation]
        lines += [f"  {n}. {hop.line()}" for n, hop in enumerate(self.hops, 1)]
        return "\n".join(lines)

    def hops_html(self, *, sticky_header: bool = False) -> Markup:
        """The hops as an HTML table, the blocking hop tinted; ``sticky_header`` keeps the
        header in sight in a box that scrolls.

        >>> from netcourse.vpc import Vpc
        >>> path = Vpc.example().reachability("web", "db", 5432)
        >>> path.hops_html().count("<tr") == len(path.hops) + 1  # a header row, then each hop
        True
        """
        rows = []
        for n, hop in enumerate(self.hops, 1):
            cells = [
                n,
                hop.leg,
                hop.kind,
                hop.component,
                hop.direction,
                "allow" if hop.allowed else Markup("<b>block</b>"),
                hop.rule,
                hop.reason,
            ]
            if not hop.allowed:
                cells = [Cell(c, style=f"background:{TINTS['vermillion']}") for c in cells]
            rows.append(cells)
        header = ("#", "leg", "kind", "component", "direction", "decision", "rule", "why")
        return table(rows, header=header, cls="netcourse-path", sticky_header=sticky_header)

    def _repr_html_(self) -> str:
        return Markup("<p>{}</p>").format(self.explanation) + self.hops_html()
