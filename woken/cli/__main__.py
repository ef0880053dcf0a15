"""``python -m woken.cli``: the ``woken`` command."""

from woken.cli.main import main

main()
