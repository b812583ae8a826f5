"""Pooler Python worker runtime.

Started by the Java side as::

    python3 -u -m pooler_worker --adapter <module> [--worker-id <id>] [--pool <poolId>] [--specialization <s>]

and driven by newline-delimited JSON frames on stdin/stdout (see ``runtime.py``
for the protocol).  Adapter authors only need the names re-exported here.

Importing this package has no side effects.
"""

from .api import (  # noqa: F401
    BAD_REQUEST,
    CANCELLED,
    WORKER_ERROR,
    BadRequest,
    Cancelled,
    CommandError,
    Context,
    arg,
    str_list,
)

PROTOCOL_VERSION = 2

__all__ = [
    "BAD_REQUEST",
    "CANCELLED",
    "WORKER_ERROR",
    "BadRequest",
    "Cancelled",
    "CommandError",
    "Context",
    "arg",
    "str_list",
    "PROTOCOL_VERSION",
]
