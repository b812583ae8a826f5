"""Benchmark / test adapter.

Commands:
  echo   args                  -> args unchanged
  sleep  {"ms": N}             -> {"slept_ms": N}
  cpu    {"n": N}              -> {"n": N, "checksum": C}  (deterministic integer hash loop)
  pid    {}                    -> os.getpid()
  crash  {"code"?: 13}         -> the process exits at once with that code (default 13)
  hang   {}                    -> never returns
  alloc  {"mb": N}             -> keeps N more MB alive in the worker state;
                                  {"allocated_mb": N, "total_mb": T, "rss_kb": R}
  print  {"text": s, "fd"?: bool} -> print(s) (to stderr, by construction); returns s.
                                  With "fd": true the text is also written to file
                                  descriptor 1 directly, which must not reach the protocol.
"""

import os
import sys
import time

from pooler_worker.api import arg

_MASK64 = (1 << 64) - 1
_MB = 1024 * 1024
MAX_SLEEP_MS = 24 * 3600 * 1000


def echo(args, ctx):
    return args


def sleep(args, ctx):
    ms = arg(args, "ms", float, minimum=0, maximum=MAX_SLEEP_MS)
    time.sleep(ms / 1000.0)
    return {"slept_ms": ms}


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
    blocks = ctx.state.setdefault("bench.alloc", [])
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


COMMANDS = {
    "echo": echo,
    "sleep": sleep,
    "cpu": cpu,
    "pid": pid,
    "crash": crash,
    "hang": hang,
    "alloc": alloc,
    "print": print_,
}
