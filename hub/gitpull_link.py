"""The nbgitpuller link to give learners: it pulls the course into their home and opens a notebook.

    python hub/gitpull_link.py https://hub.example.edu
    python hub/gitpull_link.py HUB --notebook notebooks/03-cidr-and-subnets.ipynb

>>> link("https://hub.example.edu", "https://github.com/netcourse/netcourse")
'https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fnetcourse%2Fnetcourse&branch=main&urlpath=lab%2Ftree%2Fnetcourse%2Fnotebooks%2F00-welcome.ipynb'
"""

from __future__ import annotations

import argparse
import posixpath
from urllib.parse import urlencode, urlsplit

__all__ = ["folder_of", "link"]

REPO = "https://github.com/netcourse/netcourse"


def folder_of(repo: str) -> str:
    """The folder nbgitpuller clones ``repo`` into: the last part of its path, without ``.git``.

    >>> folder_of("https://github.com/netcourse/netcourse.git"), folder_of("/srv/course/netcourse/")
    ('netcourse', 'netcourse')
    """
    name = posixpath.basename(urlsplit(repo).path.rstrip("/"))
    return name[: -len(".git")] if name.endswith(".git") else name


def link(
    hub: str,
    repo: str = REPO,
    *,
    branch: str = "main",
    notebook: str = "notebooks/00-welcome.ipynb",
) -> str:
    """The ``/hub/user-redirect/git-pull`` link: pull ``repo``, open ``notebook`` in JupyterLab."""
    query = urlencode(
        {"repo": repo, "branch": branch, "urlpath": f"lab/tree/{folder_of(repo)}/{notebook}"}
    )
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("hub", help="the hub's address, e.g. https://hub.example.edu")
    parser.add_argument("--repo", default=REPO, help=f"what learners pull (default {REPO})")
    parser.add_argument("--branch", default="main", help="always give it; never force-push it")
    parser.add_argument("--notebook", default="notebooks/00-welcome.ipynb")
    args = parser.parse_args(argv)
    print(link(args.hub, args.repo, branch=args.branch, notebook=args.notebook))


if __name__ == "__main__":
    main()
