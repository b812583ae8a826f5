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
from collections import OrderedDict

BAD_REQUEST = "BAD_REQUEST"
WORKER_ERROR = "WORKER_ERROR"
CANCELLED = "CANCELLED"
# Error types of a tool call (ctx.call_tool): raised as ToolError with this error_type.
UNKNOWN_TOOL = "UNKNOWN_TOOL"          # no tool of that name is registered on the Java side
TOOL_NOT_ALLOWED = "TOOL_NOT_ALLOWED"  # the pool's tools.allowed does not list it
TOOL_FAILED = "TOOL_FAILED"            # the tool failed, or went away during the call
TOOL_TIMEOUT = "TOOL_TIMEOUT"          # no answer within the call's timeout
DEFAULT_TOOL_TIMEOUT_S = 30.0

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


class Cancelled(CommandError):
    """The caller cancelled the running request (reported as CANCELLED).

    Raised by ``ctx.check_cancelled()`` and by ``ctx.emit()`` once the request
    is cancelled; a command may also raise it itself.
    """

    error_type = CANCELLED

    def __init__(self, message="the request was cancelled by its caller"):
        super().__init__(message)


class ToolError(CommandError):
    """A tool call that did not succeed; ``error_type`` says why (UNKNOWN_TOOL,
    TOOL_NOT_ALLOWED, TOOL_FAILED, TOOL_TIMEOUT) and ``tool`` names the tool.

    Uncaught, it fails the request with that error type and message.
    """

    error_type = TOOL_FAILED

    def __init__(self, message, error_type=None, tool=None):
        super().__init__(message, error_type)
        self.tool = tool


class ChunkCollector(object):
    """The chunks of a command whose caller did not ask for a stream: kept for its one answer."""

    __slots__ = ("chunks",)
    live = False

    def __init__(self):
        self.chunks = []

    def emit(self, chunk):
        self.chunks.append(chunk)


class SessionCache(object):
    """The versioned session states a worker holds: id -> (version, state dict).

    Bounded: past ``limit`` sessions (0 = unlimited) the least recently used
    is evicted first.  ``get`` and ``put`` count as a use.  See runtime.py
    ("Versioned sessions") for the protocol around it.
    """

    __slots__ = ("limit", "_entries")

    def __init__(self, limit=1000):
        self.limit = limit
        self._entries = OrderedDict()

    def get(self, session_id):
        """(version, state) of a session, or None; marks it most recently used."""
        entry = self._entries.get(session_id)
        if entry is not None:
            self._entries.move_to_end(session_id)
        return entry

    def peek(self, session_id):
        """(version, state) of a session, or None; not counted as a use."""
        return self._entries.get(session_id)

    def put(self, session_id, version, state):
        """Hold ``state`` as ``version`` of a session (most recently used); evicts past the limit."""
        entries = self._entries
        entries[session_id] = (version, state)
        entries.move_to_end(session_id)
        limit = self.limit
        if limit:
            while len(entries) > limit:
                entries.popitem(last=False)

    def pop(self, session_id):
        """Forget one session; returns True if it was held."""
        return self._entries.pop(session_id, None) is not None

    def clear(self):
        """Forget every session; returns how many there were."""
        n = len(self._entries)
        self._entries.clear()
        return n

    def ids(self):
        """The ids held, least recently used first."""
        return list(self._entries)

    def __len__(self):
        return len(self._entries)

    def __contains__(self, session_id):
        return session_id in self._entries


