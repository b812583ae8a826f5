"""Test adapter whose import costs about 300 ms of CPU, like a real adapter importing a heavy
library (an LLM client, numpy, torch). For the bench's start-up figures (fork vs spawn) only.

Commands: ``heavy_pid {}`` -> os.getpid().  ``POOLER_HEAVY_IMPORT_MS`` changes the cost.
"""

import os
import time

_COST_S = float(os.environ.get("POOLER_HEAVY_IMPORT_MS", "300")) / 1000.0


def _burn(seconds):
    end = time.process_time() + seconds
    x = 0
    while time.process_time() < end:
        for i in range(10000):
            x += i * i
    return x


_burn(_COST_S)


def heavy_pid(args, ctx):
    return os.getpid()


COMMANDS = {"heavy_pid": heavy_pid}
