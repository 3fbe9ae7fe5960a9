"""IP sets: read ``ipset save`` text, and give each set match (``-m set --match-set NAME
src,dst``, :mod:`netcourse.firewall.setmatch`) its set.

Set types hash:ip, hash:net, hash:ip,port, hash:net,port, bitmap:ip, bitmap:port and list:set
are read; they decide as the kernel's ip_set modules do (ipset(8), iptables-extensions(8)):
a hash:net takes the most specific network holding the address, and an entry flagged
``nomatch`` there makes the test fail (``--return-nomatch`` reverses that); a port of a TCP,
UDP, SCTP or UDP-Lite packet is its port, an ICMP packet's is ``type << 8 | code``, other
protocols have port 0, and a non-first fragment has none (a port set never matches it); a set
given fewer directions than it has dimensions never matches. Taught in
notebooks/04-firewalls.ipynb.

>>> sets = parse_ipsets("create bad hash:net family inet\\nadd bad 203.0.113.0/24\\n"
...                     "add bad 203.0.113.7 nomatch")
>>> [sets["bad"].contains(Packet("udp", src=a), ("src",)) for a in ("203.0.113.9", "203.0.113.7")]
[True, False]
"""

from __future__ import annotations

import dataclasses
import ipaddress
from dataclasses import dataclass, field

import numpy as np

from netcourse.errors import NetcourseError, RuleError, quote
from netcourse.firewall.marks import read_xt_number
from netcourse.firewall.packet import PROTOCOLS, Packet, icmp_type_code
from netcourse.firewall.parser import Problem, Rule, Ruleset
from netcourse.firewall.setmatch import SetMatch

__all__ = ["IpSet", "SET_TYPES", "parse_ipsets", "bind_sets"]

#: The set types simulated, with their dimensions (what each part of an entry is).
SET_TYPES: dict[str, tuple[str, ...]] = {
    "hash:ip": ("ip",),
    "hash:net": ("net",),
    "hash:ip,port": ("ip", "port"),
    "hash:net,port": ("net", "port"),
    "bitmap:ip": ("ip",),
    "bitmap:port": ("port",),
    "list:set": ("set",),
}
#: Types whose entries may carry the ``nomatch`` flag.
_NOMATCH_TYPES = ("hash:net", "hash:net,port")
#: Protocols whose port a set reads from the header.
_PORT_PROTOS = {PROTOCOLS[name] for name in ("tcp", "udp", "sctp", "udplite")}
#: Options of ``create`` and ``add`` lines that take a value, and those that do not.
_CREATE_VALUES = {"family", "hashsize", "maxelem", "timeout", "netmask", "range", "size"}
_CREATE_FLAGS = {"counters", "comment", "skbinfo", "forceadd", "bucketsize", "initval"}
_ADD_VALUES = {"timeout", "packets", "bytes", "comment", "skbmark", "skbprio", "skbqueue"}


