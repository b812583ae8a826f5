"""The worker runtime: protocol loop, dispatch, threading.

Protocol version 1.  One JSON object per line, UTF-8, compact, on the worker's
stdin (Java -> worker) and stdout (worker -> Java).  stderr is free text.
Error types are "BAD_REQUEST" (the frame or the arguments are wrong) and
"WORKER_ERROR" (anything else: unknown command, exception in a command,
unserialisable result, adapter that cannot be loaded).

Handshake, the first line the worker writes::

    {"ready":true,"pid":123,"protocol":1,"adapter":"bench","capabilities":["echo",...],
     "worker_id":..,"pool":..,"specialization":..,"python":"3.11.7"}
    {"ready":false,"error":{"type":"WORKER_ERROR","message":"cannot load adapter 'x': ..."}}
        (then exit code 3; exit code 2 for a bad command line)

Requests, executed one at a time in arrival order (pipelining allowed, replies
in the same order)::

    {"id":N,"command":"echo","args":{...}?,"session":{"id":"s1",...}?}
    -> {"id":N,"ok":true,"result":<json>}
    -> {"id":N,"ok":false,"error":{"type":"BAD_REQUEST"|"WORKER_ERROR","message":"..."}}
    -> {"id":N,"session":{...},"ok":..,...}     only for a versioned session, see below

A malformed line (not UTF-8/JSON, not an object, no integer id, nested too
deeply, a number the decoder refuses) gets one BAD_REQUEST reply, in order,
and the worker keeps running; blank lines are ignored.  The reply carries the
frame's integer id when one can be found: from the decoded object, or, when
the line cannot be decoded, from its raw bytes if they start like the frames
the Java side writes, ``{"id":N,`` or ``{"control":"x","id":N,`` (up to 18
digits); otherwise "id":null.

Versioned sessions.  A session's state (what ``ctx.session_state()`` returns)
can follow the session from worker to worker: the Java side keeps each
session's state in a versioned store and ships it to a worker that lacks it.
A session object WITHOUT "version" keeps the old behaviour exactly (one state
per id per worker, no versions, nothing extra in replies).  With a version::

    {"id":7,"command":"c","args":{..},"session":{"id":"s1","version":N}}
    {"id":7,"command":"c","args":{..},"session":{"id":"s1","version":N,"state":{...}}}

N is an integer >= 0; "id" must be a string, "state" a JSON object ("state":
null counts as absent); anything else is a BAD_REQUEST.  "state" is sent when
the Java side believes this worker lacks version N.  The worker keeps a session
cache, id -> (version, state), bounded by POOLER_SESSION_CACHE (default 1000
sessions, 0 = unlimited; least recently used evicted first).  The command sees
as the session's state:

    * the shipped "state" (a deep copy), installed in the cache at version N;
    * else the cached state, when the cache holds version N of this id;
    * else, when N == 0, a fresh empty state (a new session);
    * else the command does not run, and the reply is (served is not counted)
      {"id":7,"session":{"id":"s1","missing":N},"ok":false,"error":{"type":"WORKER_ERROR",
       "message":"session 's1' version N is not on this worker (it has M); the caller must
       send its state"}}                      ("it has none" when the id is not cached)

The state is compared before and after the command through its canonical JSON
text (sort_keys, separators "," ":", strict: no NaN/Infinity, no conversions
of non-JSON types).  After a successful command:

    * unchanged: the reply is exactly the one without sessions,
      {"id":7,"ok":true,"result":..} (the Java fast path takes it);
    * changed: the cache holds it as version N+1 and the reply carries it, in
      canonical form, with "session" BEFORE "ok" (so that it never matches the
      Java fast path, which parses only replies starting {"id":N,"ok":true,"result":):
      {"id":7,"session":{"id":"s1","version":N+1,"state":{...}},"ok":true,"result":..}
    * not serializable: {"id":7,"ok":false,"error":{"type":"WORKER_ERROR","message":
      "session state of 's1' is not JSON-serializable: TypeError: ..."}}.

Whenever the reply is an error (the command failed, the result or the new
state cannot be serialised, the reply is over the limit) the cached state is
the one from before the command, still at version N (no partial mutation
survives), and the error reply carries no "session".  end_session drops the id
from the cache (and from the unversioned states); configure clears the cache.
While a versioned request runs, ``ctx.session_state()`` (and
``ctx.session_state(<its own id>)``) is that state; other ids go to the
unversioned per-worker states.  Adapters must keep a versioned state plain
JSON (dicts with string keys, lists, strings, numbers, booleans, null): a
tuple, say, reads back as a list on the next worker.

Size limits (bytes of one line, newline included; 0 = unlimited; a bad value
is logged and the default used):

    POOLER_MAX_REQUEST_BYTES (default 64 MiB): a longer request line is read
        and thrown away in pieces (the worker's memory stays bounded) and gets a
        BAD_REQUEST reply naming its size.
    POOLER_MAX_REPLY_BYTES (default 16 MiB): a longer frame is never written;
        the request gets {"id":N,"ok":false,"error":{"type":"WORKER_ERROR",
        "message":"the result of 'embed' is 123456789 bytes, over the reply limit
        of 16777216 bytes (POOLER_MAX_REPLY_BYTES)"}} instead.  The same holds for
        error replies and control replies (the message then names that frame).

Streams (protocol 2).  A request may carry "stream":true.  A command streams by
returning a generator (each item is a chunk; its return value is the result)
or by calling ctx.emit(chunk) while it runs.  For a streaming request each
chunk travels at once as its own frame, numbered from 0, and the one final
reply carries "end", the number of chunks sent, before "ok" (so it never takes
the Java fast path)::

    {"id":7,"command":"generate","args":{..},"stream":true}
    -> {"id":7,"seq":0,"chunk":<json>}
    -> {"id":7,"seq":1,"chunk":<json>}
    -> {"id":7,"end":2,"ok":true,"result":<json>}
    -> {"id":7,"ok":false,"error":{..}}          (an error after some chunks: no "end")

Without "stream" (an old caller) the chunks are collected and the one reply is
{"id":7,"ok":true,"result":{"chunks":[..],"result":<return value>}}; a command
that neither yields nor emits answers exactly as before.  A chunk over the
reply limit or not serialisable fails the request (WORKER_ERROR).

Cancellation (protocol 2)::

    {"control":"cancel","request":7}     no id, no reply; read at once by the reader thread

marks request 7 cancelled: ctx.cancelled becomes true, ctx.check_cancelled()
and ctx.emit() raise Cancelled, a generator is closed before its next item,
and a request not yet started is not run.  The reply is then
{"id":7,"ok":false,"error":{"type":"CANCELLED",..}} (or whatever the command
answers if it ignores the mark; the Java side recycles a worker that does
not answer within its grace period).  A cancel for an unknown or finished
request is ignored.  The handshake lists "features":["stream","cancel","tools"].

Tool calls (protocol 2, feature "tools").  While a command runs it may call a
Java tool (a PoolerTool service registered with pooler.tool=<name>) through
ctx.call_tool(name, args, timeout=30.0).  The worker writes, on stdout, a
frame with an id of its own (counted from 1 per worker; tool calls never share
the request ids' space)::

    -> {"tool_call":K,"request":7,"tool":"kv","args":{..},"timeout_ms":30000}

and the calling thread waits.  The Java side answers on stdin, read at once by
the reader thread (even while the command runs) and handed to the waiting call::

    {"control":"tool_reply","id":K,"ok":true,"result":<json>}
    {"control":"tool_reply","id":K,"ok":false,"error":{"type":T,"message":".."}}

T is UNKNOWN_TOOL (no such tool), TOOL_NOT_ALLOWED (not in the pool's
tools.allowed), TOOL_FAILED (the tool failed, or its service went away during
the call) or TOOL_TIMEOUT (not answered within timeout_ms).  ctx.call_tool
returns the result or raises ToolError with that type; uncaught, the request
fails with it.  The worker waits timeout seconds itself too, then raises
TOOL_TIMEOUT and drops a late reply.  A cancel of the request wakes its waiting
calls with Cancelled.  A reply to an unknown K is ignored.  Several threads of
one command may call tools at once.  The Java side sends tool_reply frames only
in answer to tool_call frames: a protocol 1 worker never sees one.

Control frames::

    {"control":"ping","id":N}  -> {"control":"pong","id":N,"pid":..,"served":..,"rss_kb":..,"busy":..}
        answered at once by the reader thread, even while a command runs.
        served = commands executed so far (ok or error); rss_kb = VmRSS or null; busy = a command is running.
    {"control":"configure","id":N,"adapter":"text"?,"specialization":".."?,"pool":".."?,"worker_id":".."?}
        -> {"id":N,"ok":true,"result":{"adapter":..,"specialization":..,"pool":..,"worker_id":..,
                                        "capabilities":[..],"sessions_cleared":n}}  (in order with requests)
        A key present with null clears specialization/pool.  A successful configure drops the
        state of every session (ctx.state["sessions"] and the versioned session cache; the
        state shared by requests without a session counts as one, an id in both counts once):
        a worker lent to another pool carries nothing of its former pool's sessions.
        sessions_cleared = how many were dropped.  On failure the previous
        adapter, settings and sessions stay and the reply is an error (WORKER_ERROR "cannot
        load adapter ...", or BAD_REQUEST for a non-string field).
        "adapters"? = {"name": {"module": "acme.sentiment", "path": "/..", "version": ".."}}
        adds adapters delivered as bundles (as POOLER_ADAPTERS does at launch), so a
        worker lent to a pool whose adapter is a bundle can load it.
    {"control":"end_session","id":N,"session":"s1"}
        -> {"id":N,"ok":true,"result":{"session":"s1","dropped":bool}}   (in order)
        Drops the id's versioned (cached) state and its unversioned state.
    {"control":"put_session","id":N,"session":"s1","version":V,"state":{...}}
        -> {"id":N,"ok":true,"result":{"session":"s1","version":held,"installed":bool}}   (in order)
        Puts a versioned session's state into the cache ahead of any request (eager
        sync, an explicit sync call), as version V >= 1; a cached version newer than
        V stays (installed false, held = that version).  A bad field is a BAD_REQUEST.
    {"control":"shutdown"}
        no reply; the running and already queued work is finished, then exit 0.
    any other control -> BAD_REQUEST reply with the frame's id.

Exit: stdin EOF -> exit 0 at once (even while a command runs), unless a
shutdown was received first, in which case queued work may finish (bounded by
POOLER_SHUTDOWN_GRACE_S, default 30 s).  SIGINT is ignored; SIGTERM and
SIGKILL behave as usual.  A command calling sys.exit(n) exits with n.

Process lifetime (lifetime.py).  No worker may outlive the JVM, and nothing a
worker started may outlive the worker:

* Parent death.  At start the worker asks the kernel for SIGKILL when its
  parent dies (prctl(PR_SET_PDEATHSIG) through ctypes, Linux), then checks
  getppid() once more, as the parent may have died before the request took
  effect.  A signal from the kernel works even while a command is stuck in C
  code holding the GIL, where no Python thread can run.  Caveat: Linux sends
  it when the parent *thread* that started the worker ends, not only when the
  whole JVM does, so the Java side must start workers from threads that live
  as long as the pool (POOLER_WORKER_PDEATHSIG=0 turns this off).  A watchdog
  thread that exits (0) when getppid() changes stays as the fallback on other
  systems.
* Children.  The worker leads its own process group (setpgid(0, 0)); the
  processes its commands start stay in that group.  To kill them when the worker
  dies - however it dies, SIGKILL included, which it cannot react to - the
  worker forks a guardian at start, before any thread runs or any adapter is
  imported: a plain fork, no exec, so it is cheap and needs nothing on disk.
  The guardian points its fds 0-2 at /dev/null and closes every other
  descriptor (so it never touches the protocol and never holds the worker's
  pipes open: the JVM sees EOF on stdout the moment the worker dies), asks
  for a parent-death signal of its own and sleeps until it comes; then it
  SIGKILLs the worker's process group, itself included.  This happens on
  every exit of the worker, normal or not.  Chosen over the alternatives: a
  child subreaper role (PR_SET_CHILD_SUBREAPER) dies with the worker itself, a
  cgroup needs privileges, and a parent-death signal in every child would need
  a hook in each adapter's spawning code; killing the group from another
  process is what still works after a SIGKILL.  Cost: one more process per
  worker, about 3-5 MB of private memory (pages it shares with the worker
  become its own as the worker writes them).  Children that leave the group
  (setsid, start_new_session=True) escape it.  The guardian has the worker's
  command line; ps and top show it as "pooler-guardian".
  If the guardian cannot be started the worker runs without it and says so on
  stderr; POOLER_WORKER_GUARDIAN=0 turns it off.
"""

