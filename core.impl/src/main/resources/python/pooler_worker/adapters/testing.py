"""Test adapter: commands that misbehave on purpose, to test the supervision.

For tests and the bench only; never configure it in a production pool: any
caller could crash, hang or bloat its workers.  Usually loaded next to the
bench adapter: ``--adapter bench,testing``.

Commands:
  pid    {}                    -> os.getpid()
  crash  {"code"?: 13}         -> the process exits at once with that code (default 13)
  hang   {}                    -> never returns
  alloc  {"mb": N}             -> keeps N more MB alive in the worker state;
                                  {"allocated_mb": N, "total_mb": T, "rss_kb": R}
  print  {"text": s, "fd"?: bool} -> print(s) (to stderr, by construction); returns s.
                                  With "fd": true the text is also written to file
                                  descriptor 1 directly, which must not reach the protocol.
  wait_cancel {"ms"?: 60000}   -> a cooperative long loop: checks ctx.cancelled every 5 ms and
                                  raises Cancelled when set; {"waited_ms": ms} if nobody cancels.
                                  Emits {"tick": i} every 5 ms when "ticks" is true.
  spin   {}                    -> a busy loop that never looks at ctx.cancelled (only a kill
                                  ends it): the grace period of a cancel is for this one.
  sessions {"hold_ms"?: N}     -> what this worker holds of sessions: {"pid": P,
                                  "cached": {id: version} (the versioned cache), "unversioned": [ids]}
"""

import os
import sys
import time

from pooler_worker.api import arg

_MB = 1024 * 1024


def pid(args, ctx):
    return os.getpid()


def crash(args, ctx):
    code = arg(args, "code", int, 13, minimum=0, maximum=255)
    try:
        sys.stderr.flush()
    except Exception:
        pass
    os._exit(code)


def hang(args, ctx):
    while True:
        time.sleep(3600)


def alloc(args, ctx):
    mb = arg(args, "mb", int, minimum=0)
    # b"\x5a" * n fills (touches) every page, so RSS really grows
    block = b"\x5a" * (mb * _MB)
    blocks = ctx.state.setdefault("testing.alloc", [])
    blocks.append(block)
    total = sum(len(b) for b in blocks) // _MB
    from pooler_worker.runtime import rss_kb
    return {"allocated_mb": mb, "total_mb": total, "rss_kb": rss_kb()}


def print_(args, ctx):
    text = arg(args, "text", str)
    print(text)
    if arg(args, "fd", bool, False):
        os.write(1, (text + "\n").encode("utf-8"))
    return text


def wait_cancel(args, ctx):
    ms = arg(args, "ms", float, 60000, minimum=0)
    ticks = arg(args, "ticks", bool, False)
    end = time.monotonic() + ms / 1000.0
    i = 0
    while time.monotonic() < end:
        ctx.check_cancelled()
        if ticks:
            ctx.emit({"tick": i})
        i += 1
        time.sleep(0.005)
    return {"waited_ms": ms}


def spin(args, ctx):
    x = 0
    while True:
        x = (x * 31 + 7) & 0xFFFF


def sessions(args, ctx):
    """What this worker holds; ``hold_ms`` keeps it busy that long first (so concurrent asks reach every worker)."""
    hold = args.get("hold_ms", 0)
    if hold:
        time.sleep(hold / 1000)
    cache = ctx.session_cache
    return {"pid": os.getpid(),
            "cached": {sid: cache.peek(sid)[0] for sid in cache.ids()},
            "unversioned": sorted(k for k in ctx.state.get("sessions", {}) if isinstance(k, str))}


COMMANDS = {
    "wait_cancel": wait_cancel,
    "spin": spin,
    "pid": pid,
    "crash": crash,
    "hang": hang,
    "alloc": alloc,
    "print": print_,
    "sessions": sessions,
}
