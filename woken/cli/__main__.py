"""``python -m woken.cli``: the ``woken`` command."""

import sys

from woken.cli.main import main

sys.exit(main())
