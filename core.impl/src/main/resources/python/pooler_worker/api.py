"""Public API for adapter authors.

An adapter is any importable module exposing ``COMMANDS``, a dict mapping a
command name to a callable ``fn(args: dict, ctx: Context) -> JSON-able``.
Optionally it may define ``setup(ctx)``, called once each time the adapter is
loaded into a worker (at start and on a ``configure`` control frame).

Raise :class:`BadRequest` (or ValueError / TypeError / KeyError) for invalid
arguments; any other exception is reported as ``WORKER_ERROR``.

This module must stay free of side effects: it is imported before the worker
has finished protecting its protocol channel.
"""

import sys

BAD_REQUEST = "BAD_REQUEST"
WORKER_ERROR = "WORKER_ERROR"

_MISSING = object()


class CommandError(Exception):
    """An error with an explicit protocol error type."""

    error_type = WORKER_ERROR

    def __init__(self, message, error_type=None):
        super().__init__(message)
        if error_type is not None:
            self.error_type = error_type

    @property
    def message(self):
        return str(self.args[0]) if self.args else ""


class BadRequest(CommandError):
    """The request's arguments are missing or invalid (reported as BAD_REQUEST)."""

    error_type = BAD_REQUEST


class Context(object):
    """Per-worker context handed to every command.

    One instance lives for the whole life of the worker; ``session``,
    ``request_id`` and ``command`` are updated before each command runs.
    """

    __slots__ = ("session", "worker_id", "pool", "specialization", "state",
                 "adapter", "request_id", "command")

    def __init__(self, worker_id=None, pool=None, specialization=None, adapter=None):
        self.session = None          # dict from the request's "session" field, or None
        self.worker_id = worker_id
        self.pool = pool
        self.specialization = specialization
        self.state = {}              # per-worker, survives across requests
        self.adapter = adapter       # adapter name as configured
        self.request_id = None
        self.command = None

    @property
    def session_id(self):
        s = self.session
        if s is None:
            return None
        return s.get("id")

    def session_state(self, session_id=_MISSING):
        """The per-session dict (created on demand) for the current (or given) session.

        Requests without a session share the ``None`` entry.
        """
        if session_id is _MISSING:
            session_id = self.session_id
        sessions = self.state.get("sessions")
        if sessions is None:
            sessions = self.state["sessions"] = {}
        st = sessions.get(session_id)
        if st is None:
            st = sessions[session_id] = {}
        return st

    def drop_session(self, session_id):
        """Forget the state of one session; returns True if there was any."""
        sessions = self.state.get("sessions")
        if not sessions:
            return False
        return sessions.pop(session_id, None) is not None

    def drop_all_sessions(self):
        """Forget the state of every session; returns how many there were.

        The state shared by requests without a session counts as one.
        """
        self.session = None
        sessions = self.state.get("sessions")
        if not sessions:
            return 0
        n = len(sessions)
        sessions.clear()
        return n

    @staticmethod
    def log(*parts):
        """Write a line to stderr (which the Java side logs)."""
        print(*parts, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# argument helpers

_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    list: "a list",
    dict: "an object",
}


def _type_name(t):
    if isinstance(t, tuple):
        return " or ".join(_TYPE_NAMES.get(x, x.__name__) for x in t)
    return _TYPE_NAMES.get(t, t.__name__)


def arg(args, name, kind=None, default=_MISSING, minimum=None, maximum=None):
    """Fetch ``args[name]`` and check its type / range, raising BadRequest.

    ``kind`` may be a type or a tuple of types; ``float`` accepts integers too,
    ``int`` rejects booleans.  If ``default`` is given the argument is
    optional (and ``None`` counts as absent).
    """
    value = args.get(name, None) if type(args) is dict else None
    if value is None:
        if default is _MISSING:
            if kind is None:
                raise BadRequest("argument '%s' is required" % name)
            raise BadRequest("argument '%s' is required (%s)" % (name, _type_name(kind)))
        return default
    if kind is not None:
        kinds = kind if isinstance(kind, tuple) else (kind,)
        ok = False
        for k in kinds:
            if k is float:
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    ok = True
                    break
            elif k is int:
                if isinstance(value, int) and not isinstance(value, bool):
                    ok = True
                    break
            elif isinstance(value, k):
                ok = True
                break
        if not ok:
            raise BadRequest("argument '%s' must be %s, got %s"
                             % (name, _type_name(kind), _json_type(value)))
    if minimum is not None and value < minimum:
        raise BadRequest("argument '%s' must be >= %s, got %r" % (name, minimum, value))
    if maximum is not None and value > maximum:
        raise BadRequest("argument '%s' must be <= %s, got %r" % (name, maximum, value))
    return value


def str_list(args, name, default=_MISSING, allow_empty=False):
    """Fetch a list of strings argument."""
    value = arg(args, name, list, default)
    if value is default and default is not _MISSING:
        return value
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise BadRequest("argument '%s[%d]' must be a string, got %s"
                             % (name, i, _json_type(item)))
    if not value and not allow_empty:
        raise BadRequest("argument '%s' must not be empty" % name)
    return value


def _json_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
