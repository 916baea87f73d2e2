"""``python -m rt_pandas``: the same as the ``rt-pandas`` command."""

import sys

from .cli import main

sys.exit(main())
