"""Packet marks and connection marks: the mark and connmark matches, the MARK and CONNMARK
targets (iptables-extensions(8)), and the numbers they read as iptables reads them.

A packet's mark (``Packet.mark``, the kernel's ``skb->mark``) lives while the packet crosses
the machine; its connection's mark (``Packet.ctmark``, conntrack's mark) is kept in the
conntrack table by :meth:`Firewall.replay` and starts at the packet's ``ctmark`` in a lone
:meth:`Firewall.evaluate`. An INVALID packet has no connection: connmark never matches it
(even negated) and CONNMARK leaves it alone, as xt_connmark does. Taught in
notebooks/04-firewalls.ipynb.

>>> m = MarkMatch(text="--mark 0x1/0xff", negate=False, which="mark", value=1, bits=0xFF)
>>> m.test(Packet("udp", mark=0x101), "NEW"), m.test(Packet("udp", mark=2), "NEW")
(True, False)
>>> op = mark_operation("MARK", ("--or-mark", "0x4"))
>>> hex(apply_mark(op, Packet("udp", mark=1), "NEW").mark)
'0x5'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from netcourse.firewall.matches import STATES, Match
from netcourse.firewall.options import MARK_TARGETS
from netcourse.firewall.packet import Packet

__all__ = [
    "MarkMatch",
    "MarkOperation",
    "MARK_TARGETS",
    "read_xt_number",
    "read_mark",
    "mark_operation",
    "apply_mark",
    "apply_mark_batch",
    "build_mark",
    "check_mark_target",
]

_ALL = 0xFFFFFFFF
#: The options that set a mark from a value (the others of CONNMARK copy marks).
_SETTING = ("--set-xmark", "--set-mark", "--and-mark", "--or-mark", "--xor-mark")


def read_xt_number(text: str, high: int) -> int | None:
    """A number as xtables reads it (strtoul, base 0): decimal, ``0x`` hex or ``0`` octal,
    an optional ``+``; ASCII only. None when it is no such number or above ``high``.

    >>> read_xt_number("0x10", 255), read_xt_number("010", 255), read_xt_number("+5", 255)
    (16, 8, 5)
    >>> read_xt_number("-1", 255), read_xt_number("２", 255), read_xt_number("256", 255)
    (None, None, None)
    """
    if not isinstance(text, str) or not text.isascii():
        return None
    body = text[1:] if text.startswith("+") else text
    if body[:2] in ("0x", "0X"):
        digits, base = body[2:], 16
        ok = bool(digits) and all(c in "0123456789abcdefABCDEF" for c in digits)
    elif body.startswith("0") and len(body) > 1:
        digits, base = body[1:], 8
        ok = all(c in "01234567" for c in digits)
    else:
        digits, base = body, 10
        ok = digits.isdigit()
    if not ok:
        return None
    value = int(digits, base)
    return value if value <= high else None


def read_mark(text: str) -> tuple[int, int] | None:
    """``value[/mask]`` of a mark option (mask 0xffffffff when absent), or None.

    >>> read_mark("0x10/0xff"), read_mark("7")
    ((16, 255), (7, 4294967295))
    """
    value, slash, mask = text.partition("/")
    number = read_xt_number(value, _ALL)
    bits = read_xt_number(mask, _ALL) if slash else _ALL
    if number is None or bits is None:
        return None
    return number, bits


@dataclass(frozen=True, kw_only=True)
class MarkMatch(Match):
    """``-m mark --mark V[/M]`` (the packet's mark) or ``-m connmark --mark V[/M]`` (its
    connection's): true when ``mark & M == V`` (``bits`` is M).

    Marks are not header fields the linter enumerates: :attr:`exact` is False, so lint never
    claims a rule with a mark match catches a packet.
    """

    which: str  # "mark" or "connmark"
    value: int
    bits: int = _ALL

    @property
    def exact(self) -> bool:
        return False

    def test(self, pkt, state, memory=None):
        if self.which == "connmark" and state == "INVALID":  # no connection: never matches
            return False
        return super().test(pkt, state)

    def _holds(self, pkt, state):
        mark = pkt.mark if self.which == "mark" else pkt.ctmark
        return (mark & self.bits) == self.value

    def _mask(self, batch):
        column = batch.mark if self.which == "mark" else batch.ctmark
        return (column & self.bits) == self.value

    def mask(self, batch):
        held = super().mask(batch)
        if self.which == "connmark":
            held = held & (batch.state != STATES["INVALID"])  # INVALID has no connection
        return held

    def variants(self):
        field = "mark" if self.which == "mark" else "ctmark"
        low = self.bits & -self.bits  # the lowest bit the match reads: flipped, it fails
        return ({field: self.value}, {field: self.value ^ low}) if low else ({field: 0},)

    def space(self, names=()):
        return "proto", ((0, 255),)  # any header may carry any mark

    def _space(self, names):  # pragma: no cover - space() is whole
        return "proto", ((0, 255),)

    def _shown(self) -> str:
        return f"{self.value:#x}" + ("" if self.bits == _ALL else f"/{self.bits:#x}")

    def _why(self, pkt, state, ok):
        if self.which == "connmark" and state == "INVALID":
            return "an INVALID packet has no connection, so no connection mark to compare"
        whose = "packet" if self.which == "mark" else "connection"
        mark = pkt.mark if self.which == "mark" else pkt.ctmark
        bits = "" if self.bits == _ALL else f" (masked with {self.bits:#x}: {mark & self.bits:#x})"
        verb = "equals" if self._holds(pkt, state) else "does not equal"
        return f"the {whose} mark {mark:#x}{bits} {verb} {self.value:#x}"

    def explain(self):
        whose = "packet's mark" if self.which == "mark" else "connection's mark (conntrack)"
        bits = "" if self.bits == _ALL else f" in the bits of {self.bits:#x}"
        not_ = "NOT " if self.negate else ""
        return f"the {whose} {not_}equal to {self.value:#x}{bits}"


@dataclass(frozen=True)
class MarkOperation:
    """What a MARK or CONNMARK rule does, as the kernel stores it: ``mode`` ``"mark"`` (MARK:
    ``mark = (mark & ~mask) ^ value``), ``"set"`` (CONNMARK on the connection's mark),
    ``"save"`` or ``"restore"`` (copy between the two through ``nfmask`` and ``ctmask``)."""

    target: str
    mode: str
    value: int = 0
    mask: int = _ALL
    nfmask: int = _ALL
    ctmask: int = _ALL

    def describe(self) -> str:
        """The operation in words.

        >>> mark_operation("CONNMARK", ("--save-mark",)).describe()
        "copy the packet's mark into its connection's mark"
        """
        if self.mode == "save":
            return "copy the packet's mark into its connection's mark"
        if self.mode == "restore":
            return "copy its connection's mark into the packet's mark"
        whose = "packet's mark" if self.mode == "mark" else "connection's mark"
        return f"set the {whose} to (mark AND NOT {self.mask:#x}) XOR {self.value:#x}"


def _bits(option: str, text: str) -> int:
    value = read_xt_number(text, _ALL)
    if value is None:
        raise ValueError(f"{option} {text}", "expected a number 0-0xffffffff such as 0x10")
    return value


@lru_cache(maxsize=4096)
def mark_operation(target: str, words: tuple[str, ...]) -> MarkOperation:
    """The operation of a MARK or CONNMARK target's option words, read as libxt_MARK and
    libxt_CONNMARK read them; ValueError(part, message) when iptables refuses them.

    >>> mark_operation("MARK", ("--set-mark", "0x1/0x3"))
    MarkOperation(target='MARK', mode='mark', value=1, mask=3, nfmask=4294967295, ...)
    """
    given: dict[str, str | None] = {}
    index = 0
    while index < len(words):
        option = words[index]
        takes = MARK_TARGETS[target][option]
        if option in given:
            raise ValueError(option, "given twice in one rule; iptables allows it only once")
        given[option] = words[index + 1] if takes else None
        index += 2 if takes else 1
    setting = [o for o in given if o in _SETTING]
    copying = [o for o in given if o in ("--save-mark", "--restore-mark")]
    if len(setting) + len(copying) != 1:
        if not setting and not copying:
            need = "--set-xmark, --set-mark, --and-mark, --or-mark or --xor-mark"
            if target == "CONNMARK":
                need += ", --save-mark or --restore-mark"
            raise ValueError(f"-j {target}", f"{target} needs one of {need}")
        first, second = [*setting, *copying][:2]
        raise ValueError(second, f"cannot be used together with {first} (iptables refuses it)")
    masks = [o for o in given if o in ("--nfmask", "--ctmask", "--mask")]
    if masks and not copying:
        raise ValueError(masks[0], "goes with --save-mark or --restore-mark only")
    if "--mask" in given and len(masks) > 1:
        raise ValueError("--mask", "--mask sets both --nfmask and --ctmask: give one or the other")
    mode = "mark" if target == "MARK" else "set"
    if copying:
        both = _bits("--mask", given["--mask"]) if "--mask" in given else _ALL
        nfmask = _bits("--nfmask", given["--nfmask"]) if "--nfmask" in given else both
        ctmask = _bits("--ctmask", given["--ctmask"]) if "--ctmask" in given else both
        kind = "save" if copying[0] == "--save-mark" else "restore"
        return MarkOperation(target, kind, nfmask=nfmask, ctmask=ctmask)
    option = setting[0]
    text = given[option]
    if option in ("--set-xmark", "--set-mark"):
        pair = read_mark(text)
        if pair is None:
            raise ValueError(f"{option} {text}", "expected VALUE[/MASK], numbers 0-0xffffffff")
        value, mask = pair
        if option == "--set-mark":
            mask |= value
        return MarkOperation(target, mode, value=value, mask=mask)
    bits = _bits(option, text)
    if option == "--and-mark":
        return MarkOperation(target, mode, value=0, mask=~bits & _ALL)
    if option == "--or-mark":
        return MarkOperation(target, mode, value=bits, mask=bits)
    return MarkOperation(target, mode, value=bits, mask=0)


def apply_mark(op: MarkOperation, pkt: Packet, state: str) -> Packet:
    """The packet after a MARK or CONNMARK rule (the same packet when nothing changes).

    >>> op = mark_operation("CONNMARK", ("--restore-mark",))
    >>> apply_mark(op, Packet("udp", ctmark=9), "NEW").mark
    9
    """
    mark, ctmark = pkt.mark, pkt.ctmark
    if op.mode == "mark":
        mark = (mark & ~op.mask & _ALL) ^ op.value
    elif state == "INVALID":  # no connection: CONNMARK does nothing
        return pkt
    elif op.mode == "set":
        ctmark = (ctmark & ~op.mask & _ALL) ^ op.value
    elif op.mode == "save":
        ctmark = (ctmark & ~op.ctmask & _ALL) ^ (mark & op.nfmask)
    else:
        mark = (mark & ~op.nfmask & _ALL) ^ (ctmark & op.ctmask)
    if (mark, ctmark) == (pkt.mark, pkt.ctmark):
        return pkt
    return dataclasses.replace(pkt, mark=mark, ctmark=ctmark)


def apply_mark_batch(op: MarkOperation, batch, hits: np.ndarray) -> None:
    """Apply a MARK or CONNMARK rule to the packets ``hits`` of a batch, in place."""
    mark, ctmark = batch.mark, batch.ctmark
    if op.mode == "mark":
        mark[hits] = (mark[hits] & (~op.mask & _ALL)) ^ op.value
        return
    hits = hits[batch.state[hits] != STATES["INVALID"]]  # INVALID packets have no connection
    if op.mode == "set":
        ctmark[hits] = (ctmark[hits] & (~op.mask & _ALL)) ^ op.value
    elif op.mode == "save":
        ctmark[hits] = (ctmark[hits] & (~op.ctmask & _ALL)) ^ (mark[hits] & op.nfmask)
    else:
        mark[hits] = (mark[hits] & (~op.nfmask & _ALL)) ^ (ctmark[hits] & op.ctmask)


def build_mark(reader, module: str, given: dict[str, tuple[bool, list[str]]], text: str) -> Match:
    """The match of ``-m mark`` or ``-m connmark`` options; ``reader.fail`` words a refusal."""
    if "--mark" not in given:
        raise reader.fail(text, f"-m {module} needs --mark VALUE[/MASK]")
    negate, (value,) = given["--mark"]
    pair = read_mark(value)
    if pair is None:
        raise reader.fail(
            f"--mark {value}",
            "expected VALUE[/MASK], numbers 0-0xffffffff (decimal, 0x hex or 0 octal)",
        )
    return MarkMatch(text=text, negate=negate, which=module, value=pair[0], bits=pair[1])


def check_mark_target(reader, target: str, words: tuple[str, ...]) -> None:
    """Refuse a MARK or CONNMARK rule whose options iptables refuses (``reader.fail``)."""
    try:
        mark_operation(target, words)
    except ValueError as exc:
        raise reader.fail(*exc.args) from None
