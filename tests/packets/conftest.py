"""The packet tests share their helper modules (TCP scenarios and tshark's view) by name."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
