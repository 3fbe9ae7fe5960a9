"""All-pairs reachability between the instances of a VPC model (and the internet), vectorised.

Each component's decision is computed once per subnet or per set of security groups, for
every address at once with numpy, then combined pair by pair in the same order as
:func:`netcourse.vpc.reachability.trace`, so every cell agrees with a single
``vpc.reachability(src, dst)`` call (the tests check that). Taught in
notebooks/05-aws-vpc.ipynb.

>>> from netcourse.vpc import Vpc
>>> m = Vpc.example().matrix(port=5432)
>>> m.who_can_reach("db")
('app',)
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import numpy as np

from netcourse.errors import VpcError, quote
from netcourse.html import Cell, Markup, abbreviate, id_legend, short_ids, unbroken
from netcourse.html import table as html_table
from netcourse.style import TINTS
from netcourse.vpc.acls import NetworkAcl
from netcourse.vpc.reachability import check_query, trace
from netcourse.vpc.resources import (
    ICMP_PROTOCOLS,
    INTERNET_ADDR,
    NO_GROUP_KINDS,
    NOT_ENDPOINT_KINDS,
    PORT_PROTOCOLS,
    QUESTION_ICMP_CODE,
    RUNNING,
    direction_name,
    protocol_name,
    return_ports,
)

__all__ = ["Matrix", "matrix", "endpoints"]

_MAX_TEXT = 12  # rows and columns shown in a text or HTML table


@dataclass(frozen=True, eq=False, kw_only=True)
class Matrix:
    """Reachability between every pair: rows are sources, columns destinations.

    ``reachable[i, j]`` says whether ``labels[i]`` can open a connection to ``labels[j]``;
    ``blocked_by[i, j]`` names the component that stops it ("" when reachable, "self" on
    the diagonal).
    """

    labels: tuple[str, ...]
    ids: tuple[str, ...]
    protocol: str
    port: int | None
    reachable: np.ndarray
    blocked_by: np.ndarray

    def _index(self, name: str) -> int:
        for names in (self.labels, self.ids):
            if name in names:
                return names.index(name)
        raise VpcError(
            f"{quote(name)}: not in this matrix; expected one of {', '.join(self.labels)}"
        )

    def can_reach(self, src: str, dst: str) -> bool:
        """Whether ``src`` can reach ``dst`` (names, instance ids or "internet").

        >>> from netcourse.vpc import Vpc
        >>> Vpc.example().matrix(port=443).can_reach("internet", "web")
        True
        """
        return bool(self.reachable[self._index(src), self._index(dst)])

    def blocker(self, src: str, dst: str) -> str:
        """The component that stops ``src`` -> ``dst`` ("" when reachable).

        >>> from netcourse.vpc import Vpc
        >>> Vpc.example().matrix(port=5432).blocker("web", "db")
        'sg-0a1b2c3d4e5f60003'
        """
        return str(self.blocked_by[self._index(src), self._index(dst)])

    def who_can_reach(self, dst: str) -> tuple[str, ...]:
        """The sources that can reach ``dst``, in table order (``dst`` itself excluded)."""
        column = self._index(dst)
        return tuple(
            label
            for row, label in enumerate(self.labels)
            if row != column and self.reachable[row, column]
        )

    def reachable_from(self, src: str) -> tuple[str, ...]:
        """The destinations ``src`` can reach, in table order.

        >>> from netcourse.vpc import Vpc
        >>> Vpc.example().matrix(port=5432).reachable_from("app")
        ('db',)
        """
        row = self._index(src)
        return tuple(
            label
            for col, label in enumerate(self.labels)
            if col != row and self.reachable[row, col]
        )

    def rows(self) -> list[tuple[str, str, bool, str]]:
        """Every ordered pair as (source, destination, reachable, blocked by), a flat table.

        >>> from netcourse.vpc import Vpc
        >>> Vpc.example().matrix(port=5432).rows()[0]
        ('web', 'app', False, 'sg-0a1b2c3d4e5f60002')
        """
        return [
            (a, b, bool(self.reachable[i, j]), str(self.blocked_by[i, j]))
            for i, a in enumerate(self.labels)
            for j, b in enumerate(self.labels)
            if i != j
        ]

    @property
    def count(self) -> int:
        """How many ordered pairs (not counting the diagonal) are reachable."""
        return int(self.reachable.sum())

    def __repr__(self) -> str:
        n = min(len(self.labels), _MAX_TEXT)
        width = max(len(label) for label in self.labels[:n]) if n else 4
        what = f"{self.protocol}" + ("" if self.port is None else f"/{self.port}")
        lines = [f"Reachability {what} (row = source, column = destination; x = blocked)"]
        lines.append(" " * (width + 1) + " ".join(f"{label[:6]:>6}" for label in self.labels[:n]))
        for i in range(n):
            cells = []
            for j in range(n):
                cell = "-" if i == j else ("yes" if self.reachable[i, j] else "x")
                cells.append(f"{cell:>6}")
            lines.append(f"{self.labels[i]:<{width}} " + " ".join(cells))
        if len(self.labels) > n:
            lines.append(f"... {len(self.labels)} endpoints in all; {self.count} pairs reachable")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        n = min(len(self.labels), _MAX_TEXT)
        # ids shortened to their last digits (the full ones in tooltips and the legend): a
        # column per endpoint, each naming 17-digit ids, would not fit a screen
        words = [w for label in self.labels[:n] for w in label.split()]
        blockers = [str(self.blocked_by[i, j]) for i in range(n) for j in range(n) if i != j]
        short = short_ids([*words, *blockers])

        def label(text: str, header: bool) -> Cell:
            shown = abbreviate(text, short)
            title = text if shown != text else None
            return Cell(unbroken(shown) if title else text, title=title, header=header)

        rows = []
        for i in range(n):
            cells = [label(self.labels[i], header=True)]
            for j in range(n):
                if i == j:
                    cells.append("-")
                elif self.reachable[i, j]:
                    cells.append(Cell("yes", style=f"background:{TINTS['green']}"))
                else:
                    why = str(self.blocked_by[i, j])
                    cells.append(
                        Cell(
                            abbreviate(why, short),
                            style=f"background:{TINTS['vermillion']};white-space:nowrap",
                            title=why,
                        )
                    )
            rows.append(cells)
        what = f"{self.protocol}" + ("" if self.port is None else f"/{self.port}")
        html = Markup(
            "<p>Reachability {}: row = source, column = destination; a blocked cell names the "
            "component that stops it</p>"
        ).format(what)
        header = ("", *(label(text, header=False) for text in self.labels[:n]))
        html += html_table(rows, header=header, cls="netcourse-matrix") + id_legend(short)
        if len(self.labels) > n:
            html += Markup("<p>{} endpoints in all; {} pairs reachable</p>").format(
                len(self.labels), self.count
            )
        return html


def _acl_vector(acl: NetworkAcl, direction: str, proto: int, addrs, ports) -> np.ndarray:
    """Allowed (bool per address) for packets to every port in ``ports`` (None: no ports)."""
    rules = acl.rules(direction_name(direction))
    v4 = [e for e in rules if e.network.version == 4]
    if ports is None:
        reps = [None]
    else:
        cuts = {ports[0], ports[1] + 1}
        for e in v4:
            if e.ports:
                for edge in (e.ports[0], e.ports[1] + 1):
                    if ports[0] < edge <= ports[1]:
                        cuts.add(edge)
        reps = sorted(cuts)[:-1]
    result = np.ones(len(addrs), dtype=bool)
    for port in reps:
        decided = np.zeros(len(addrs), dtype=bool)
        allowed = np.zeros(len(addrs), dtype=bool)
        for e in v4:
            if e.protocol != -1 and e.protocol != proto:
                continue
            if port is not None and e.protocol in PORT_PROTOCOLS and e.ports is not None:
                if not e.ports[0] <= port <= e.ports[1]:
                    continue
            if port is not None and e.protocol in ICMP_PROTOCOLS and e.icmp_type is not None:
                if port != e.icmp_type or e.icmp_code not in (None, QUESTION_ICMP_CODE):
                    continue
            net = e.network
            hit = (addrs & int(net.netmask)) == int(net.network_address)
            new = hit & ~decided
            allowed |= new & (e.action == "allow")
            decided |= hit
        result &= allowed
    return result


def _sg_vector(groups, direction: str, proto: int, addrs, port, addr_texts) -> np.ndarray:
    """Allowed (bool per address) by any rule of any of ``groups``."""
    result = np.zeros(len(addrs), dtype=bool)
    for group in groups:
        for rule in group.rules(direction):
            if rule.protocol != -1 and rule.protocol != proto:
                continue
            if rule.ports is not None and port is not None:
                if rule.protocol in ICMP_PROTOCOLS:
                    if rule.ports[0] != -1 and rule.ports[0] != port:
                        continue
                    if rule.ports[1] not in (-1, QUESTION_ICMP_CODE):
                        continue
                elif not rule.ports[0] <= port <= rule.ports[1]:
                    continue
            for net in rule.networks:
                if net.version == 4:
                    result |= (addrs & int(net.netmask)) == int(net.network_address)
            if rule.member_addrs:
                result |= np.fromiter(
                    (a in rule.member_addrs for a in addr_texts), bool, len(addrs)
                )
    return result


def _route_vectors(rtb, addrs):
    """Per address: index into ``rtb.routes`` of the longest matching route, or -1."""
    best = np.full(len(addrs), -1, dtype=np.int64)
    best_len = np.full(len(addrs), -1, dtype=np.int64)
    for index, route in enumerate(rtb.routes):
        net = route.network
        if net.version != 4:
            continue
        hit = (addrs & int(net.netmask)) == int(net.network_address)
        better = hit & (net.prefixlen > best_len)
        best[better] = index
        best_len[better] = net.prefixlen
    return best


def matrix(vpc, port: int | None = 443, protocol: str = "tcp", internet: bool = True) -> Matrix:
    """Reachability between every pair of network interfaces (and the internet); see
    :class:`Matrix`. Every ENI is a row and a column (see :func:`endpoints`), each by its primary
    address.

    >>> from netcourse.vpc import Vpc
    >>> Vpc.example().matrix(port=8080).can_reach("web", "app")
    True
    """
    proto, port = check_query(protocol, port)
    ends = endpoints(vpc)
    n = len(ends)
    enis = [eni for _, _, eni in ends]
    texts = [eni.private_ip for eni in enis]
    # an interface without IPv4 (IPv6-only subnet) is followed one pair at a time below
    v6_only = np.array([not a for a in texts], dtype=bool)
    addrs = np.fromiter((int(ipaddress.IPv4Address(a or 0)) for a in texts), np.int64, n)
    subnet_ids = sorted({eni.subnet_id for eni in enis})
    sub_index = {s: k for k, s in enumerate(subnet_ids)}
    subnet = np.array([sub_index[eni.subnet_id] for eni in enis], dtype=np.int64)
    sgsets = sorted({eni.group_ids for eni in enis})
    sg_index = {g: k for k, g in enumerate(sgsets)}
    sgset = np.array([sg_index[eni.group_ids] for eni in enis], dtype=np.int64)
    groups = {g: [vpc.security_groups[x] for x in g] for g in sgsets}
    ret = return_ports(proto, port)  # the client's ephemeral ports, or the ICMP reply type
    req = None if port is None else (port, port)

    def acl_rows(direction, ports):
        acls = [vpc.nacl_for_subnet(s) for s in subnet_ids]
        if not n:
            return np.zeros((0, 0), bool)
        return np.stack([_acl_vector(acl, direction, proto, addrs, ports) for acl in acls])

    def sg_rows(direction):
        if not n:
            return np.zeros((0, 0), bool)
        return np.stack(
            [_sg_vector(groups[g], direction, proto, addrs, port, texts) for g in sgsets]
        )

    sg_out = sg_rows("outbound")[sgset]  # [s, d]: sgs of s allow to addr d
    sg_in = sg_rows("inbound")[sgset].T  # [s, d]: sgs of d allow from addr s
    acl_out = acl_rows("outbound", req)[subnet]  # [s, d]
    acl_in = acl_rows("inbound", req)[subnet].T
    ret_out = acl_rows("outbound", ret)[subnet].T  # [s, d]: d's subnet lets the reply to s out
    ret_in = acl_rows("inbound", ret)[subnet]  # [s, d]: s's subnet lets the reply from d in

    # routes: per subnet, the chosen route for every address
    tables = [vpc.route_table_for_subnet(s) for s in subnet_ids]
    choice = np.stack([_route_vectors(t, addrs) for t in tables]) if n else np.zeros((0, 0))
    route_of = choice[subnet]  # [s, d]: index into s's table for addr d
    back_of = choice[subnet].T  # [s, d]: index into d's table for addr s
    # 0 none, 1 dead, 2 local, 3 pcx ok, 4 pcx no, 5 other, 6 local but held in another VPC
    kinds = np.zeros((n, n), dtype=np.int8)
    target = np.full((n, n), "", dtype=object)
    same_subnet = subnet[:, None] == subnet[None, :]
    vpc_of = np.array([eni.vpc_id for eni in enis], dtype=object)
    for k, table in enumerate(tables):
        rows = np.nonzero(subnet == k)[0]
        if not len(rows):
            continue
        for index, route in enumerate(table.routes):
            cols = route_of[rows[0]] == index
            if not cols.any():
                continue
            block = np.ix_(rows, np.nonzero(cols)[0])
            target[block] = route.target
            if route.state != "active":
                kinds[block] = 1
            elif route.kind == "local":
                # the address is in this VPC's CIDR: delivered only if it is this VPC's interface
                col_ids = np.nonzero(cols)[0]
                here = np.array([vpc_of[j] == table.vpc_id for j in col_ids], bool)
                sub = np.full((len(rows), len(col_ids)), 6, dtype=np.int8)
                sub[:, here] = 2
                kinds[block] = sub
            elif route.kind == "peering-connection" and (
                vpc.peering_connections[route.target].peer_of(table.vpc_id) not in vpc.vpcs
            ):
                kinds[block] = 5  # into a VPC outside the data: followed one pair at a time
            elif route.kind == "peering-connection":
                pcx = vpc.peering_connections[route.target]
                peer = pcx.peer_of(table.vpc_id)
                peer_net = vpc.vpcs[peer]
                col_ids = np.nonzero(cols)[0]
                fine = np.array(
                    [vpc_of[j] == peer and peer_net.contains(texts[j]) for j in col_ids], bool
                )
                sub = np.zeros((len(rows), len(col_ids)), dtype=np.int8)
                sub[:, fine] = 3
                sub[:, ~fine] = 4
                kinds[block] = sub
            else:
                kinds[block] = 5
    forwarded = kinds >= 2
    back_target = np.full((n, n), "", dtype=object)
    for k, table in enumerate(tables):
        cols = np.nonzero(subnet == k)[0]
        if not len(cols):
            continue
        for index, route in enumerate(table.routes):
            if route.state == "active":
                rows_hit = back_of[:, cols[0]] == index
                back_target[np.ix_(np.nonzero(rows_hit)[0], cols)] = route.target
    return_ok = (kinds != 3) | (back_target == target)

    first_group = np.array([g[0] if g else "" for g in sgsets], dtype=object)
    eni_ids = np.array([eni.eni_id for eni in enis], dtype=object)
    sg_name = np.where(first_group[sgset] == "", eni_ids, first_group[sgset])
    acl_name = np.array([vpc.nacl_for_subnet(s).acl_id for s in subnet_ids], dtype=object)[subnet]
    rtb_name = np.array([t.route_table_id for t in tables], dtype=object)[subnet]
    cross = ~same_subnet

    gateway = kinds == 5  # followed one pair at a time below
    # groups with a prefix-list rule for this traffic: their pairs are followed one at a time
    listed = {
        way: np.array(
            [
                any(
                    (r.unknown_lists or r.unknown_groups) and r.covers(proto, port)
                    for g in groups[s]
                    for r in g.rules(way)
                )
                for s in sgsets
            ],
            dtype=bool,
        )[sgset]
        if n
        else np.zeros(0, bool)
        for way in ("outbound", "inbound")
    }
    # interfaces without IPv4, or of a service (no groups, detached, a NAT gateway's): one by one
    special = v6_only | np.array([_special(eni) for eni in enis], dtype=bool)
    single = special[:, None] | special[None, :]
    single |= listed["outbound"][:, None] | listed["inbound"][None, :]
    gateway |= single
    states = {i.instance_id: i.state for i in vpc.instances.values()}
    running = np.array([states.get(e.instance_id, RUNNING) == RUNNING for e in enis], bool)
    inst_ids = np.array([e.instance_id or e.eni_id for e in enis], dtype=object)
    checks = [
        (running[:, None] | single, inst_ids[:, None]),  # a stopped source sends nothing
        (running[None, :] | single, inst_ids[None, :]),  # a stopped destination answers nothing
        (single | sg_out, sg_name[:, None]),
        (single | ~(forwarded & cross) | acl_out, acl_name[:, None]),
        (single | forwarded, rtb_name[:, None]),
        (single | (kinds != 6), rtb_name[:, None]),
        (single | (kinds != 4), target),
        (gateway | ~cross | acl_in, acl_name[None, :]),
        (gateway | sg_in, sg_name[None, :]),
        (gateway | ~cross | ret_out, acl_name[None, :]),
        (gateway | return_ok, rtb_name[None, :]),
        (gateway | ~cross | ret_in, acl_name[:, None]),
    ]
    done = np.zeros((n, n), dtype=bool)
    blocked = np.full((n, n), "", dtype=object)
    for ok, names in checks:
        newly = ~ok & ~done
        if newly.any():
            blocked[newly] = np.broadcast_to(names, (n, n))[newly]
        done |= newly
    # pairs routed to a gateway (private address across VPCs): follow them one by one
    for i, j in zip(*np.nonzero(gateway & ~done)):
        path = trace(vpc, ends[i][0], ends[j][0], port, protocol)
        blocked[i, j] = _blocker(path)
        done[i, j] = not path.reachable
    reach = ~done
    np.fill_diagonal(reach, False)
    np.fill_diagonal(blocked, "self")

    labels = [label for _, label, _ in ends]
    ids = [key for key, _, _ in ends]
    if len(set(labels)) != len(labels):
        labels = list(ids)
    if internet:
        out_col, in_row = _internet(vpc, ends, port, protocol)
        reach = np.block(
            [[reach, out_col[0][:, None]], [in_row[0][None, :], np.zeros((1, 1), bool)]]
        )
        full = np.full((n + 1, n + 1), "", dtype=object)
        full[:n, :n] = blocked
        full[:n, n] = out_col[1]
        full[n, :n] = in_row[1]
        full[n, n] = "self"
        blocked = full
        labels.append("internet")
        ids.append("internet")
    return Matrix(
        labels=tuple(labels),
        ids=tuple(ids),
        protocol=protocol_name(proto),
        port=port,
        reachable=reach,
        blocked_by=blocked,
    )


def _blocker(path) -> str:
    """A matrix cell's blocker: the component that blocks, "unknown: <component>", or ""."""
    return path.blocked_by or (f"unknown: {path.unknown_at}" if path.unknown_at else "")


