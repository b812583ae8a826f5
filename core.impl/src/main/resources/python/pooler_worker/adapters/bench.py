"""Benchmark adapter: cheap, deterministic commands for tests and the bench.

For tests and the bench only; never configure it in a production pool.  The
commands that hurt the worker on purpose (crash, hang, alloc, ...) live in
the ``testing`` adapter; load both with ``--adapter bench,testing``.

Commands:
  echo   args                  -> args unchanged
  sleep  {"ms": N}             -> {"slept_ms": N}
  work   {"ms": N}             -> sleeps N x F ms, F being this worker's speed factor;
                                  {"ms": N, "factor": F, "slept_ms": N x F}.
                                  F is the number in the file named by POOLER_BENCH_FACTOR_FILE
                                  when that file exists (re-read whenever it is replaced or
                                  modified, so a pool can be slowed down live; replace it
                                  atomically), else POOLER_BENCH_FACTOR, else 1.
  cpu    {"n": N}              -> {"n": N, "checksum": C}  (deterministic integer hash loop)
  chunks {"n": N, "size"?: 0, "ms"?: 0}
                               -> a stream of N chunks {"seq": i, "data": "x" * size}, ms
                                  milliseconds apart; then {"n": N}.  For stream tests and the
                                  bench (time to first chunk, chunks per second).
  tool   {"tool": name, "args"?: {}, "timeout"?: 30, "times"?: 1}
                               -> calls the Java tool `name` (ctx.call_tool) `times` times with the
                                  same args; {"result": <the last result>, "calls": times}.  A
                                  tool's error fails the request with its type (UNKNOWN_TOOL,
                                  TOOL_NOT_ALLOWED, TOOL_FAILED, TOOL_TIMEOUT).  For tests and the bench.
"""

import os
import time

from pooler_worker.api import CommandError, arg

_MASK64 = (1 << 64) - 1
MAX_SLEEP_MS = 24 * 3600 * 1000


def echo(args, ctx):
    return args


def sleep(args, ctx):
    ms = arg(args, "ms", float, minimum=0, maximum=MAX_SLEEP_MS)
    time.sleep(ms / 1000.0)
    return {"slept_ms": ms}


FACTOR_ENV = "POOLER_BENCH_FACTOR"
FACTOR_FILE_ENV = "POOLER_BENCH_FACTOR_FILE"
MAX_FACTOR = 1000.0

# (identity of the factor file as last read, its factor); one stat per request decides a re-read
_factor_file_seen = [None, None]


def _parse_factor(text, where):
    try:
        f = float(text.strip())
    except ValueError:
        f = float("nan")
    if not 0 < f <= MAX_FACTOR:  # also refuses nan
        raise CommandError("%s: the speed factor must be a number in (0, %g], was %r"
                           % (where, MAX_FACTOR, text))
    return f


def speed_factor():
    """This worker's speed factor: the factor file when it exists, else the environment, else 1."""
    path = os.environ.get(FACTOR_FILE_ENV)
    if path:
        try:
            st = os.stat(path)
        except OSError:
            st = None  # no file (yet): the environment's factor holds
        if st is not None:
            key = (st.st_ino, st.st_mtime_ns, st.st_size)
            if _factor_file_seen[0] != key:
                try:
                    with open(path, "r", encoding="utf-8") as fh:
                        text = fh.read()
                except OSError:
                    text = None  # replaced between stat and open: read it next time
                if text is not None:
                    _factor_file_seen[1] = _parse_factor(text, FACTOR_FILE_ENV + " " + path)
                    _factor_file_seen[0] = key
            if _factor_file_seen[0] == key:
                return _factor_file_seen[1]
    raw = os.environ.get(FACTOR_ENV)
    if raw is None or not raw.strip():
        return 1.0
    return _parse_factor(raw, FACTOR_ENV)


def work(args, ctx):
    ms = arg(args, "ms", float, minimum=0, maximum=MAX_SLEEP_MS)
    factor = speed_factor()
    slept = min(ms * factor, MAX_SLEEP_MS)
    time.sleep(slept / 1000.0)
    return {"ms": ms, "factor": factor, "slept_ms": slept}


def cpu(args, ctx):
    n = arg(args, "n", int, minimum=0)
    x = arg(args, "seed", int, 0x9E3779B97F4A7C15) & _MASK64
    for i in range(n):
        # splitmix64-style mixing step, kept in 64 bits
        x = (x + 0x9E3779B97F4A7C15 + i) & _MASK64
        x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
        x ^= x >> 31
    return {"n": n, "checksum": x}


def chunks(args, ctx):
    n = arg(args, "n", int, minimum=0, maximum=10_000_000)
    size = arg(args, "size", int, 0, minimum=0, maximum=1 << 20)
    ms = arg(args, "ms", float, 0, minimum=0, maximum=MAX_SLEEP_MS)
    return _chunks(n, "x" * size, ms / 1000.0)


def _chunks(n, data, pause):
    for i in range(n):
        if pause and i:
            time.sleep(pause)
        yield {"seq": i, "data": data}
    return {"n": n}


def tool(args, ctx):
    name = arg(args, "tool", str)
    tool_args = arg(args, "args", dict, {})
    timeout = arg(args, "timeout", float, 30.0, minimum=0.001, maximum=MAX_SLEEP_MS / 1000.0)
    times = arg(args, "times", int, 1, minimum=1, maximum=1_000_000)
    result = None
    for _ in range(times):
        result = ctx.call_tool(name, tool_args, timeout=timeout)
    return {"result": result, "calls": times}


COMMANDS = {
    "chunks": chunks,
    "tool": tool,
    "echo": echo,
    "sleep": sleep,
    "work": work,
    "cpu": cpu,
}
