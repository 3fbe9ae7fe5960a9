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

__all__ = ["TargetOptions"]


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
        """Check ``ADDR[-ADDR][:PORT[-PORT]]`` of --to-destination or --to-source."""
        addresses, _, ports = value.partition(":")
        try:
            ends = [ipaddress.IPv4Address(a) for a in addresses.split("-")] if addresses else []
        except ValueError:
            ends = None
        if ends is None or len(ends) > 2 or (not ends and not ports):
            raise self.fail(
                f"{option} {value}",
                "expected ADDRESS[-ADDRESS][:PORT[-PORT]] such as 192.0.2.10:80",
            )
        if len(ends) == 2 and ends[0] > ends[1]:
            raise self.fail(f"{option} {value}", "the range's first address is above its last")
        if ports:
            if self.proto not in (6, 17) or self.proto_negated:
                raise self.fail(f"{option} {value}", "a port needs -p tcp or -p udp in the rule")
            self._range(option, ports.replace("-", ":", 1), ("tcp",), shown=value)