class Context(object):
    """Per-worker context handed to every command.

    One instance lives for the whole life of the worker; ``session``,
    ``request_id`` and ``command`` are updated before each command runs.

    Session state: ``session_state()`` is the place for a session's data.  For a
    request whose session carries a "version" it is the versioned state the
    runtime installed for this request (from ``session_cache``); it must stay
    plain JSON (dicts, lists, strings, numbers, booleans, None): the runtime
    ships it to the caller whenever a command changes it.  Without a version it
    is the per-worker dict kept under ``state["sessions"]`` as before.
    """

    __slots__ = ("session", "worker_id", "pool", "specialization", "state",
                 "adapter", "request_id", "command", "session_cache", "versioned_state",
                 "stream", "cancelled_ids", "tools")

    def __init__(self, worker_id=None, pool=None, specialization=None, adapter=None,
                 session_cache_limit=1000):
        self.session = None          # dict from the request's "session" field, or None
        self.worker_id = worker_id
        self.pool = pool
        self.specialization = specialization
        self.state = {}              # per-worker, survives across requests
        self.adapter = adapter       # adapter name as configured
        self.request_id = None
        self.command = None
        self.session_cache = SessionCache(session_cache_limit)   # versioned sessions
        self.versioned_state = None  # the state of the running request's versioned session
        self.stream = None           # the running request's chunk stream (set by the runtime), or None
        self.cancelled_ids = set()   # request ids the caller cancelled (kept by the runtime)
        self.tools = None            # the channel to the Java side's tools (set by the runtime), or None

    # ---- streaming and cancellation (see runtime.py, "Streams" and "Cancellation")

    def emit(self, chunk):
        """Send one chunk (any JSON value) of the running command's answer.

        When the caller asked for a stream, the chunk travels at once as its own
        frame; otherwise the chunks are collected and the answer is
        ``{"chunks": [...], "result": <return value>}``.  Raises
        :class:`Cancelled` once the caller has cancelled the request.
        """
        if self.request_id in self.cancelled_ids:
            raise Cancelled()
        stream = self.stream
        if stream is None:
            stream = self.stream = ChunkCollector()
        stream.emit(chunk)

    def call_tool(self, name, args=None, timeout=DEFAULT_TOOL_TIMEOUT_S):
        """Call the Java tool ``name`` (a ``PoolerTool`` service) with ``args`` (JSON) and
        return its result (JSON), waiting at most ``timeout`` seconds.

        Only while a command runs (from its thread or threads it started).  Raises
        :class:`ToolError` (UNKNOWN_TOOL, TOOL_NOT_ALLOWED, TOOL_FAILED, TOOL_TIMEOUT),
        :class:`Cancelled` when the caller cancels the request meanwhile, and
        :class:`BadRequest` for a bad name, timeout or unserialisable ``args``.
        """
        if not isinstance(name, str) or not name:
            raise BadRequest("call_tool: the tool name must be a non-empty string, got %r" % (name,))
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
            raise BadRequest("call_tool(%r): timeout must be a number of seconds > 0, got %r" % (name, timeout))
        rid = self.request_id
        if rid in self.cancelled_ids:
            raise Cancelled()
        tools = self.tools
        if tools is None or rid is None:
            raise ToolError("tool %r cannot be called: no command is running on a worker with a tool "
                            "channel" % name, UNKNOWN_TOOL, name)
        return tools.call(rid, name, {} if args is None else args, float(timeout))

    @property
    def cancelled(self):
        """Whether the caller cancelled the running request (a long loop should stop)."""
        return self.request_id in self.cancelled_ids

    def check_cancelled(self):
        """Raise :class:`Cancelled` when the caller cancelled the running request."""
        if self.request_id in self.cancelled_ids:
            raise Cancelled()

    @property
    def session_id(self):
        s = self.session
        if s is None:
            return None
        return s.get("id")

    def session_state(self, session_id=_MISSING):
        """The per-session dict (created on demand) for the current (or given) session.

        Requests without a session share the ``None`` entry.  While a request
        with a versioned session runs, its state (asked for without an id or
        with its own id) is the one the runtime installed from its session cache.
        """
        versioned = self.versioned_state
        if session_id is _MISSING:
            if versioned is not None:
                return versioned
            session_id = self.session_id
        elif versioned is not None and session_id == self.session_id:
            return versioned
        sessions = self.state.get("sessions")
        if sessions is None:
            sessions = self.state["sessions"] = {}
        st = sessions.get(session_id)
        if st is None:
            st = sessions[session_id] = {}
        return st

    def drop_session(self, session_id):
        """Forget the state of one session (versioned or not); returns True if there was any."""
        dropped = self.session_cache.pop(session_id)
        sessions = self.state.get("sessions")
        if sessions and sessions.pop(session_id, None) is not None:
            dropped = True
        return dropped

    def drop_all_sessions(self):
        """Forget the state of every session; returns how many there were.

        The state shared by requests without a session counts as one; a session
        held both with and without versions counts once.
        """
        self.session = None
        self.versioned_state = None
        cache = self.session_cache
        sessions = self.state.get("sessions")
        if sessions:
            n = len(sessions) + sum(1 for sid in cache.ids() if sid not in sessions)
            sessions.clear()
        else:
            n = len(cache)
        cache.clear()
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
