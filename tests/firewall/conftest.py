"""The firewall tests share their helper modules (random rulesets, the kernel lab) by name."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