@dataclass(frozen=True, eq=False)
class IpSet:
    """One set of ``ipset save`` text: its name, type, family and entries.

    ``entries`` maps a key to whether the entry is flagged ``nomatch``; a key is an int
    address (hash:ip, bitmap:ip), ``(prefixlen, network)`` (hash:net), ``(address, proto,
    port)``, ``(prefixlen, network, proto, port)`` or a port (bitmap:port); ``members`` are a
    list:set's sets; ``netmask`` the prefix a hash:ip stores addresses under.
    """

    name: str
    kind: str
    family: str = "inet"
    entries: dict = field(default_factory=dict)
    members: tuple[str, ...] = ()
    netmask: int = 32
    bounds: tuple[int, int] | None = None  # a bitmap's range
    line: int = 0
    resolved: tuple[IpSet, ...] = ()

    @property
    def dimensions(self) -> int:
        """How many parts an entry has (directions a --match-set must give)."""
        return len(SET_TYPES[self.kind])

    def _prefixes(self) -> list[int]:
        return sorted({key[0] for key in self.entries}, reverse=True)

    def test(self, pkt: Packet, flags: tuple[str, ...], return_nomatch: bool = False) -> bool:
        """Whether the packet is in the set, reading its parts in ``flags`` directions."""
        if len(flags) < self.dimensions or self.family != "inet":
            return False
        if self.kind == "list:set":
            return any(member.test(pkt, flags, return_nomatch) for member in self.resolved)
        found = self._find(pkt, flags)
        if found is None:
            return False
        if return_nomatch and self.kind in _NOMATCH_TYPES:
            return found
        return not found

    def contains(self, pkt: Packet, flags: tuple[str, ...]) -> bool:
        """Whether ``-m set --match-set NAME FLAGS`` matches the packet.

        >>> s = parse_ipsets("create web hash:ip,port\\nadd web 192.0.2.2,tcp:443")["web"]
        >>> s.contains(Packet("tcp", dst="192.0.2.2", dport=443), ("dst", "dst"))
        True
        """
        return self.test(pkt, flags)

    def _find(self, pkt: Packet, flags: tuple[str, ...]):
        """The nomatch flag of the entry the packet hits, or None when it hits none."""
        parts = SET_TYPES[self.kind]
        addr = pkt.src_int if flags[0] == "src" else pkt.dst_int
        port = None
        if "port" in parts:
            port = _port_of(pkt, flags[parts.index("port")])
            if port is None:
                return None
        entries = self.entries
        if self.kind in ("hash:ip", "bitmap:ip"):
            return entries.get(addr & _mask(self.netmask))
        if self.kind == "bitmap:port":
            return entries.get(port)
        if self.kind == "hash:ip,port":
            return entries.get((addr, pkt.proto_number, port))
        for prefix in self._prefixes():  # the most specific network first
            net = addr & _mask(prefix)
            key = (
                (prefix, net) if self.kind == "hash:net" else (prefix, net, pkt.proto_number, port)
            )
            if key in entries:
                return entries[key]
        return None

    def mask(self, batch, flags: tuple[str, ...], return_nomatch: bool = False):
        """The packets of a batch in the set (as :meth:`test`)."""
        size = len(batch)
        if len(flags) < self.dimensions or self.family != "inet":
            return np.zeros(size, dtype=bool)
        if self.kind == "list:set":
            out = np.zeros(size, dtype=bool)
            for member in self.resolved:
                out |= member.mask(batch, flags, return_nomatch)
            return out
        parts = SET_TYPES[self.kind]
        addr = np.asarray(batch.src if flags[0] == "src" else batch.dst, dtype=np.int64)
        proto = np.asarray(batch.proto, dtype=np.int64)
        port = None
        if "port" in parts:
            port = _port_column(batch, flags[parts.index("port")])
        found = np.zeros(size, dtype=bool)
        nomatch = np.zeros(size, dtype=bool)

        def look(keys, table):
            hits = np.array([table.get(k) for k in keys.tolist()], dtype=object)
            return hits != None, hits == True  # noqa: E711, E712 - element-wise

        if self.kind in ("hash:ip", "bitmap:ip"):
            found, nomatch = look(addr & _mask(self.netmask), self.entries)
        elif self.kind == "bitmap:port":
            found, nomatch = look(port, self.entries)
        elif self.kind == "hash:ip,port":
            table = {(a << 24) | (p << 16) | q: v for (a, p, q), v in self.entries.items()}
            found, nomatch = look((addr << 24) | (proto << 16) | port, table)
        else:
            for prefix in self._prefixes():
                if self.kind == "hash:net":
                    table = {n: v for (c, n), v in self.entries.items() if c == prefix}
                    keys = addr & _mask(prefix)
                else:
                    table = {
                        (n << 24) | (p << 16) | q: v
                        for (c, n, p, q), v in self.entries.items()
                        if c == prefix
                    }
                    keys = ((addr & _mask(prefix)) << 24) | (proto << 16) | port
                hit, flagged = look(keys, table)
                new = hit & ~found
                nomatch |= new & flagged
                found |= new
        if port is not None:
            found &= port >= 0
        if return_nomatch and self.kind in _NOMATCH_TYPES:
            return found & nomatch
        return found & ~nomatch


def _mask(prefix: int) -> int:
    return (2**32 - 1) ^ (2 ** (32 - prefix) - 1)


def _port_of(pkt: Packet, flag: str) -> int | None:
    """The port a set reads from a packet (None: a non-first fragment, which has none)."""
    if pkt.fragment:
        return None
    if pkt.proto_number in _PORT_PROTOS:
        return pkt.sport if flag == "src" else pkt.dport
    if pkt.proto_number == 1:
        return (pkt.icmp_type << 8) | pkt.icmp_code
    return 0


def _port_column(batch, flag: str):
    proto = np.asarray(batch.proto)
    ports = np.asarray(batch.sport if flag == "src" else batch.dport, dtype=np.int64)
    icmp = (np.asarray(batch.icmp_type, dtype=np.int64) << 8) | np.asarray(
        batch.icmp_code, dtype=np.int64
    )
    out = np.where(np.isin(proto, sorted(_PORT_PROTOS)), ports, 0)
    out = np.where(proto == 1, icmp, out)
    return np.where(np.asarray(batch.fragment) != 0, -1, out)


# --- reading ipset save text ------------------------------------------------------------------


def _address(text: str) -> int:
    return int(ipaddress.IPv4Address(text))


def _network(text: str) -> tuple[int, int]:
    net = ipaddress.IPv4Network(text, strict=False)
    if net.prefixlen == 0:
        raise ValueError("a hash:net entry's prefix is 1-32 (ipset refuses /0)")
    return net.prefixlen, int(net.network_address)


