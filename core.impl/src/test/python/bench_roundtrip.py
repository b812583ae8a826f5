"""Echo round-trip benchmark against a real worker (not a unit test).

    python3 src/test/python/bench_roundtrip.py [--n 20000] [--window 512] [--payload small|medium]

Prints requests/s for one-at-a-time (send, wait for reply, repeat) and for
pipelined traffic (a writer thread keeps up to --window requests in flight).
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from worker_harness import PY_ROOT, worker_env  # noqa: E402

PAYLOADS = {
    "small": {"x": 1},
    "medium": {"text": "lorem ipsum dolor sit amet " * 8, "values": list(range(32)),
               "nested": {"a": [1.5, 2.5], "b": "é☃"}},
}


def start():
    proc = subprocess.Popen([sys.executable, "-u", "-m", "pooler_worker", "--adapter", "bench"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            cwd=PY_ROOT, env=worker_env())
    ready = json.loads(proc.stdout.readline())
    assert ready["ready"], ready
    return proc


def frames(n, payload, start_id=1):
    args = json.dumps(payload, separators=(",", ":"))
    return [('{"id":%d,"command":"echo","args":%s}\n' % (i, args)).encode()
            for i in range(start_id, start_id + n)]


def one_at_a_time(proc, n, payload):
    reqs = frames(n, payload)
    out = proc.stdout
    write = proc.stdin.write
    flush = proc.stdin.flush
    readline = out.readline
    t0 = time.perf_counter()
    for i, req in enumerate(reqs, 1):
        write(req)
        flush()
        line = readline()
        if not line.startswith(b'{"id":%d,' % i):
            raise AssertionError(line)
    return n / (time.perf_counter() - t0)


def pipelined(proc, n, payload, window, start_id):
    reqs = frames(n, payload, start_id)
    sem = threading.Semaphore(window)
    stdin = proc.stdin

    chunk = max(1, min(64, window // 2))

    def writer():
        batch = []
        for req in reqs:
            sem.acquire()
            batch.append(req)
            if len(batch) >= chunk:
                stdin.write(b"".join(batch))
                stdin.flush()
                batch = []
        if batch:
            stdin.write(b"".join(batch))
            stdin.flush()

    readline = proc.stdout.readline
    t0 = time.perf_counter()
    th = threading.Thread(target=writer, daemon=True)
    th.start()
    last = None
    for _ in range(n):
        last = readline()
        sem.release()
    elapsed = time.perf_counter() - t0
    th.join()
    assert last.startswith(b'{"id":%d,' % (start_id + n - 1)), last
    return n / elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--window", type=int, default=512)
    ap.add_argument("--payload", choices=sorted(PAYLOADS), default="small")
    ap.add_argument("--rounds", type=int, default=3)
    opts = ap.parse_args()
    payload = PAYLOADS[opts.payload]
    proc = start()
    try:
        one_at_a_time(proc, 2000, payload)        # warm-up
        best_seq = max(one_at_a_time(proc, opts.n, payload) for _ in range(opts.rounds))
        next_id = 10 ** 6
        best_pipe = 0.0
        for _ in range(opts.rounds):
            best_pipe = max(best_pipe, pipelined(proc, opts.n, payload, opts.window, next_id))
            next_id += opts.n
        print("payload=%s n=%d: one-at-a-time %.0f req/s, pipelined(window=%d) %.0f req/s"
              % (opts.payload, opts.n, best_seq, opts.window, best_pipe))
    finally:
        proc.stdin.close()
        proc.wait(5)


if __name__ == "__main__":
    main()
