"""``python -m analysis FILE [--json] [--rule xinjiang-c51] ...``: the same as ``manyi analyse``."""

from .cli import main

raise SystemExit(main())
