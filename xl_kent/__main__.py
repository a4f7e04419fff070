"""``python -m xl_kent`` is the ``xl-kent`` command."""

from .cli import main

raise SystemExit(main())
