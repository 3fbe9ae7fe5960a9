"""The hub fixture: a real JupyterHub for each test that asks for one (tests/hub/hubdriver.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from hubdriver import Hub, running_hub  # noqa: E402


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    """A JupyterHub on free loopback ports with two allowed learners and a clone to pull."""
    with running_hub(tmp_path) as started:
        yield started
