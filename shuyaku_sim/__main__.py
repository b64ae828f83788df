"""``python -m shuyaku_sim``: the shuyaku-sim command line."""

import sys

from shuyaku_sim.cli import main

sys.exit(main())
