"""The lesson map, declared once: the welcome notebook, doctor(), progress() and the tests read it.

>>> [lesson.slug for lesson in LESSONS][:2]
['00-welcome', '01-sockets-and-4-tuples']
>>> lesson("03").title
'CIDR and subnets'
"""

from __future__ import annotations

from dataclasses import dataclass

from netcourse.errors import NetcourseError

__all__ = ["Lesson", "LESSONS", "lesson"]


@dataclass(frozen=True)
class Lesson:
    """One lesson: number, notebook slug, title, one-line goal, and what it needs beyond Python."""

    number: str
    slug: str
    title: str
    goal: str
    optional_tools: tuple[str, ...] = ()

    @property
    def notebook(self) -> str:
        """Path of the lesson notebook, relative to the repository root."""
        return f"notebooks/{self.slug}.ipynb"

    @property
    def exercises(self) -> str | None:
        """Path of the generated exercise notebook (None for the welcome notebook)."""
        return None if self.number == "00" else f"exercises/{self.slug}.ipynb"


#: The course, in teaching order. ``optional_tools`` name what only the optional labs and
#: differential tests use; every lesson runs without them.
LESSONS: tuple[Lesson, ...] = (
    Lesson("00", "00-welcome", "Welcome", "How the course works, and what this machine can run."),
    Lesson(
        "01",
        "01-sockets-and-4-tuples",
        "Sockets and 4-tuples",
        "See real loopback connections, their 4-tuples, ports and TCP states.",
        ("root (to re-record the handshake capture)",),
    ),
    Lesson(
        "02",
        "02-osi-layers-and-packets",
        "OSI layers and packets",
        "Point at the bytes of each layer in real frames; switches, VLANs and encodings.",
        ("tshark (differential tests)",),
    ),
    Lesson(
        "03",
        "03-cidr-and-subnets",
        "CIDR and subnets",
        "Read and plan networks: prefixes, masks, splitting, VLSM, route decisions.",
        ("ipcalc (differential tests)",),
    ),
    Lesson(
        "04",
        "04-firewalls",
        "Firewalls",
        "Predict iptables verdicts, stateless versus stateful, and lint rulesets.",
        ("root and iptables (kernel differential test)",),
    ),
    Lesson(
        "05",
        "05-aws-vpc",
        "AWS VPC",
        "Route tables, security groups and network ACLs: why can't I reach my instance?",
    ),
    Lesson(
        "06",
        "06-packet-journey",
        "A packet's journey",
        "Follow one HTTP request from a laptop to an EC2 instance and back, hop by hop.",
    ),
)


def lesson(number_or_slug: str) -> Lesson:
    """The lesson with this number ("03") or slug ("03-cidr-and-subnets")."""
    key = str(number_or_slug).strip()
    for item in LESSONS:
        if key in (item.number, item.slug):
            return item
    known = ", ".join(item.number for item in LESSONS)
    raise NetcourseError(f"{number_or_slug!r}: no such lesson; expected one of {known}")
