"""Shipped data (captures, example VPCs), found inside the installed package.

>>> path("captures").name
'captures'
"""

from __future__ import annotations

from pathlib import Path

from netcourse.errors import NetcourseError

__all__ = ["path"]

_ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """Absolute path of a shipped data file or folder, e.g. ``path("captures", "http.pcap")``."""
    result = _ROOT.joinpath(*parts)
    if not result.exists():
        raise NetcourseError(f"{'/'.join(parts)!r}: no such file in netcourse/data")
    return result
