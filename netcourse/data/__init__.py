"""Shipped data (captures, example VPCs), found inside the installed package.

Only files inside ``netcourse/data`` are given out: a part that climbs out (``..``), an
absolute path, or a link that leads elsewhere is refused with the topic's error.

>>> path("captures").name
'captures'
>>> try:
...     path("..", "errors.py")
... except CaptureError as exc:
...     print(exc)
'../errors.py': outside netcourse/data; shipped files are named without '..' or a leading '/'
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from netcourse.errors import CaptureError, NetcourseError, VpcError, quote

__all__ = ["path"]

_ROOT = Path(__file__).resolve().parent

#: The error for each shipped folder; the captures' error for a path that names no folder.
_ERRORS: dict[str, type[NetcourseError]] = {"captures": CaptureError, "vpc": VpcError}


def path(*parts: str) -> Path:
    """Absolute path of a shipped data file or folder, e.g. ``path("captures", "http.pcap")``.

    >>> path("vpc", "three-tier").is_dir()
    True
    """
    for part in parts:
        if not isinstance(part, str):
            raise TypeError(f"path() parts must be str, not {type(part).__name__}")
    shown = quote("/".join(parts))
    error = _ERRORS.get(parts[0] if parts else "", CaptureError)
    pieces = [piece for part in parts for piece in PurePosixPath(part).parts]
    root = _ROOT.resolve()
    result = root.joinpath(*parts)
    climbs = any(piece == ".." or piece.startswith("/") or "\x00" in piece for piece in pieces)
    if climbs or not result.resolve().is_relative_to(root):
        raise error(
            f"{shown}: outside netcourse/data; shipped files are named without '..' or a "
            "leading '/'"
        )
    try:
        found = result.exists()
    except OSError:  # a name too long for the file system names no shipped file either
        found = False
    if not found:
        raise error(f"{shown}: no such file in netcourse/data")
    return result