import importlib
import json
import os
import re
import signal
import sys
import threading
import time
import traceback
from queue import SimpleQueue
from types import GeneratorType as _GeneratorType

from . import lifetime
from .api import (BAD_REQUEST, CANCELLED, TOOL_FAILED, TOOL_TIMEOUT, WORKER_ERROR, BadRequest, Cancelled,
                  CommandError, Context, ToolError)

PROTOCOL_VERSION = 2
# What this runtime understands beyond protocol 1 (the Java side uses a feature only when listed).
FEATURES = ("stream", "cancel", "tools")

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_ADAPTER = 3

MAX_REQUEST_ENV = "POOLER_MAX_REQUEST_BYTES"
MAX_REPLY_ENV = "POOLER_MAX_REPLY_BYTES"
DEFAULT_MAX_REQUEST_BYTES = 64 << 20
DEFAULT_MAX_REPLY_BYTES = 16 << 20
SESSION_CACHE_ENV = "POOLER_SESSION_CACHE"
DEFAULT_SESSION_CACHE = 1000


def _default(o):
    """Best-effort conversion of common non-JSON types returned by adapters."""
    if isinstance(o, (set, frozenset)):
        return list(o)
    for attr in ("tolist", "model_dump", "dict"):       # numpy, pydantic v2, pydantic v1
        fn = getattr(o, attr, None)
        if callable(fn):
            return fn()
    if hasattr(o, "__dataclass_fields__"):
        import dataclasses
        return dataclasses.asdict(o)
    if isinstance(o, (bytes, bytearray)):
        return o.decode("utf-8", "replace")
    raise TypeError("Object of type %s is not JSON serializable" % type(o).__name__)