def endpoints(vpc) -> list[tuple[str, str, object]]:
    """Every network interface as (id, label, interface), each instance's in device order.

    An instance's primary interface is named by the instance (its id, its Name tag); its other
    interfaces and the interfaces of services (Lambda, load balancers, NAT gateways,
    endpoints) by their ENI id and label.

    >>> from netcourse.vpc import Vpc
    >>> [label for _, label, _ in endpoints(Vpc.example())]
    ['web', 'app', 'db']
    """
    ends, seen = [], set()
    for inst in vpc.instances.values():
        for eni in inst.interfaces:
            if eni is inst.primary:
                ends.append((inst.instance_id, inst.label, eni))
            else:
                ends.append((eni.eni_id, f"{inst.label} {eni.eni_id}", eni))
            seen.add(eni.eni_id)
    ends += [(e.eni_id, e.label, e) for e in vpc.interfaces.values() if e.eni_id not in seen]
    return ends


def _special(eni) -> bool:
    """Whether pairs with this interface are followed one trace at a time (rare kinds)."""
    return (
        eni.kind in NOT_ENDPOINT_KINDS
        or (not eni.group_ids and eni.kind in NO_GROUP_KINDS)
        or (eni.instance_id is None and eni.status == "available")
    )


def _internet(vpc, ends, port, protocol):
    """Interface -> internet and internet -> interface, one trace per distinct situation."""
    n = len(ends)
    out_ok, out_by = np.zeros(n, bool), np.full(n, "", dtype=object)
    in_ok, in_by = np.zeros(n, bool), np.full(n, "", dtype=object)
    cache_out: dict = {}
    cache_in: dict = {}
    for k, (key_id, _, eni) in enumerate(ends):
        inst = vpc.instances.get(eni.instance_id) if eni.instance_id else None
        decision = vpc.route_table_for_subnet(eni.subnet_id).lookup(INTERNET_ADDR)
        via_nat = decision.route is not None and decision.route.kind == "nat-gateway"
        state = (inst.state if inst else eni.status, eni.kind, bool(eni.private_ip), inst is None)
        base = (
            eni.subnet_id,
            eni.group_ids,
            eni.public_ip is not None,
            eni.first_public is not None,
        )
        base += state
        out_key = base + ((eni.private_ip,) if via_nat else ())
        names = (eni.eni_id, eni.instance_id)
        for key, cache, ok, by, src, dst in (
            (out_key, cache_out, out_ok, out_by, key_id, "internet"),
            (base, cache_in, in_ok, in_by, "internet", key_id),
        ):
            if key not in cache:
                path = trace(vpc, src, dst, port, protocol)
                cache[key] = (path.reachable, _blocker(path), names)
            reachable, blocker, first = cache[key]
            for mine, theirs in zip(names, first):
                if theirs and blocker in (theirs, f"unknown: {theirs}"):
                    blocker = blocker.replace(theirs, mine or theirs)
                    break
            ok[k], by[k] = reachable, blocker
    return (out_ok, out_by), (in_ok, in_by)
