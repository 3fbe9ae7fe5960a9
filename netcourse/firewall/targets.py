"""The targets' side of reading a rule: which table and chain a target belongs to, and its
options (NFLOG, TCPMSS, and the nat table's DNAT, SNAT, MASQUERADE and REDIRECT).

:class:`TargetOptions` is the part of the rule reader that checks them as iptables does.
Taught in notebooks/04-firewalls.ipynb.

>>> from netcourse.firewall.parser import parse_rule
>>> parse_rule("-A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 192.0.2.10:80",
...            table="nat").target_options
('--to-destination', '192.0.2.10:80')
"""

from __future__ import annotations

import ipaddress

from netcourse.errors import quote
from netcourse.firewall.family import Family
from netcourse.firewall.options import (
    LOG_OPTIONS,
    NAT_TARGETS,
    NOTING_TARGETS,
    RAW_TARGETS,
    TABLE_CHAINS,
    TARGETS,
    UNSIMULATED_TARGETS,
)

__all__ = ["TargetOptions", "split_nat_to"]


def split_nat_to(value: str, version: int = 4) -> tuple[str, str | None]:
    """(addresses, ports or None) of a --to-destination or --to-source value, split as
    iptables' libxt_NAT does: ``ADDR[-ADDR][:PORT[-PORT]]`` in IPv4; in IPv6 a port needs
    brackets (``[fd00::1]:80``, ``[fd00::1-fd00::9]:80-90``), a bracketless value with more
    than one colon is all address, and what follows ``]`` up to a colon is ignored.

    >>> split_nat_to("[fd00::1-fd00::9]:80-90", 6), split_nat_to("fd00::1:80", 6)
    (('fd00::1-fd00::9', '80-90'), ('fd00::1:80', None))
    """
    if version == 6 and "[" in value:
        start = value.index("[") + 1
        end = value.find("]", start)
        if end < 0:
            raise ValueError("a '[' needs its ']': write [ADDRESS]:PORT such as [fd00::1]:80")
        colon = value.find(":", end + 1)
        return value[start:end], (value[colon + 1 :] if colon >= 0 else None)
    if version == 6 and value.count(":") != 1:
        return value, None
    addresses, colon, ports = value.partition(":")
    return addresses, (ports if colon else None)


class TargetOptions:
    """Checks of targets and their options; the rule reader supplies its state (``table``,
    ``chain``, ``proto``, ``target`` ...), ``fail``, ``_value`` and ``_range``."""

    table: str
    chain: str
    family: Family
    proto: int | None
    proto_negated: bool
    target: str | None
    reject_with: str | None
    target_words: list[str]

    def _check_target(self, option: str, target: str) -> None:
        """Refuse a target the simulator does not run, or one used outside its table or chain."""
        if target in UNSIMULATED_TARGETS:
            raise self.fail(
                option,
                f"target {target} is not simulated; simulated targets are "
                f"{', '.join((*TARGETS, *NOTING_TARGETS, *NAT_TARGETS))} and user chains",
            )
        if target in NAT_TARGETS:
            chains = NAT_TARGETS[target][0]
            if self.table != "nat":
                raise self.fail(option, f"{target} belongs to the nat table (-t nat, *nat)")
            if self.chain in TABLE_CHAINS["nat"] and self.chain not in chains:
                raise self.fail(
                    option,
                    f"{target} works in {' and '.join(chains)} (and chains they jump to), "
                    f"not in {self.chain}",
                )
        if target in RAW_TARGETS and self.table != "raw":
            raise self.fail(option, f"{target} belongs to the raw table (-t raw, *raw)")
        if target == "TCPMSS" and (self.proto not in (None, 6) or self.proto_negated):
            raise self.fail(option, "TCPMSS needs -p tcp in the same rule")

    def _target_option(self, i: int, negate: bool) -> int:
        token = self.tokens[i]
        if negate:
            raise self.fail(f"! {token}", "target options cannot be negated")
        if self.target == "CT" and token != "--notrack":
            raise self.fail(
                token, "CT is simulated only as CT --notrack; its other options are not"
            )
        options = NOTING_TARGETS.get(self.target) or NAT_TARGETS.get(self.target, ((), {}))[1]
        if token in options:
            if not options[token]:
                self.target_words.append(token)
                return i + 1
            value = self._value(i, token)
            if token in ("--to-destination", "--to-source"):
                self._nat_address(token, value)
            elif token == "--to-ports":
                self._range(token, value.replace("-", ":", 1), ("tcp",), shown=value)
            elif token == "--set-mss":
                if not (value.isascii() and value.isdigit() and 0 < int(value) < 65536):
                    raise self.fail(f"{token} {value}", "expected an MSS 1-65535")
            self.target_words += [token, value]
            return i + 2
        if self.target == "REJECT" and token == "--reject-with":
            value = self._value(i, token)
            names = self.family.reject_with  # ip6tables' REJECT answers with ICMPv6
            if value not in names:
                raise self.fail(
                    f"{token} {value}",
                    f"expected one of {', '.join(sorted(set(names.values())))}",
                )
            self.reject_with = names[value]
            return i + 2
        if self.target == "LOG" and token in LOG_OPTIONS:
            if LOG_OPTIONS[token]:
                self._value(i, token)
                return i + 2
            return i + 1
        if options or self.target in TARGETS:
            raise self.fail(token, f"not an option of the {quote(self.target)} target")
        raise self.fail(token, f"{quote(self.target)} is a chain; a chain takes no options")

    def _nat_address(self, option: str, value: str) -> None:
        """Check ``ADDR[-ADDR][:PORT[-PORT]]`` of --to-destination or --to-source (in IPv6
        ``[ADDR[-ADDR]]:PORT[-PORT]``, as ip6tables reads it)."""
        version = self.family.version
        example = "[fd00::10]:80" if version == 6 else "192.0.2.10:80"
        shape = "[ADDRESS[-ADDRESS]]:PORT[-PORT]" if version == 6 else "ADDRESS[-ADDRESS]"
        try:
            addresses, ports = split_nat_to(value, version)
        except ValueError as exc:
            raise self.fail(f"{option} {value}", str(exc)) from None
        kind = ipaddress.IPv6Address if version == 6 else ipaddress.IPv4Address
        try:
            if "%" in addresses:  # a scope id: inet_pton, which ip6tables uses, refuses it
                raise ValueError(addresses)
            ends = [kind(a) for a in addresses.split("-", 1)] if addresses else []
        except ValueError:
            ends = None
        if ends is None or (not ends and ports is None):
            expected = f"{shape}[:PORT[-PORT]]" if version == 4 else shape
            raise self.fail(f"{option} {value}", f"expected {expected} such as {example}")
        if version == 4 and len(ends) == 2 and ends[0] > ends[1]:
            # ip6tables takes a reversed IPv6 range as it is (the kernel's pick then wraps)
            raise self.fail(f"{option} {value}", "the range's first address is above its last")
        if ports is not None:
            if self.proto not in (6, 17) or self.proto_negated:
                raise self.fail(f"{option} {value}", "a port needs -p tcp or -p udp in the rule")
            ends = ports.split("-", 1)
            if not all(ends) or ":" in ports:
                raise self.fail(
                    f"{option} {value}", "expected PORT or PORT-PORT (a dash) after the colon"
                )
            if any(e[0] == "0" and len(e) > 1 and e.isdigit() for e in ends):
                raise self.fail(  # iptables: "Garbage after port value"
                    f"{option} {value}", "a port is written without leading zeros, such as 80"
                )
            self._range(option, ports.replace("-", ":", 1), ("tcp",), shown=value)
