"""``python -m xl_kent_cli`` is the ``xl-kent`` command."""

from .cli import main

raise SystemExit(main())