# Pre-built encoders: json.dumps() with non-default options would build a new
# encoder on every call.  allow_nan=False keeps the output strict JSON.
_json_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"),
                                 allow_nan=False, default=_default)
_json_encoder_ascii = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"),
                                       allow_nan=False, default=_default)
_decode = json.JSONDecoder().decode
_encode = _json_encoder.encode
_encode_ascii = _json_encoder_ascii.encode
# The canonical form of a versioned session's state: compared before and after
# a command, and the very text shipped in the reply.  Strict JSON: no default
# conversions, no NaN/Infinity (TypeError/ValueError instead).
_canonical = json.JSONEncoder(sort_keys=True, separators=(",", ":"), allow_nan=False).encode


def _to_bytes(text):
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # lone surrogates (e.g. from "\ud800" in a request): re-encode with \u escapes
        return None


def dumps_line(obj):
    """Serialise one frame: compact JSON + newline, UTF-8 bytes."""
    data = _to_bytes(_encode(obj) + "\n")
    if data is None:
        data = (_encode_ascii(obj) + "\n").encode("ascii")
    return data


def rss_kb():
    """Resident set size of this process in kB (VmRSS), or None if unknown."""
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def _die(code):
    try:
        sys.stderr.flush()
    except Exception:
        pass
    os._exit(code)


# --------------------------------------------------------------------------
# adapters

class AdapterLoadError(Exception):
    pass


_MODULE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def load_adapter(name):
    """Import one adapter, or several joined by commas (``bench,text``).

    Returns (modules, merged commands dict); where two adapters offer the same
    command, the one named first wins.
    """
    if isinstance(name, str) and "," in name:
        modules, merged = [], {}
        for part in name.split(","):
            part = part.strip()
            if not part:
                continue
            more, commands = load_adapter(part)
            modules.extend(more)
            for key, fn in commands.items():
                merged.setdefault(key, fn)
        if not modules:
            raise AdapterLoadError("cannot load adapter %r: no module named" % (name,))
        return modules, merged
    module, commands = _load_one(name)
    return [module], commands


ADAPTERS_ENV = "POOLER_ADAPTERS"

# Adapters delivered as OSGi bundles: name -> {"module": ..., "path": ..., "version": ...}.
# Java's extender unpacks each bundle's Python package into a folder of its own and
# names it here (the environment at launch, or a configure frame's "adapters").
_BUNDLED = {}


def add_bundled_adapters(table, where):
    """Merge a table of bundled adapters; raises AdapterLoadError naming what is wrong."""
    if not isinstance(table, dict):
        raise AdapterLoadError("%s: must be a JSON object of adapters, got %s" % (where, _json_kind(table)))
    checked = {}
    for name, entry in table.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("module"), str) \
                or not isinstance(entry.get("path"), str) or not _MODULE_NAME.match(entry["module"]):
            raise AdapterLoadError("%s: adapter %r needs a string 'module' (a Python module name) and 'path'"
                                   % (where, name))
        checked[name] = entry
    _BUNDLED.update(checked)


def _bundled_adapters_from_env():
    raw = os.environ.get(ADAPTERS_ENV)
    if raw:
        try:
            add_bundled_adapters(json.loads(raw), ADAPTERS_ENV)
        except (ValueError, AdapterLoadError) as e:
            sys.stderr.write("pooler_worker: %s ignored: %s\n" % (ADAPTERS_ENV, e))


_bundled_adapters_from_env()


def _load_one(name):
    """Import an adapter module; returns (module, commands dict).

    A bundled adapter (``POOLER_ADAPTERS``) is imported from its own folder under
    its module name.  Other short names are looked up as
    ``pooler_worker.adapters.<name>`` first, then imported as given.  Raises
    AdapterLoadError with a readable message.
    """
    if not isinstance(name, str) or not _MODULE_NAME.match(name):
        raise AdapterLoadError("cannot load adapter %r: not a valid module name" % (name,))
    bundled = _BUNDLED.get(name)
    if bundled is not None:
        if bundled["path"] not in sys.path:
            sys.path.insert(0, bundled["path"])
        candidates = (bundled["module"],)
    else:
        candidates = ("pooler_worker.adapters." + name, name)
    module = None
    try:
        for i, modname in enumerate(candidates):
            try:
                module = importlib.import_module(modname)
                break
            except ModuleNotFoundError as e:
                missing = e.name or ""
                if i == 0 and missing and (modname == missing or modname.startswith(missing + ".")):
                    continue        # not a built-in adapter: try the name as given
                raise
    except Exception as e:
        traceback.print_exc()
        raise AdapterLoadError("cannot load adapter '%s': %s: %s" % (name, type(e).__name__, e))
    commands = getattr(module, "COMMANDS", None)
    if not isinstance(commands, dict):
        raise AdapterLoadError("cannot load adapter '%s': module %s has no COMMANDS dict"
                               % (name, module.__name__))
    for key, fn in commands.items():
        if not isinstance(key, str) or not callable(fn):
            raise AdapterLoadError("cannot load adapter '%s': COMMANDS[%r] is not a callable "
                                   "under a string name" % (name, key))
    return module, commands


