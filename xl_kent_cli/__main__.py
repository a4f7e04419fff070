"""``python -m xl_kent_cli`` is the ``xl-kent`` command."""

from .cli import command

raise SystemExit(command())
