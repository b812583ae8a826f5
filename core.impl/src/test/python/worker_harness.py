"""Test helper: start the real worker as a subprocess and talk the protocol.

Also puts the runtime package (src/main/resources/python) on sys.path, so the
tests need no PYTHONPATH.
"""

import json
import os
import queue
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "main", "resources", "python"))

# never litter the resources folder (it is packaged) with __pycache__
sys.dont_write_bytecode = True
if PY_ROOT not in sys.path:
    sys.path.insert(0, PY_ROOT)


def worker_env(extra_path=None, extra_env=None):
    env = dict(os.environ)
    env.update(extra_env or {})
    paths = [PY_ROOT] + ([extra_path] if extra_path else [])
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PYTHONSTARTUP", None)
    return env


class WorkerProcess(object):
    """A running worker with a background stdout reader (frames parsed into a queue)."""

    def __init__(self, adapter="bench", args=(), extra_path=None, wait_ready=True, env=None):
        cmd = [sys.executable, "-u", "-m", "pooler_worker", "--adapter", adapter] + list(args)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=PY_ROOT,
                                     env=worker_env(extra_path, env))
        self.frames = queue.Queue()
        self.raw_lines = []
        self.stderr_lines = []
        self._next_id = 1
        self._out_thread = threading.Thread(target=self._pump_stdout, daemon=True)
        self._err_thread = threading.Thread(target=self._pump_stderr, daemon=True)
        self._out_thread.start()
        self._err_thread.start()
        self.ready = self.recv(10) if wait_ready else None

    # ---- background pumps
    def _pump_stdout(self):
        for line in self.proc.stdout:
            self.raw_lines.append(line)
            try:
                self.frames.put(json.loads(line.decode("utf-8")))
            except ValueError:
                self.frames.put({"__unparseable__": line})
        self.frames.put(None)   # EOF marker

    def _pump_stderr(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line.decode("utf-8", "replace"))

    @property
    def stderr_text(self):
        return "".join(self.stderr_lines)

    # ---- protocol
    def next_id(self):
        rid = self._next_id
        self._next_id += 1
        return rid

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, frame):
        self.send_raw((json.dumps(frame) + "\n").encode("utf-8"))

    def recv(self, timeout=5.0):
        try:
            frame = self.frames.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no frame from worker within %.1fs; stderr:\n%s"
                                 % (timeout, self.stderr_text))
        if frame is None:
            raise AssertionError("worker stdout closed (exit %r); stderr:\n%s"
                                 % (self.proc.poll(), self.stderr_text))
        return frame

    def request(self, command, args=None, session=None, timeout=5.0):
        rid = self.next_id()
        frame = {"id": rid, "command": command}
        if args is not None:
            frame["args"] = args
        if session is not None:
            frame["session"] = session
        self.send(frame)
        reply = self.recv(timeout)
        if reply.get("id") != rid:
            raise AssertionError("expected reply to %d, got %r" % (rid, reply))
        return reply

    def call(self, command, args=None, session=None, timeout=5.0):
        """request() that insists on ok:true and returns the result."""
        reply = self.request(command, args, session, timeout)
        if not reply.get("ok"):
            raise AssertionError("command %s failed: %r" % (command, reply))
        return reply["result"]

    def control(self, control, **fields):
        frame = {"control": control}
        frame.update(fields)
        self.send(frame)

    def close_stdin(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass

    def wait(self, timeout=5.0):
        return self.proc.wait(timeout)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        self._out_thread.join(2)
        self._err_thread.join(2)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except (OSError, ValueError):
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        return False


def wait_until(predicate, timeout=5.0, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
