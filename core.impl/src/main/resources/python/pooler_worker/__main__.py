"""Entry point: ``python3 -u -m pooler_worker --adapter <module> ...``; with ``--template``, a fork
template (template.py).

The very first thing done is to take the protocol channel away from user
code: the real stdout is kept (as a private duplicate file descriptor) for
protocol frames, file descriptor 1 and ``sys.stdout`` are pointed at stderr,
so neither ``print()`` nor C extensions nor child processes writing to fd 1
can corrupt the channel.  Likewise stdin is kept privately and fd 0 is
replaced with /dev/null so that child processes started by adapters cannot
swallow protocol frames.
"""

import os
import sys


def _claim_stdio():
    """Return (protocol_in, protocol_out) binary streams; redirect fd 0/1 for everybody else."""
    # --- stdout -> protocol channel; fd 1 and sys.stdout -> stderr
    try:
        sys.stdout.flush()
    except Exception:
        pass
    try:
        out_fd = os.dup(1)          # non-inheritable by default
        os.dup2(2, 1)
        proto_out = os.fdopen(out_fd, "wb", buffering=1 << 16)
    except (OSError, AttributeError, ValueError):
        proto_out = sys.stdout.buffer
    sys.stdout = sys.stderr
    # --- stdin -> protocol channel; fd 0 -> /dev/null
    try:
        in_fd = os.dup(0)
        null_fd = os.open(os.devnull, os.O_RDONLY)
        try:
            os.dup2(null_fd, 0)
        finally:
            os.close(null_fd)
        proto_in = os.fdopen(in_fd, "rb", buffering=1 << 16)
    except (OSError, AttributeError, ValueError):
        proto_in = sys.stdin.buffer
    return proto_in, proto_out


def _main():
    proto_in, proto_out = _claim_stdio()
    if "--template" in sys.argv[1:]:
        from pooler_worker.template import main
    else:
        from pooler_worker.runtime import main
    main([a for a in sys.argv[1:] if a != "--template"], proto_in, proto_out)


if __name__ == "__main__":
    _main()
