"""``python -m lightapi``: the same command line as ``lightapi`` (R0.5)."""

import sys

from lightapi.cli import main

sys.exit(main())
