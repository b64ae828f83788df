"""Allow ``python -m kokuho_pc``."""

import sys

from kokuho_pc.cli.main import main

sys.exit(main())