def _addresses(text: str) -> list[int]:
    """An address, a range A-B, or a network (ipset adds each address of it)."""
    if "-" in text:
        lo, hi = (_address(part) for part in text.split("-", 1))
    elif "/" in text:
        net = ipaddress.IPv4Network(text, strict=False)
        lo, hi = int(net.network_address), int(net.broadcast_address)
    else:
        lo = hi = _address(text)
    if hi < lo or hi - lo > 65535:
        raise ValueError("a range is low-high, at most 65536 addresses")
    return list(range(lo, hi + 1))


def _proto_port(text: str) -> list[tuple[int, int]]:
    """``[PROTO:]PORT[-PORT]`` of a port entry (tcp when no protocol is given)."""
    proto_text, colon, port_text = text.rpartition(":")
    proto_name = proto_text.lower() if colon else "tcp"
    if proto_name in PROTOCOLS and proto_name != "all":
        proto = PROTOCOLS[proto_name]
    else:
        number = read_xt_number(proto_name, 255)
        if number is None:
            raise ValueError(f"{quote(proto_name)} is no protocol; expected tcp, udp, icmp ...")
        proto = number
    if proto == 1:
        try:
            kind, code = icmp_type_code(port_text)
        except NetcourseError:
            raise ValueError(f"{quote(port_text)} is no ICMP type such as echo-request") from None
        return [(1, (kind << 8) | (code or 0))]
    if proto not in _PORT_PROTOS:
        if port_text != "0":
            raise ValueError("a protocol without ports takes port 0 (ipset: PROTO:0)")
        return [(proto, 0)]
    return [(proto, port) for port in _ports(port_text)]


def _ports(text: str) -> list[int]:
    lo_text, dash, hi_text = text.partition("-")
    lo = read_xt_number(lo_text, 65535) if lo_text.isdigit() else None
    hi = (read_xt_number(hi_text, 65535) if hi_text.isdigit() else None) if dash else lo
    if lo is None or hi is None or hi < lo:
        raise ValueError(f"{quote(text)}: expected a port 0-65535 or a range such as 8000-8080")
    return list(range(lo, hi + 1))


def _create(name: str, kind: str, options: list[str], line: int) -> IpSet:
    values: dict[str, str] = {}
    index = 0
    while index < len(options):
        word = options[index]
        if word in _CREATE_VALUES and index + 1 < len(options):
            values[word] = options[index + 1]
            index += 2
        elif word in _CREATE_FLAGS:
            index += 2 if word in ("bucketsize", "initval") else 1
        else:
            raise ValueError(f"{quote(word)} is not a create option ipset prints")
    family = values.get("family", "inet")
    if family not in ("inet", "inet6"):
        raise ValueError(f"family {quote(family)}: expected inet or inet6")
    netmask = 32
    if "netmask" in values:
        netmask = read_xt_number(values["netmask"], 32) or 0
        if not 1 <= netmask <= 32:
            raise ValueError(f"netmask {quote(values['netmask'])}: expected a prefix 1-32")
    entries: dict = {}
    if kind in ("bitmap:port", "bitmap:ip") and "range" not in values:
        raise ValueError(f"a {kind} set needs its range (range LOW-HIGH)")
    made = IpSet(name, kind, family, entries, netmask=netmask, line=line)
    if "range" in values:
        try:
            span = _ports(values["range"]) if kind == "bitmap:port" else _addresses(values["range"])
        except (ValueError, ipaddress.AddressValueError) as exc:
            raise ValueError(f"range {quote(values['range'])}: {exc}") from None
        made = dataclasses.replace(made, bounds=(span[0], span[-1]))
    return made


def _add(ipset: IpSet, entry: str, options: list[str]) -> IpSet:
    nomatch = False
    index = 0
    while index < len(options):
        word = options[index]
        if word == "nomatch":
            if ipset.kind not in _NOMATCH_TYPES:
                raise ValueError(f"{ipset.kind} entries cannot be flagged nomatch")
            nomatch, index = True, index + 1
        elif word in _ADD_VALUES and index + 1 < len(options):
            index += 2
        else:
            raise ValueError(f"{quote(word)} is not an add option ipset prints")
    if ipset.family == "inet6":
        return ipset  # an IPv6 set: iptables (IPv4) packets never match it
    kind, entries = ipset.kind, ipset.entries
    if kind == "list:set":
        return dataclasses.replace(ipset, members=(*ipset.members, entry))
    parts = entry.split(",")
    if len(parts) != len(SET_TYPES[kind]):
        raise ValueError(f"a {kind} entry has {len(SET_TYPES[kind])} part(s) joined by a comma")
    if kind in ("hash:ip", "bitmap:ip"):
        addresses = _addresses(parts[0])
        if kind == "bitmap:ip":
            lo, hi = ipset.bounds
            if addresses[0] < lo or addresses[-1] > hi:
                raise ValueError("outside the set's range")
        for addr in addresses:
            entries[addr & _mask(ipset.netmask)] = False
    elif kind == "bitmap:port":
        lo, hi = ipset.bounds
        for port in _ports(parts[0]):
            if not lo <= port <= hi:
                raise ValueError(f"port {port} is outside the set's range {lo}-{hi}")
            entries[port] = False
    elif kind == "hash:net":
        entries[_network(parts[0])] = nomatch
    elif kind == "hash:ip,port":
        addresses, pairs = _addresses(parts[0]), _proto_port(parts[1])
        if len(addresses) * len(pairs) > 65536:
            raise ValueError("one add line makes at most 65536 entries")
        for addr in addresses:
            for proto, port in pairs:
                entries[(addr, proto, port)] = False
    else:
        prefix, net = _network(parts[0])
        for proto, port in _proto_port(parts[1]):
            entries[(prefix, net, proto, port)] = nomatch
    return ipset


