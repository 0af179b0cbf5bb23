"""``python -m cxlab``: the same command line as ``cxlab``."""

import sys

from cxlab.cli import main

if __name__ == "__main__":
    sys.exit(main())
