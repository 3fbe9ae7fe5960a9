"""Fixtures of the VPC model's tests; their shared data module (vpcdata) is found by name."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from vpcdata import tiny  # noqa: E402


@pytest.fixture
def data():
    """A fresh small VPC as describe-* JSON (see vpcdata.tiny)."""
    return tiny()