def parse_ipsets(text: str) -> dict[str, IpSet]:
    """The sets of ``ipset save`` text, by name; every refused line is reported at once.

    >>> sets = parse_ipsets("create ssh bitmap:port range 0-1023\\nadd ssh 22")
    >>> sets["ssh"].kind, sorted(sets["ssh"].entries)
    ('bitmap:port', [22])
    """
    if not isinstance(text, str):
        raise RuleError(f"ipsets: {quote(text)}: expected the text `ipset save` prints")
    sets: dict[str, IpSet] = {}
    problems: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), 1):
        words = raw.split()
        if not words or words[0].startswith("#"):
            continue
        try:
            if words[0] in ("create", "-N", "-exist") and len(words) >= 3:
                name, kind = words[1], words[2]
                if kind not in SET_TYPES:
                    raise ValueError(
                        f"set type {quote(kind)} is not simulated; simulated types are "
                        f"{', '.join(SET_TYPES)}"
                    )
                if name in sets:
                    raise ValueError(f"set {quote(name)} is created twice")
                if not name or len(name) > 31:
                    raise ValueError("a set name is 1-31 characters")
                sets[name] = _create(name, kind, words[3:], number)
            elif words[0] in ("add", "-A") and len(words) >= 3:
                if words[1] not in sets:
                    raise ValueError(f"no set {quote(words[1])} is created before this line")
                sets[words[1]] = _add(sets[words[1]], words[2], words[3:])
            else:
                raise ValueError("expected create NAME TYPE ... or add NAME ENTRY ...")
        except (ValueError, ipaddress.AddressValueError, ipaddress.NetmaskValueError) as exc:
            problems.append(Problem(number, raw.strip()[:60], str(exc)))
    for ipset in list(sets.values()):
        if ipset.kind != "list:set":
            continue
        for member in ipset.members:
            if member not in sets:
                problems.append(
                    Problem(ipset.line, ipset.name, f"member set {quote(member)}: no such set")
                )
            elif sets[member].kind == "list:set":
                problems.append(Problem(ipset.line, member, "a list:set cannot hold a list:set"))
        if not problems:
            sets[ipset.name] = dataclasses.replace(
                ipset, resolved=tuple(sets[m] for m in ipset.members)
            )
    if problems:
        error = RuleError(
            "ipset save text: "
            + "; ".join(str(p) for p in problems[:20])
            + (f" ... and {len(problems) - 20} more" if len(problems) > 20 else "")
        )
        error.problems = tuple(problems)
        raise error
    return sets


def bind_sets(ruleset: Ruleset, sets: dict[str, IpSet] | None) -> Ruleset:
    """The ruleset with every set match holding its set; every rule naming an unknown set is
    refused at once (RuleError naming the line and the set)."""
    problems: list[Problem] = []

    def rule(r: Rule) -> Rule:
        if not any(isinstance(m, SetMatch) for m in r.matches):
            return r
        matches = []
        for m in r.matches:
            if isinstance(m, SetMatch):
                if sets is None or m.name not in sets:
                    known = (
                        ", ".join(sorted(sets)) if sets else "none: pass ipsets=`ipset save` text"
                    )
                    problems.append(
                        Problem(r.line, m.text, f"no set {quote(m.name)} (sets given: {known})")
                    )
                    matches.append(m)
                    continue
                m = dataclasses.replace(m, ipset=sets[m.name])
            matches.append(m)
        return dataclasses.replace(r, matches=tuple(matches))

    tables = {
        name: {
            c.name: dataclasses.replace(c, rules=tuple(map(rule, c.rules))) for c in chains.values()
        }
        for name, chains in ruleset.tables.items()
    }
    if problems:
        error = RuleError("\n".join(str(p) for p in problems))
        error.problems = tuple(problems)
        raise error
    return Ruleset(tables["filter"], tables)
