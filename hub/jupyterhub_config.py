"""JupyterHub for a netcourse class on one machine (a lab server).

Run it from the folder that keeps the hub's state (its database and cookie secret), as root so
that each learner's server runs as that learner's own Unix account:

    cd /srv/netcourse-hub
    /opt/netcourse/.venv/bin/jupyterhub -f /opt/netcourse/hub/jupyterhub_config.py

What it sets up (docs/instructor.md, "Running a class on one machine", says why and how):

- LocalProcessSpawner: one single-user server per learner, as that learner, in their own home
  (per-user homes are the system's homes; the progress file of the exercise checks is
  ``~/.local/share/netcourse/progress.json`` in each home).
- The user servers run the course's environment: the Python this hub runs with (one venv holds
  the hub, JupyterLab, nbgitpuller and netcourse), JupyterLab as the default UI.
- Kernels import netcourse from the learner's pulled copy (``~/netcourse``, the folder the
  nbgitpuller link creates), so the notebooks and the library they call always come from the
  same commit; the venv's installed netcourse is the fallback before the first pull.
- PAM login (the machine's accounts), or OAuth through the school's identity provider with
  oauthenticator's GenericOAuthenticator (``NETCOURSE_HUB_AUTH=oauth``; see the instructor guide).

Settings an instructor changes without editing this file (environment variables):

=========================== ===================================================================
NETCOURSE_HUB_URL           where the hub listens (default ``http://:8000``, every interface)
NETCOURSE_HUB_PYTHON        the course environment's Python (default: the one running the hub)
NETCOURSE_HUB_FOLDER        the folder nbgitpuller creates in each home (default ``netcourse``)
NETCOURSE_HUB_LEARNERS      a file of allowed user names, one a line (default
                            ``/etc/netcourse/learners.txt``; ``#`` starts a comment)
NETCOURSE_HUB_ADMINS        admin user names, comma-separated (default: none)
NETCOURSE_HUB_AUTH          ``pam`` (default) or ``oauth``
=========================== ===================================================================

A test (tests/hub/test_hub.py) loads this file, replaces only the authenticator and the spawner
(the dummy authenticator, and SimpleLocalProcessSpawner with homes under a temporary folder, so
no system users are needed), and runs a class of two learners through it in Chromium.
"""

# ruff: noqa: F821  (`c` and `get_config` are given by JupyterHub's config loader)

import os
import sys
from pathlib import Path

c = get_config()

PYTHON = os.environ.get("NETCOURSE_HUB_PYTHON") or sys.executable
FOLDER = os.environ.get("NETCOURSE_HUB_FOLDER", "netcourse")
LEARNERS = Path(os.environ.get("NETCOURSE_HUB_LEARNERS", "/etc/netcourse/learners.txt"))
ADMINS = {name.strip() for name in os.environ.get("NETCOURSE_HUB_ADMINS", "").split(",")}
AUTH = os.environ.get("NETCOURSE_HUB_AUTH", "pam")

#: Memory of one learner's server, measured by hub/measure_memory.py over lessons 02-06
#: and under this hub (docs/instructor.md has the tables): the server takes 125-165 MiB and each
#: lesson's kernel 110-160 MiB. The guarantee holds the server with two kernels (a lesson and its
#: exercises, 490 MiB); the limit holds every lesson's kernel left running (840 MiB).
MEM_GUARANTEE = "512M"
MEM_LIMIT = "1G"
#: A kernel whose notebook tab was closed keeps running (and holding 110-160 MiB) until it has
#: been idle this long; kernels of open notebooks are never culled (cull_connected is False).
KERNEL_IDLE_SECONDS = 1800

# --- the hub -------------------------------------------------------------------------------

c.JupyterHub.bind_url = os.environ.get("NETCOURSE_HUB_URL", "http://:8000")
c.JupyterHub.db_url = "sqlite:///jupyterhub.sqlite"  # in the folder the hub is started from
c.JupyterHub.cookie_secret_file = "jupyterhub_cookie_secret"
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server

# --- who may log in ------------------------------------------------------------------------


def _names(path: Path) -> set[str]:
    """User names from a class list: one a line, blank lines and ``#`` comments skipped."""
    if not path.is_file():
        return set()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return {line for line in lines if line}


if AUTH == "oauth":
    # The school's identity provider (OpenID Connect / OAuth 2). Needs `pip install
    # oauthenticator` in the hub's venv; the client id, secret and URLs come from the
    # environment variables GenericOAuthenticator reads (OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET,
    # OAUTH_CALLBACK_URL, OAUTH2_AUTHORIZE_URL, OAUTH2_TOKEN_URL, OAUTH2_USERDATA_URL).
    c.JupyterHub.authenticator_class = "generic-oauth"
    c.GenericOAuthenticator.scope = ["openid", "profile", "email"]
    c.GenericOAuthenticator.username_claim = "preferred_username"
    # The learners need Unix accounts of the same names (LocalProcessSpawner runs each server
    # as its user): create them beforehand (useradd), with no password of their own.
else:
    c.JupyterHub.authenticator_class = "pam"  # the machine's own accounts and passwords

c.Authenticator.allowed_users = _names(LEARNERS)
c.Authenticator.admin_users = {name for name in ADMINS if name}

# --- each learner's server -----------------------------------------------------------------


def course_path(spawner) -> str:
    """The learner's pulled copy of the course, where their kernels import netcourse from."""
    home = spawner.user_env({}).get("HOME") or os.path.expanduser(f"~{spawner.user.name}")
    return os.path.join(home, FOLDER)


c.JupyterHub.spawner_class = "localprocess"  # per-user homes: each learner's own account
c.Spawner.cmd = [PYTHON, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
# The kernels' PYTHONPATH is the learner's clone (nbgitpuller brings notebooks and library in
# one pull); the hub's own PYTHONPATH is replaced, never passed on.
c.Spawner.environment = {"PYTHONPATH": course_path}
# Sizing (measured): LocalProcessSpawner does not enforce these, but JupyterLab's resource
# indicator shows the limit; on Kubernetes hub/z2jh-values.yaml enforces the same numbers.
c.Spawner.mem_guarantee = MEM_GUARANTEE
c.Spawner.mem_limit = MEM_LIMIT
c.Spawner.args = [
    f"--MappingKernelManager.cull_idle_timeout={KERNEL_IDLE_SECONDS}",
    "--MappingKernelManager.cull_interval=300",
]
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120