# --------------------------------------------------------------------------
# limits and malformed frames

def _byte_limit(env, default, what="a byte count"):
    """A size limit from the environment: a non-negative integer, 0 = unlimited."""
    raw = os.environ.get(env)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = -1
    if value < 0:
        sys.stderr.write("pooler_worker: %s=%r is not %s; using %d\n" % (env, raw, what, default))
        return default
    return value


def _count_limit(env, default):
    """A count limit from the environment: a non-negative integer, 0 = unlimited."""
    return _byte_limit(env, default, "a number of sessions")


# A frame the decoder refuses still names its request when it starts the way
# the Java side writes frames: {"id":N,... or {"control":"x","id":N,...
# Up to 18 digits: every such number fits a Java long.
_LEADING_ID = re.compile(
    rb'\s*\{\s*(?:"control"\s*:\s*"[A-Za-z_]{0,32}"\s*,\s*)?"id"\s*:\s*(-?[0-9]{1,18})\s*[,}]')


def _leading_id(raw):
    """The integer id at the start of a raw (undecodable) frame, or None."""
    m = _LEADING_ID.match(raw)
    return int(m.group(1)) if m else None


class _BadFrame(object):
    """A line the reader refused before decoding (too long); queued to keep replies in order."""

    __slots__ = ("rid", "message")

    def __init__(self, rid, message):
        self.rid = rid
        self.message = message


# --------------------------------------------------------------------------
# the worker

class _Shutdown(Exception):
    pass


class _LiveStream(object):
    """The chunks of a request whose caller asked for a stream: each one a frame, at once."""

    __slots__ = ("worker", "rid", "sent", "closed")
    live = True

    def __init__(self, worker, rid):
        self.worker = worker
        self.rid = rid
        self.sent = 0
        self.closed = False

    def emit(self, chunk):
        if self.closed:
            raise RuntimeError("request %d has been answered: no more chunks" % self.rid)
        try:
            text = '{"id":%d,"seq":%d,"chunk":%s}\n' % (self.rid, self.sent, _encode(chunk))
        except (TypeError, ValueError) as e:
            raise CommandError("chunk %d is not JSON-serializable: %s" % (self.sent, _describe(e)))
        data = _to_bytes(text)
        if data is None:
            data = dumps_line({"id": self.rid, "seq": self.sent, "chunk": chunk})
        worker = self.worker
        if len(data) > worker._reply_cap:
            raise CommandError("chunk %d is %d bytes, over the reply limit of %d bytes (%s)"
                               % (self.sent, len(data), worker.max_reply_bytes, MAX_REPLY_ENV))
        worker.send_bytes(data)
        self.sent += 1

    def close(self):
        """No more chunks; returns how many were sent."""
        self.closed = True
        return self.sent


class _ToolWaiter(object):
    """One tool call waiting for its reply."""

    __slots__ = ("rid", "event", "reply", "cancelled")

    def __init__(self, rid):
        self.rid = rid
        self.event = threading.Event()
        self.reply = None
        self.cancelled = False


class _ToolChannel(object):
    """Tool calls from commands to the Java side (see "Tool calls" above)."""

    def __init__(self, worker):
        self._worker = worker
        self._lock = threading.Lock()
        self._waiting = {}
        self._next = 1

    def call(self, rid, name, args, timeout):
        waiter = _ToolWaiter(rid)
        with self._lock:
            k = self._next
            self._next += 1
            self._waiting[k] = waiter
        try:
            try:
                data = dumps_line({"tool_call": k, "request": rid, "tool": name, "args": args,
                                   "timeout_ms": max(1, int(timeout * 1000))})
            except (TypeError, ValueError) as e:
                raise BadRequest("call_tool(%r): the arguments are not JSON-serializable: %s" % (name, _describe(e)))
            worker = self._worker
            if len(data) > worker._reply_cap:
                raise BadRequest("call_tool(%r): the call is %d bytes, over the reply limit of %d bytes (%s)"
                                 % (name, len(data), worker.max_reply_bytes, MAX_REPLY_ENV))
            if rid in worker.ctx.cancelled_ids:
                raise Cancelled()
            worker.send_bytes(data)
            if not waiter.event.wait(timeout):
                raise ToolError("tool '%s' did not answer within %d ms" % (name, int(timeout * 1000)),
                                TOOL_TIMEOUT, name)
        finally:
            with self._lock:
                self._waiting.pop(k, None)
        if waiter.cancelled:
            raise Cancelled()
        reply = waiter.reply
        if reply.get("ok") is True:
            return reply.get("result")
        error = reply.get("error")
        etype = error.get("type") if error.__class__ is dict else None
        message = error.get("message") if error.__class__ is dict else None
        raise ToolError(message if message.__class__ is str else "tool '%s' failed: %s" % (name, _json_repr(error)[:200]),
                        etype if etype.__class__ is str and etype else TOOL_FAILED, name)

    def answer(self, msg):
        """On the reader thread: a tool_reply frame wakes its call (a late or unknown one is dropped)."""
        with self._lock:
            waiter = self._waiting.get(msg.get("id")) if _is_int(msg.get("id")) else None
        if waiter is not None:
            waiter.reply = msg
            waiter.event.set()

    def cancel(self, rid):
        """On the reader thread: the calls of a cancelled request stop waiting."""
        with self._lock:
            waiters = [w for w in self._waiting.values() if w.rid == rid]
        for waiter in waiters:
            waiter.cancelled = True
            waiter.event.set()


