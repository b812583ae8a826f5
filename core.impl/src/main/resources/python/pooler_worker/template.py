"""The fork template: ``python3 -u -m pooler_worker --template --adapter <module> --socket <path>``.

A pool's workers are forked from this process, which has already imported the
runtime and the pool's adapter modules (what gunicorn's preload and Android's
zygote do): a worker costs a fork, not an interpreter start and the imports.

Protocol (JSON lines; the template reads its stdin, writes its private stdout):

    -> {"ready":true,"pid":N}                           once the adapter is imported
    -> {"ready":false,"error":"..."}                    the adapter cannot be imported
    -> {"ready":false,"fallback":"..."}                 forking is not safe here (threads)
    <- {"fork":"<token>","worker_id":"...","pool":"...","specialization":null}
    -> {"forked":"<token>","pid":N}  or  {"fork_failed":"<token>","error":"..."}
    -> {"exited":N,"code":C}                            a forked worker ended (C: exit status,
                                                        128 + signal when a signal ended it)
    stdin EOF -> the template exits (its workers die with it: see below).

A forked worker connects twice to the Unix domain socket ``--socket`` (where
the Java side listens), each time first writing ``<token> stderr\\n`` or
``<token> frames\\n`` (40 bytes: the token is 32 hex digits): its stderr (and
fd 1) go to the first connection, its protocol frames to the second; from then on it is an ordinary worker
(runtime.serve), with its own process group and guardian.

Lifetime: the template asks for SIGKILL when the JVM thread that started it
ends (as a worker does), its workers ask for SIGKILL when the template ends.
So nothing outlives the JVM.  The template stays single-threaded (threads
and fork do not mix): it waits with select() on its stdin and on a pipe that
SIGCHLD writes to, and reaps its children itself.
"""

import gc
import json
import os
import select
import signal
import socket
import sys
import threading
import traceback

from . import lifetime, runtime

_READ = 1 << 16
_PARENT_POLL_S = 0.5


def _send(out, obj):
    out.write((json.dumps(obj, separators=(",", ":")) + "\n").encode("utf-8"))
    out.flush()


def _parse(argv):
    opts = {"adapter": None, "socket": None, "pool": None}
    i = 0
    while i < len(argv):
        key = argv[i].lstrip("-").replace("-", "_")
        if key in opts and i + 1 < len(argv):
            opts[key] = argv[i + 1]
            i += 2
        else:
            i += 1
    return opts


def main(argv, proto_in, proto_out):
    ppid = os.getppid()
    try:
        signal.signal(signal.SIGINT, runtime._ignore_signal)
    except (ValueError, OSError, AttributeError):
        pass
    opts = _parse(argv)
    if not opts["adapter"] or not opts["socket"]:
        _send(proto_out, {"ready": False, "error": "usage: --template --adapter <module> --socket <path>"})
        runtime._die(runtime.EXIT_USAGE)
    lifetime.die_with_parent(ppid)
    if not hasattr(os, "fork"):
        _send(proto_out, {"ready": False, "fallback": "this platform has no fork()"})
        runtime._die(runtime.EXIT_OK)
    try:
        runtime.load_adapter(opts["adapter"])       # the imports every worker would pay
    except runtime.AdapterLoadError as e:
        _send(proto_out, {"ready": False, "error": str(e)})
        runtime._die(runtime.EXIT_ADAPTER)
    threads = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    if threads:
        _send(proto_out, {"ready": False, "fallback": "importing the adapter started threads (%s); a fork "
                                                      "would copy only one of them" % ", ".join(threads)})
        runtime._die(runtime.EXIT_OK)
    # What the import built is shared with every worker: moved out of the collector's sight, a collection in a
    # worker does not touch (and so copy) the pages that hold it.
    gc.collect()
    gc.freeze()
    _Template(opts, proto_in, proto_out, ppid).run()


class _Template(object):

    def __init__(self, opts, proto_in, proto_out, ppid):
        self.opts = opts
        self.out = proto_out
        self.in_fd = proto_in.fileno()
        self.ppid = ppid
        self.children = set()
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_w, False)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)   # a handler, so the wakeup fd is written
        signal.set_wakeup_fd(self.wake_w)

    def run(self):
        _send(self.out, {"ready": True, "pid": os.getpid()})
        pending = b""
        while True:
            try:
                readable, _, _ = select.select([self.in_fd, self.wake_r], [], [], _PARENT_POLL_S)
            except InterruptedError:
                readable = []
            if self.wake_r in readable:
                try:
                    os.read(self.wake_r, 512)
                except BlockingIOError:
                    pass
            self._reap()
            if os.getppid() != self.ppid:
                runtime._die(runtime.EXIT_OK)
            if self.in_fd not in readable:
                continue
            data = os.read(self.in_fd, _READ)
            if not data:
                runtime._die(runtime.EXIT_OK)       # the JVM let go of us
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                if line.strip():
                    self._command(line)

    def _reap(self):
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.children.clear()
                return
            if pid == 0:
                return
            self.children.discard(pid)
            code = os.waitstatus_to_exitcode(status)
            _send(self.out, {"exited": pid, "code": 128 - code if code < 0 else code})

    def _command(self, line):
        try:
            msg = json.loads(line.decode("utf-8"))
            token = msg["fork"]
        except Exception as e:
            sys.stderr.write("pooler_worker template: ignoring a frame it does not understand: %s\n" % e)
            return
        try:
            pid = os.fork()
        except OSError as e:
            _send(self.out, {"fork_failed": token, "error": str(e)})
            return
        if pid == 0:
            code = 70
            try:
                self._child(token, msg)
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 1
            except BaseException:
                traceback.print_exc()
            runtime._die(code)
        self.children.add(pid)
        _send(self.out, {"forked": token, "pid": pid})

    # ---- in the forked worker ------------------------------------------------

    def _child(self, token, msg):
        template = os.getppid()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in (self.wake_r, self.wake_w, self.in_fd, self.out.fileno()):
            try:
                os.close(fd)
            except OSError:
                pass
        path = self.opts["socket"]
        log = _connect(path, token, "stderr")
        sys.stderr.flush()
        os.dup2(log.fileno(), 2)
        os.dup2(log.fileno(), 1)
        log.close()
        proto = _connect(path, token, "frames")
        fd = proto.detach()
        proto_in = os.fdopen(fd, "rb", buffering=_READ)
        proto_out = os.fdopen(os.dup(fd), "wb", buffering=_READ)
        opts = {"adapter": self.opts["adapter"], "worker_id": msg.get("worker_id"), "pool": msg.get("pool"),
                "specialization": msg.get("specialization")}
        runtime.serve(opts, proto_in, proto_out, template)


def _connect(path, token, channel):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(("%s %s\n" % (token, channel)).encode("ascii"))
    return s
