"""``python -m skgenecyt``: the same command line as the ``skgenecyt`` script."""

import sys

from skgenecyt.cli import main

if __name__ == "__main__":
    sys.exit(main())