class Worker(object):

    def __init__(self, out, worker_id=None, pool=None, specialization=None):
        self._out = out
        self._lock = threading.Lock()
        self._queue = SimpleQueue()
        self.pid = os.getpid()
        self.ctx = Context(worker_id=worker_id, pool=pool, specialization=specialization,
                           session_cache_limit=_count_limit(SESSION_CACHE_ENV, DEFAULT_SESSION_CACHE))
        self.served = 0
        self.busy = False
        self.adapter_name = None
        self.adapter_module = None
        self.commands = {}
        self.shutdown_requested = False
        self._executor_thread = None
        self.max_request_bytes = _byte_limit(MAX_REQUEST_ENV, DEFAULT_MAX_REQUEST_BYTES)
        self.max_reply_bytes = _byte_limit(MAX_REPLY_ENV, DEFAULT_MAX_REPLY_BYTES)
        # the same limit as a number a length can be compared with directly
        self._reply_cap = self.max_reply_bytes or sys.maxsize
        self.tools = self.ctx.tools = _ToolChannel(self)

    # ---- output ----------------------------------------------------------

    def send(self, obj, what=None):
        """Write one frame; one over the reply limit is replaced by an error (see _oversize)."""
        data = dumps_line(obj)
        if len(data) > self._reply_cap:
            data = dumps_line(self._oversize(obj, len(data), what))
        self.send_bytes(data)

    def send_bytes(self, data):
        lock = self._lock
        lock.acquire()
        try:
            self._out.write(data)
            self._out.flush()
        except (OSError, ValueError):
            # Java closed our stdout: nobody is listening any more.
            _die(EXIT_OK)
        finally:
            lock.release()

    def send_error(self, rid, etype, message, what=None):
        self.send({"id": rid, "ok": False, "error": {"type": etype, "message": message}}, what)

    def _oversize(self, obj, size, what):
        """The frame written instead of `obj`, which is `size` bytes, over the reply limit.

        It answers the same request (or stands for the same handshake), so the
        Java side still gets exactly one answer.  Its message names no user data,
        so it is always small.
        """
        if what is None:
            if "ready" in obj:
                what = "the handshake"
            elif "control" in obj:
                what = "the %s frame" % _json_repr(obj.get("control"))[:40]
            elif obj.get("ok") is False:
                what = "the error reply to request %s" % _json_repr(obj.get("id"))
            else:
                what = "the reply to request %s" % _json_repr(obj.get("id"))
        error = {"type": WORKER_ERROR, "message": "%s is %d bytes, over the reply limit of %d bytes (%s)"
                 % (what, size, self.max_reply_bytes, MAX_REPLY_ENV)}
        if "ready" in obj:
            return {"ready": False, "error": error}
        return {"id": obj.get("id"), "ok": False, "error": error}

    # ---- adapter ---------------------------------------------------------

    def capabilities(self):
        return sorted(self.commands)

    def use_adapter(self, name):
        modules, commands = load_adapter(name)
        old = self.ctx.adapter
        self.ctx.adapter = name
        for module in modules:
            setup = getattr(module, "setup", None)
            if not callable(setup):
                continue
            try:
                setup(self.ctx)
            except Exception as e:
                self.ctx.adapter = old
                traceback.print_exc()
                raise AdapterLoadError("cannot load adapter '%s': setup failed: %s: %s"
                                       % (name, type(e).__name__, e))
        self.adapter_name = name
        self.adapter_module = modules[0]
        self.commands = commands

    def handshake(self):
        ctx = self.ctx
        self.send({
            "ready": True,
            "pid": self.pid,
            "protocol": PROTOCOL_VERSION,
            "features": list(FEATURES),
            "adapter": self.adapter_name,
            "capabilities": self.capabilities(),
            "worker_id": ctx.worker_id,
            "pool": ctx.pool,
            "specialization": ctx.specialization,
            "python": "%d.%d.%d" % sys.version_info[:3],
        })

    # ---- threads ---------------------------------------------------------

    def start_watchdog(self, ppid=None, interval=0.5):
        if ppid is None:
            ppid = os.getppid()

        def watch():
            getppid = os.getppid
            sleep = time.sleep
            while True:
                sleep(interval)
                if getppid() != ppid:
                    sys.stderr.write("pooler_worker: parent process %d is gone, exiting\n" % ppid)
                    _die(EXIT_OK)

        t = threading.Thread(target=watch, name="pooler-watchdog", daemon=True)
        t.start()
        return t

    def start_executor(self):
        t = threading.Thread(target=self._executor_loop, name="pooler-executor", daemon=True)
        self._executor_thread = t
        t.start()
        return t

    # ---- reader (runs on the main thread) --------------------------------

    def read_loop(self, inp):
        readline = inp.readline
        put = self._queue.put
        # readline(limit) never holds more than the limit in memory; a line cut at
        # the limit (no newline at its end) is longer than allowed
        limit = self.max_request_bytes or -1
        cut = self.max_request_bytes or sys.maxsize
        while True:
            try:
                line = readline(limit)
                if len(line) >= cut and line[-1] != 10:
                    line = self._skip_long_line(line, readline, limit)
            except (OSError, ValueError):
                line = b""
            if not line:
                self._on_eof()
                return
            if line.__class__ is _BadFrame:
                put(line)
                continue
            if b'"control"' in line:
                try:
                    msg = _decode(line.decode("utf-8"))
                except Exception:
                    put(line)               # the executor reports it, in order
                    continue
                if msg.__class__ is dict:
                    control = msg.get("control")
                    if control == "ping":
                        self.pong(msg.get("id"))
                        continue
                    if control == "tool_reply":
                        self.tools.answer(msg)
                        continue
                    if control == "cancel":
                        self._cancel(msg.get("request"))
                        continue
                    if control == "shutdown":
                        self.shutdown_requested = True
                put(msg)
                continue
            if line.isspace():
                continue                    # blank lines are ignored
            put(line)

    def _skip_long_line(self, head, readline, limit):
        """Read and drop the rest of a line over the request limit.

        Returns the _BadFrame that answers it, or b"" if stdin ended first.
        """
        size = len(head)
        while True:
            chunk = readline(limit)
            size += len(chunk)
            if not chunk:
                return b""
            if chunk[-1] == 10:
                break
        return _BadFrame(_leading_id(head), "malformed frame: the line is %d bytes, over the request "
                         "limit of %d bytes (%s)" % (size, self.max_request_bytes, MAX_REQUEST_ENV))

    def _on_eof(self):
        if self.shutdown_requested and self._executor_thread is not None:
            # graceful: let the executor finish queued work and exit by itself
            try:
                grace = float(os.environ.get("POOLER_SHUTDOWN_GRACE_S", "30"))
            except ValueError:
                grace = 30.0
            self._executor_thread.join(grace)
        # do not cut a frame in half if the executor is writing right now
        self._lock.acquire(timeout=0.5)
        _die(EXIT_OK)

    def pong(self, rid):
        self.send({"control": "pong", "id": rid, "pid": self.pid, "served": self.served,
                   "rss_kb": rss_kb(), "busy": self.busy})

    # ---- executor --------------------------------------------------------

    def _executor_loop(self):
        get = self._queue.get
        decode = _decode
        encode = _encode
        ctx = self.ctx
        send_bytes = self.send_bytes
        send_error = self.send_error
        reply_cap = self._reply_cap
        while True:
            stream = ctx.stream
            if stream is not None:
                ctx.stream = None
                stream.close()
            if ctx.cancelled_ids and ctx.request_id is not None:
                self._forget_cancelled(ctx.request_id)
            item = get()
            if item.__class__ is bytes:
                try:
                    msg = decode(item.decode("utf-8"))
                except Exception as e:
                    # also RecursionError (nested too deeply), ValueError (int max str digits)
                    send_error(_leading_id(item), BAD_REQUEST, "malformed frame: %s" % _describe(e))
                    continue
            else:
                msg = item
            if msg.__class__ is not dict:
                if msg.__class__ is _BadFrame:
                    send_error(msg.rid, BAD_REQUEST, msg.message)
                else:
                    send_error(None, BAD_REQUEST, "malformed frame: expected a JSON object, got %s"
                               % _json_kind(msg))
                continue
            rid = msg.get("id")
            if "control" in msg:
                try:
                    self._control(msg, rid)
                except _Shutdown:
                    _die(EXIT_OK)
                continue
            if rid.__class__ is not int:
                send_error(rid if _is_int(rid) else None, BAD_REQUEST,
                           "malformed frame: missing integer 'id'")
                continue
            command = msg.get("command")
            fn = self.commands.get(command) if command.__class__ is str else None
            if fn is None:
                self._unknown_command(rid, command)
                continue
            args = msg.get("args")
            if args is None:
                args = {}
            elif args.__class__ is not dict:
                send_error(rid, BAD_REQUEST, "'args' must be a JSON object, got %s" % _json_kind(args))
                continue
            session = msg.get("session")
            if session is not None:
                if session.__class__ is not dict:
                    send_error(rid, BAD_REQUEST, "'session' must be a JSON object, got %s"
                               % _json_kind(session))
                    continue
                if "version" in session:
                    self._versioned(rid, command, fn, args, session, msg.get("stream") is True)
                    continue
            if ctx.cancelled_ids and rid in ctx.cancelled_ids:
                self._forget_cancelled(rid)
                send_error(rid, CANCELLED, "the request was cancelled before it ran")
                continue
            ctx.session = session
            ctx.request_id = rid
            ctx.command = command
            stream = ctx.stream = _LiveStream(self, rid) if msg.get("stream") is True else None
            self.busy = True
            try:
                result = fn(args, ctx)
                if result.__class__ is _GeneratorType or ctx.stream is not None:
                    result = self._drain(result)
            except CommandError as e:
                self.busy = False
                self.served += 1
                if e.error_type != BAD_REQUEST and e.error_type != CANCELLED:
                    traceback.print_exc()
                send_error(rid, e.error_type, e.message, "the error of '%s'" % command)
                continue
            except (ValueError, TypeError, KeyError) as e:
                self.busy = False
                self.served += 1
                traceback.print_exc()
                send_error(rid, BAD_REQUEST, _describe(e), "the error of '%s'" % command)
                continue
            except SystemExit as e:
                code = e.code
                if code is None:
                    code = 0
                elif not isinstance(code, int):
                    sys.stderr.write("%s\n" % (code,))
                    code = 1
                _die(code)
            except BaseException as e:     # includes KeyboardInterrupt raised by user code
                self.busy = False
                self.served += 1
                traceback.print_exc()
                send_error(rid, WORKER_ERROR, _describe(e), "the error of '%s'" % command)
                continue
            self.busy = False
            self.served += 1
            try:
                if stream is None:
                    data = ('{"id":%d,"ok":true,"result":%s}\n' % (rid, encode(result))).encode("utf-8")
                else:
                    # "end" (the number of chunks sent) before "ok": never the Java fast path
                    data = ('{"id":%d,"end":%d,"ok":true,"result":%s}\n'
                            % (rid, stream.close(), encode(result))).encode("utf-8")
            except UnicodeEncodeError:
                data = dumps_line({"id": rid, "end": stream.sent, "ok": True, "result": result}
                                  if stream is not None else {"id": rid, "ok": True, "result": result})
            except Exception as e:
                traceback.print_exc()
                send_error(rid, WORKER_ERROR, "result of command '%s' is not JSON-serializable: %s"
                           % (command, _describe(e)))
                continue
            if len(data) > reply_cap:
                data = dumps_line(self._oversize({"id": rid}, len(data), "the result of '%s'" % command))
            send_bytes(data)

    # ---- versioned sessions (see "Versioned sessions" in the module docstring)

    def _versioned(self, rid, command, fn, args, session, stream=False):
        """Run one request whose session carries a version."""
        sid = session.get("id")
        version = session.get("version")
        shipped = session.get("state")
        if sid.__class__ is not str:
            self.send_error(rid, BAD_REQUEST, "'session.id' must be a string, got %s" % _json_kind(sid))
            return
        if not _is_int(version) or version < 0:
            self.send_error(rid, BAD_REQUEST, "'session.version' must be an integer >= 0, got %s"
                            % _json_repr(version)[:40])
            return
        if shipped is not None and shipped.__class__ is not dict:
            self.send_error(rid, BAD_REQUEST, "'session.state' must be a JSON object, got %s"
                            % _json_kind(shipped))
            return
        ctx = self.ctx
        cache = ctx.session_cache
        before = None
        if shipped is not None:
            # a deep copy that shares nothing with the request (ctx.session still
            # holds the shipped object), taken from the canonical text we need anyway
            try:
                before = _canonical(shipped)
            except (TypeError, ValueError, RecursionError) as e:     # NaN/Infinity sent
                self.send_error(rid, BAD_REQUEST, "'session.state' is not strict JSON: %s"
                                % _describe(e))
                return
            state = _decode(before)
        else:
            entry = cache.get(sid)
            if entry is not None and entry[0] == version:
                state = entry[1]
            elif version == 0:
                state = {}
            else:
                self.send({"id": rid, "session": {"id": sid, "missing": version}, "ok": False,
                           "error": {"type": WORKER_ERROR, "message":
                                     "session %s version %d is not on this worker (it has %s); "
                                     "the caller must send its state"
                                     % (_quoted(sid), version,
                                        "none" if entry is None else entry[0])}},
                          "the error of '%s'" % command)
                return
        if before is None:
            try:
                before = _canonical(state)
            except (TypeError, ValueError, RecursionError) as e:
                # a cached state changed behind the runtime's back: never run on it
                cache.pop(sid)
                self.send_error(rid, WORKER_ERROR, "session state of %s is not JSON-serializable: %s"
                                % (_quoted(sid), _describe(e)), "the error of '%s'" % command)
                return
        cache.put(sid, version, state)
        if ctx.cancelled_ids and rid in ctx.cancelled_ids:
            self._forget_cancelled(rid)
            self.send_error(rid, CANCELLED, "the request was cancelled before it ran")
            return
        ctx.session = session
        ctx.request_id = rid
        ctx.command = command
        ctx.stream = _LiveStream(self, rid) if stream else None
        ctx.versioned_state = state
        self.busy = True
        try:
            ok, result = self._call(fn, args)
        finally:
            ctx.versioned_state = None
        self.busy = False
        self.served += 1
        if not ok:
            # no partial mutation survives a failed command
            self._restore(sid, version, state, before)
            self.send_error(rid, result[0], result[1], "the error of '%s'" % command)
            return
        try:
            encoded = _encode(result)
        except Exception as e:
            traceback.print_exc()
            self._restore(sid, version, state, before)
            self.send_error(rid, WORKER_ERROR, "result of command '%s' is not JSON-serializable: %s"
                            % (command, _describe(e)))
            return
        try:
            after = _canonical(state)
        except (TypeError, ValueError, RecursionError) as e:
            traceback.print_exc()
            self._restore(sid, version, state, before, changed=True)
            self.send_error(rid, WORKER_ERROR, "session state of %s is not JSON-serializable: %s"
                            % (_quoted(sid), _describe(e)), "the error of '%s'" % command)
            return
        live = ctx.stream
        end = "" if live is None else ',"end":%d' % live.close()
        if after == before:
            # unchanged: the reply is exactly the one without versions (the Java fast path)
            text = '{"id":%d%s,"ok":true,"result":%s}\n' % (rid, end, encoded)
            what = "the result of '%s'" % command
        else:
            # "session" before "ok": this reply must not take the Java fast path
            text = '{"id":%d%s,"session":{"id":%s,"version":%d,"state":%s},"ok":true,"result":%s}\n' \
                   % (rid, end, _encode(sid), version + 1, after, encoded)
            what = "the result of '%s' with the state of session %s" % (command, _quoted(sid))
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:      # lone surrogates in the result or the id: \u escapes
            data = dumps_line(_decode(text))
        if len(data) > self._reply_cap:
            if after != before:
                self._restore(sid, version, state, before, changed=True)
            self.send_bytes(dumps_line(self._oversize({"id": rid}, len(data), what)))
            return
        if after != before:
            cache.put(sid, version + 1, state)
        self.send_bytes(data)

    def _restore(self, sid, version, state, before, changed=None):
        """After a failed command: the session is back to `before` (its canonical text) at `version`."""
        cache = self.ctx.session_cache
        if changed is None:
            try:
                changed = _canonical(state) != before
            except (TypeError, ValueError, RecursionError):
                changed = True
        if changed:
            state = _decode(before)
        if sid in cache:
            cache.put(sid, version, state)

    def _call(self, fn, args):
        """Run a command: (True, result) or (False, (error type, message)).

        The same outcomes as the inline path of _executor_loop (kept inline there
        for speed).
        """
        try:
            result = fn(args, self.ctx)
            if result.__class__ is _GeneratorType or self.ctx.stream is not None:
                result = self._drain(result)
            return True, result
        except CommandError as e:
            if e.error_type != BAD_REQUEST and e.error_type != CANCELLED:
                traceback.print_exc()
            return False, (e.error_type, e.message)
        except (ValueError, TypeError, KeyError) as e:
            traceback.print_exc()
            return False, (BAD_REQUEST, _describe(e))
        except SystemExit as e:
            code = e.code
            if code is None:
                code = 0
            elif not isinstance(code, int):
                sys.stderr.write("%s\n" % (code,))
                code = 1
            _die(code)
        except BaseException as e:     # includes KeyboardInterrupt raised by user code
            traceback.print_exc()
            return False, (WORKER_ERROR, _describe(e))

    def _unknown_command(self, rid, command):
        if command is None:
            self.send_error(rid, BAD_REQUEST, "malformed frame: missing 'command' (or 'control')")
            return
        if command.__class__ is not str:
            self.send_error(rid, BAD_REQUEST, "'command' must be a string, got %s" % _json_kind(command))
            return
        self.send_error(rid, WORKER_ERROR, "unknown command '%s' (adapter %s offers: %s)"
                        % (command, self.adapter_name, ", ".join(self.capabilities())))

    # ---- streams and cancellation (see "Streams" and "Cancellation" above)

    def _drain(self, result):
        """A command's outcome once it is done: a generator's items become chunks.

        For a live stream the chunks have been sent; the result is the
        generator's return value (or the command's).  Without a stream the
        chunks were collected and the answer is {"chunks": [...], "result": ...}.
        """
        ctx = self.ctx
        if result.__class__ is _GeneratorType:
            gen = result
            result = None
            cancelled = ctx.cancelled_ids
            rid = ctx.request_id
            try:
                while True:
                    if cancelled and rid in cancelled:
                        raise Cancelled()
                    try:
                        item = next(gen)
                    except StopIteration as stop:
                        result = stop.value
                        break
                    ctx.emit(item)
            finally:
                gen.close()
        stream = ctx.stream
        if stream is not None and not stream.live:
            ctx.stream = None
            return {"chunks": stream.chunks, "result": result}
        return result

    def _cancel(self, rid):
        """On the reader thread: mark a request cancelled; the command sees ctx.cancelled."""
        if _is_int(rid):
            ids = self.ctx.cancelled_ids
            if len(ids) >= 1024:        # cancels of requests that never came: never pile up
                ids.clear()
            ids.add(rid)
            self.tools.cancel(rid)

    def _forget_cancelled(self, rid):
        """A request is over: forget its mark (and those of older ids, which are over too)."""
        ids = self.ctx.cancelled_ids
        for old in [i for i in list(ids) if i <= rid]:
            ids.discard(old)

    # ---- control frames (on the executor thread, in order) ---------------

    def _control(self, msg, rid):
        control = msg.get("control")
        if control == "ping":
            self.pong(rid)
        elif control == "configure":
            self._configure(msg, rid)
        elif control == "shutdown":
            raise _Shutdown()
        elif control == "end_session":
            sid = msg.get("session")
            if isinstance(sid, dict):
                sid = sid.get("id")
            if not isinstance(sid, str):
                self.send_error(rid, BAD_REQUEST, "end_session needs a string 'session' id")
                return
            dropped = self.ctx.drop_session(sid)
            self.send({"id": rid, "ok": True, "result": {"session": sid, "dropped": dropped}})
        elif control == "put_session":
            self._put_session(msg, rid)
        else:
            self.send_error(rid, BAD_REQUEST, "unknown control %s" % _json_repr(control))

    def _put_session(self, msg, rid):
        sid = msg.get("session")
        version = msg.get("version")
        state = msg.get("state")
        if sid.__class__ is not str:
            self.send_error(rid, BAD_REQUEST, "put_session: 'session' must be a string, got %s" % _json_kind(sid))
            return
        if not _is_int(version) or version < 1:
            self.send_error(rid, BAD_REQUEST, "put_session: 'version' must be an integer >= 1, got %s"
                            % _json_repr(version)[:40])
            return
        if state.__class__ is not dict:
            self.send_error(rid, BAD_REQUEST, "put_session: 'state' must be a JSON object, got %s"
                            % _json_kind(state))
            return
        cache = self.ctx.session_cache
        entry = cache.peek(sid)
        installed = entry is None or entry[0] <= version
        if installed:
            try:
                # the state is canonical and plain JSON from here on, as a shipped one is
                state = _decode(_canonical(state))
            except (TypeError, ValueError, RecursionError) as e:
                self.send_error(rid, BAD_REQUEST, "put_session: 'state' is not strict JSON: %s" % _describe(e))
                return
            cache.put(sid, version, state)
        held = version if installed else entry[0]
        self.send({"id": rid, "ok": True, "result": {"session": sid, "version": held, "installed": installed}})

    def _configure(self, msg, rid):
        ctx = self.ctx
        for key in ("adapter", "specialization", "pool", "worker_id"):
            value = msg.get(key)
            if value is not None and not isinstance(value, str):
                self.send_error(rid, BAD_REQUEST, "configure: '%s' must be a string, got %s"
                                % (key, _json_kind(value)))
                return
        saved = (ctx.specialization, ctx.pool, ctx.worker_id)
        if "specialization" in msg:
            ctx.specialization = msg.get("specialization")
        if "pool" in msg:
            ctx.pool = msg.get("pool")
        if msg.get("worker_id") is not None:
            ctx.worker_id = msg.get("worker_id")
        if msg.get("adapters") is not None:
            try:
                add_bundled_adapters(msg.get("adapters"), "configure: 'adapters'")
            except AdapterLoadError as e:
                ctx.specialization, ctx.pool, ctx.worker_id = saved
                self.send_error(rid, BAD_REQUEST, str(e))
                return
        adapter = msg.get("adapter")
        if adapter is not None and adapter != self.adapter_name:
            try:
                self.use_adapter(adapter)
            except AdapterLoadError as e:
                ctx.specialization, ctx.pool, ctx.worker_id = saved
                self.send_error(rid, WORKER_ERROR, str(e))
                return
        # Only now that nothing can fail: a worker lent to another pool must not
        # carry (or leak) the sessions of the pool it served before.
        cleared = ctx.drop_all_sessions()
        self.send({"id": rid, "ok": True, "result": {
            "adapter": self.adapter_name,
            "specialization": ctx.specialization,
            "pool": ctx.pool,
            "worker_id": ctx.worker_id,
            "capabilities": self.capabilities(),
            "sessions_cleared": cleared,
        }}, "the reply to 'configure'")


