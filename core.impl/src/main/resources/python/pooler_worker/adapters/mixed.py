"""Mixed-workload adapter: request types whose cost is a property of the pool.

For the strategy bench and tests only; never configure it in a production pool.  It
emulates pools that differ per request type (one fast at ``embed`` and slow at
``generate``, another the reverse) and a type whose cost grows with its text:

  embed     {"text": s}  -> sleeps the pool's cost of embed for len(s) characters
  generate  {"text": s}  -> the same for generate
  summarize {"text": s}  -> the same for summarize
  each answers {"command": name, "chars": len(s), "slept_ms": cost}.

The costs come from POOLER_MIXED_COSTS, a JSON object read once per worker:
  {"embed": [fixed_ms, ms_per_1000_chars], "generate": [...], "summarize": [...]}
cost = fixed_ms + ms_per_1000_chars * len(text) / 1000.  A command the table does not
name, or a table that is not of that shape, is a CommandError naming what is wrong.
"""

import json
import os
import time

from pooler_worker.api import CommandError, arg

COSTS_ENV = "POOLER_MIXED_COSTS"
MAX_COST_MS = 60_000.0

_table = [None]


def costs():
    """The pool's cost table: command -> (fixed ms, ms per 1000 characters)."""
    if _table[0] is None:
        raw = os.environ.get(COSTS_ENV)
        if raw is None or not raw.strip():
            raise CommandError("%s is not set: this pool has no mixed-workload costs" % COSTS_ENV)
        try:
            table = json.loads(raw)
        except ValueError as e:
            raise CommandError("%s: not JSON: %s" % (COSTS_ENV, e))
        if not isinstance(table, dict):
            raise CommandError("%s: must be a JSON object of command -> [fixed_ms, ms_per_1000_chars]" % COSTS_ENV)
        parsed = {}
        for name, pair in table.items():
            if (not isinstance(pair, list) or len(pair) != 2
                    or not all(isinstance(x, (int, float)) and not isinstance(x, bool) and 0 <= x <= MAX_COST_MS
                               for x in pair)):
                raise CommandError("%s: %r must be [fixed_ms, ms_per_1000_chars], numbers in [0, %g], was %r"
                                   % (COSTS_ENV, name, MAX_COST_MS, pair))
            parsed[name] = (float(pair[0]), float(pair[1]))
        _table[0] = parsed
    return _table[0]


def cost_ms(command, chars):
    table = costs()
    if command not in table:
        raise CommandError("%s names no cost for %r (it has %s)" % (COSTS_ENV, command, sorted(table)))
    fixed, per_k = table[command]
    return min(MAX_COST_MS, fixed + per_k * chars / 1000.0)


def _emulate(command):
    def run(args, ctx):
        text = arg(args, "text", str)
        ms = cost_ms(command, len(text))
        time.sleep(ms / 1000.0)
        return {"command": command, "chars": len(text), "slept_ms": ms}
    run.__name__ = command
    return run


COMMANDS = {name: _emulate(name) for name in ("embed", "generate", "summarize")}
