"""``python -m benchmarks.accuracy``: see :mod:`benchmarks.accuracy.cli`."""

from __future__ import annotations

import sys

from benchmarks.accuracy.cli import main

if __name__ == "__main__":
    sys.exit(main())