# --------------------------------------------------------------------------
# helpers

def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _json_kind(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "an array"
    if isinstance(v, dict):
        return "an object"
    return type(v).__name__


def _json_repr(v):
    try:
        return _encode(v)
    except Exception:
        return repr(v)


def _quoted(text):
    """'text' for messages (JSON-escaped inside when it needs escaping)."""
    r = _encode_ascii(text)
    return "'%s'" % r[1:-1]


def _describe(e):
    text = str(e)
    name = type(e).__name__
    return "%s: %s" % (name, text) if text else name


def parse_argv(argv):
    """Parse ``--adapter X --worker-id Y --pool Z --specialization S`` (also ``--k=v``)."""
    known = {"--adapter": "adapter", "--worker-id": "worker_id", "--pool": "pool",
             "--specialization": "specialization"}
    opts = {"adapter": None, "worker_id": None, "pool": None, "specialization": None}
    i = 0
    while i < len(argv):
        a = argv[i]
        key, eq, value = a.partition("=")
        if key in known:
            if not eq:
                if i + 1 >= len(argv):
                    raise ValueError("option %s needs a value" % key)
                i += 1
                value = argv[i]
            opts[known[key]] = value
        else:
            sys.stderr.write("pooler_worker: ignoring unknown argument %r\n" % a)
        i += 1
    return opts


def _ignore_signal(signum, frame):
    pass


def _protect_lifetime(proto_in, proto_out, ppid):
    """Tie the worker to its parent and its children to the worker (see lifetime.py).

    Runs while the process still has a single thread: the guardian is forked.
    """
    lifetime.die_with_parent(ppid)
    lifetime.lead_process_group()
    fds = []
    for stream in (proto_in, proto_out):
        try:
            fds.append(stream.fileno())
        except (AttributeError, OSError, ValueError):
            pass
    lifetime.start_guardian(fds)    # refuses (and says so) unless we lead our group


def main(argv, proto_in, proto_out):
    ppid = os.getppid()     # read first: the parent whose death must end us
    # The Java side owns our lifecycle: a Ctrl-C in the launching terminal must
    # not kill workers behind its back (it closes stdin / sends shutdown instead).
    # A no-op handler (rather than SIG_IGN) so that child processes started by
    # adapters get the default disposition back on exec.
    try:
        signal.signal(signal.SIGINT, _ignore_signal)
    except (ValueError, OSError, AttributeError):
        pass
    try:
        opts = parse_argv(argv)
        if not opts["adapter"]:
            raise ValueError("missing required option --adapter <module>")
    except ValueError as e:
        proto_out.write(dumps_line({"ready": False, "error": {"type": WORKER_ERROR,
                                                               "message": "usage: %s" % e}}))
        proto_out.flush()
        _die(EXIT_USAGE)
        return
    serve(opts, proto_in, proto_out, ppid)


def serve(opts, proto_in, proto_out, ppid):
    """Run a worker on its protocol streams until they end: also the life of a worker forked from a
    template (template.py), whose parent `ppid` is the template and whose adapter is imported already."""
    _protect_lifetime(proto_in, proto_out, ppid)
    worker = Worker(proto_out, worker_id=opts["worker_id"], pool=opts["pool"],
                    specialization=opts["specialization"])
    worker.start_watchdog(ppid)
    try:
        worker.use_adapter(opts["adapter"])
    except AdapterLoadError as e:
        worker.send({"ready": False, "error": {"type": WORKER_ERROR, "message": str(e)}})
        _die(EXIT_ADAPTER)
        return
    worker.start_executor()
    worker.handshake()
    worker.read_loop(proto_in)
