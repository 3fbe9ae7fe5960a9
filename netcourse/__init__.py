"""netcourse: the helper library behind an interactive networking course for JupyterLab.

Importing the package is cheap: topic modules (``netcourse.cidr``, ``netcourse.packets``,
``netcourse.firewall`` ...) import what they need when they are imported themselves, and
the names below load on first use.

>>> import netcourse
>>> netcourse.NetcourseError.__mro__[1] is ValueError
True
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from netcourse.errors import NetcourseError

if TYPE_CHECKING:  # the class view loads on first use
    from netcourse.checks.classroom import ClassProgress

__all__ = ["NetcourseError", "class_progress", "doctor", "progress", "__version__"]

__version__ = "0.1.0"


def doctor():
    """Report what this environment can run; see :func:`netcourse.tools.doctor.doctor`."""
    # the package root loads its parts on first use: import netcourse stays fast
    from netcourse.tools.doctor import doctor as _doctor

    return _doctor()


def progress():
    """The exercises passed so far, per lesson; see :func:`netcourse.checks.progress`."""
    # the package root loads its parts on first use: import netcourse stays fast
    from netcourse.checks import progress as _progress

    return _progress()


def class_progress(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> ClassProgress:
    """A class's progress from many learners' files, read-only; see
    :func:`netcourse.checks.classroom.class_progress` (a file, folder, glob pattern, or a list).

    >>> class_progress([]).learners
    ()
    """
    # the package root loads its parts on first use: import netcourse stays fast
    from netcourse.checks.classroom import class_progress as _class_progress

    return _class_progress(paths)
