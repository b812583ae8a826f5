"""The fork template (template.py) on its own: real processes, a real Unix domain socket.

A stand-in for the Java side listens on the socket, asks the template to fork,
talks to the forked worker, and watches what dies with what.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from worker_harness import PY_ROOT, wait_until, worker_env  # noqa: E402

LINUX = sys.platform.startswith("linux")


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@unittest.skipUnless(LINUX, "fork start is Linux only")
class ForkTemplateTest(unittest.TestCase):

    def setUp(self):
        self.folder = tempfile.mkdtemp()
        self.path = os.path.join(self.folder, "t.sock")
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(8)
        self.server.settimeout(20)
        self.conns = []
        self.template = subprocess.Popen(
            [sys.executable, "-u", "-m", "pooler_worker", "--template", "--adapter", "bench,testing",
             "--socket", self.path, "--pool", "p"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=worker_env(), cwd=PY_ROOT)
        self.assertEqual(True, self.frame()["ready"])

    def tearDown(self):
        for c in self.conns:
            c.close()
        if self.template.poll() is None:
            self.template.kill()
        self.template.wait()
        self.template.stdin.close()
        self.template.stdout.close()
        self.server.close()
        os.unlink(self.path)
        os.rmdir(self.folder)

    def frame(self):
        return json.loads(self.template.stdout.readline())

    def fork(self, token, worker_id="w1"):
        self.template.stdin.write(json.dumps({"fork": token, "worker_id": worker_id, "pool": "p"}).encode() + b"\n")
        self.template.stdin.flush()
        forked = self.frame()
        self.assertEqual(token, forked["forked"])
        channels = {}
        for _ in range(2):
            conn, _ = self.server.accept()
            reader = conn.makefile("rb")
            self.conns += [reader, conn]
            tok, kind = reader.readline().decode().split()
            self.assertEqual(token, tok)
            channels[kind] = (conn, reader)
        return forked["pid"], channels

    def test_a_forked_worker_speaks_the_protocol_and_its_exit_is_reported(self):
        pid, ch = self.fork("tok1")
        conn, reader = ch["frames"]
        hello = json.loads(reader.readline())
        self.assertTrue(hello["ready"])
        self.assertEqual(pid, hello["pid"])
        self.assertEqual("w1", hello["worker_id"])
        conn.sendall(b'{"id":1,"command":"pid","args":{}}\n')
        self.assertEqual({"id": 1, "ok": True, "result": pid}, json.loads(reader.readline()))
        conn.sendall(b'{"id":2,"command":"print","args":{"text":"to the log"}}\n')
        json.loads(reader.readline())
        log = ch["stderr"][1]
        self.assertIn(b"to the log", log.readline())
        conn.shutdown(socket.SHUT_WR)         # the worker's stdin EOF
        self.assertEqual({"exited": pid, "code": 0}, self.frame())

    def test_a_killed_worker_is_reported_as_128_plus_the_signal(self):
        pid, ch = self.fork("tok2")
        json.loads(ch["frames"][1].readline())
        os.kill(pid, signal.SIGKILL)
        self.assertEqual({"exited": pid, "code": 137}, self.frame())

    def test_the_workers_die_with_the_template(self):
        pids = [self.fork("tok%d" % i, "w%d" % i)[0] for i in range(3)]
        for pid in pids:
            self.assertTrue(_alive(pid))
        self.template.kill()
        for pid in pids:
            self.assertTrue(wait_until(lambda: not _alive(pid), timeout=10), "worker %d died with its template" % pid)

    def test_stdin_eof_ends_the_template(self):
        self.template.stdin.close()
        self.assertEqual(0, self.template.wait(20))
        self.template.stdin = open(os.devnull, "wb")    # for tearDown


if __name__ == "__main__":
    unittest.main()
