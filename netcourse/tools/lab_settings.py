"""Put the course's JupyterLab settings where this environment's JupyterLab reads them.

The settings (``netcourse/data/jupyterlab/netcourse.json``) change JupyterLab's defaults for the
course: the news prompt ("Would you like to receive official Jupyter news?") is off, since a
learner alone, often offline, has nothing to gain from it. JupyterLab reads a package's defaults
from ``overrides.d/*.json`` in its application settings folder, ``<app dir>/settings`` (the app
dir is ``$JUPYTERLAB_DIR``, else ``<sys.prefix>/share/jupyter/lab``); a learner's own settings
still win over them.

A wheel installs the file there by itself (pyproject.toml's data-files); an editable install
does not, so ``make`` (the venv of ``make lab`` and of the hub) and Binder's ``postBuild`` run
``python -m netcourse.tools.lab_settings``. ``--check`` only says whether the file is current.

>>> import tempfile
>>> target = install(tempfile.mkdtemp())
>>> target.parent.name, json.loads(target.read_text()) == settings()
('overrides.d', True)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from jupyterlab.commands import get_app_dir

from netcourse.data import path

__all__ = ["FILE", "settings", "settings_dir", "install", "main"]

#: The settings file, in netcourse/data/jupyterlab/ and under that name in overrides.d/.
FILE = "netcourse.json"


def settings() -> dict:
    """The course's JupyterLab settings, by plugin id.

    >>> settings()["@jupyterlab/apputils-extension:notification"]["fetchNews"]
    'false'
    """
    return json.loads(path("jupyterlab", FILE).read_text(encoding="utf-8"))


def settings_dir(app_dir: str | os.PathLike | None = None) -> Path:
    """The folder JupyterLab reads packages' defaults from: ``<app dir>/settings/overrides.d``.

    Without ``app_dir``, JupyterLab's own answer for this environment (``get_app_dir()``).

    >>> settings_dir("/srv/lab").as_posix()
    '/srv/lab/settings/overrides.d'
    """
    return Path(get_app_dir() if app_dir is None else app_dir) / "settings" / "overrides.d"


def install(app_dir: str | os.PathLike | None = None) -> Path:
    """Write the settings into :func:`settings_dir` (again, if they changed); return the file."""
    target = settings_dir(app_dir) / FILE
    text = path("jupyterlab", FILE).read_text(encoding="utf-8")
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    """Install the settings (or with ``--check`` only report whether they are current)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is not current")
    parser.add_argument("--app-dir", help="JupyterLab's app dir (default: this environment's)")
    args = parser.parse_args(argv)
    if args.check:
        target = settings_dir(args.app_dir) / FILE
        current = target.exists() and json.loads(target.read_text(encoding="utf-8")) == settings()
        print(f"{target}: {'current' if current else 'missing or stale'}")
        return 0 if current else 1
    print(f"{install(args.app_dir)}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
