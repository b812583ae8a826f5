"""End-to-end tests: the real worker process, spoken to over its stdin/stdout."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from worker_harness import PY_ROOT, WorkerProcess, wait_until, worker_env  # noqa: E402

BENCH_COMMANDS = ["chunks", "cpu", "echo", "sleep", "tool", "work"]
TESTING_COMMANDS = ["alloc", "crash", "hang", "pid", "print", "sessions", "spin", "wait_cancel"]
TEXT_COMMANDS = ["classify", "cluster", "create_program", "embed", "execute_program", "generate", "lookup_via_tool",
                 "similarity"]

CUSTOM_ADAPTER = textwrap.dedent('''
    import sys
    from pooler_worker import BadRequest, arg

    SETUP_CALLS = []

    def setup(ctx):
        SETUP_CALLS.append(ctx.pool)
        ctx.state["setup_done"] = True

    def boom(args, ctx):
        raise RuntimeError("kaboom " + str(args.get("why", "")))

    def lookup(args, ctx):
        return {"value": args["key"]}          # KeyError when missing -> BAD_REQUEST

    def checked(args, ctx):
        return arg(args, "count", int, minimum=1)

    def info(args, ctx):
        return {"session": ctx.session, "session_id": ctx.session_id, "worker_id": ctx.worker_id,
                "pool": ctx.pool, "specialization": ctx.specialization, "adapter": ctx.adapter,
                "setup_done": ctx.state.get("setup_done"), "request_id": ctx.request_id,
                "command": ctx.command, "setup_calls": len(SETUP_CALLS)}

    def remember(args, ctx):
        st = ctx.session_state()
        st["n"] = st.get("n", 0) + 1
        return st["n"]

    def nan(args, ctx):
        return float("nan")

    def weird(args, ctx):
        return {"set": {1}, "tuple": (1, 2)}

    def exit_(args, ctx):
        sys.exit(args.get("code", 5))

    def surrogate(args, ctx):
        return "\\ud800"

    COMMANDS = {"boom": boom, "lookup": lookup, "checked": checked, "info": info,
                "remember": remember, "nan": nan, "weird": weird, "exit": exit_,
                "surrogate": surrogate}
''')

BROKEN_ADAPTER = "import this_module_does_not_exist_anywhere\nCOMMANDS = {}\n"


class WorkerTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pooler-worker-test-")
        pkg = os.path.join(cls.tmp, "acme_adapters")
        os.makedirs(pkg)
        with open(os.path.join(pkg, "__init__.py"), "w") as f:
            f.write("")
        with open(os.path.join(pkg, "custom.py"), "w") as f:
            f.write(CUSTOM_ADAPTER)
        with open(os.path.join(pkg, "broken.py"), "w") as f:
            f.write(BROKEN_ADAPTER)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def start(self, adapter="bench", args=(), **kw):
        w = WorkerProcess(adapter, args=args, extra_path=self.tmp, **kw)
        self.addCleanup(w.kill)
        return w


class HandshakeTest(WorkerTestCase):

    def test_handshake(self):
        w = self.start("bench", ["--worker-id", "w-7", "--pool", "p1", "--specialization", "fast"])
        r = w.ready
        self.assertIs(r["ready"], True)
        self.assertEqual(r["pid"], w.proc.pid)
        self.assertEqual(r["protocol"], 2)
        self.assertEqual(r["features"], ["stream", "cancel", "tools"])
        self.assertEqual(r["adapter"], "bench")
        self.assertEqual(r["capabilities"], BENCH_COMMANDS)
        self.assertEqual(r["worker_id"], "w-7")
        self.assertEqual(r["pool"], "p1")
        self.assertEqual(r["specialization"], "fast")
        # first line really is the first thing on stdout, compact JSON
        self.assertTrue(w.raw_lines[0].startswith(b'{"ready":true,"pid":'))

    def test_full_module_name_and_user_adapter(self):
        w = self.start("pooler_worker.adapters.text")
        self.assertEqual(w.ready["capabilities"], TEXT_COMMANDS)
        w2 = self.start("acme_adapters.custom", ["--pool", "px"])
        self.assertIn("boom", w2.ready["capabilities"])
        info = w2.call("info", session={"id": "s9", "user": "u"})
        self.assertEqual(info["session"], {"id": "s9", "user": "u"})
        self.assertEqual(info["session_id"], "s9")
        self.assertEqual(info["pool"], "px")
        self.assertEqual(info["adapter"], "acme_adapters.custom")
        self.assertIs(info["setup_done"], True)
        self.assertEqual(info["command"], "info")
        self.assertEqual(info["setup_calls"], 1)

    def test_unloadable_adapter_exits_3(self):
        for name in ("no_such_adapter_xyz", "acme_adapters.broken", "bad name!"):
            w = self.start(name)
            r = w.ready
            self.assertIs(r["ready"], False, name)
            self.assertEqual(r["error"]["type"], "WORKER_ERROR")
            self.assertTrue(r["error"]["message"].startswith("cannot load adapter "), r)
            self.assertEqual(w.wait(5), 3)

    def test_test_only_commands_live_in_the_testing_adapter(self):
        w = self.start("testing")
        self.assertEqual(w.ready["capabilities"], TESTING_COMMANDS)
        self.assertEqual(w.call("pid"), w.proc.pid)
        both = self.start("bench,testing")
        self.assertEqual(both.ready["capabilities"], sorted(BENCH_COMMANDS + TESTING_COMMANDS))
        # none of them is offered by the adapters a production pool uses
        for adapter in ("bench", "text"):
            caps = self.start(adapter).ready["capabilities"]
            self.assertEqual(set(caps) & set(TESTING_COMMANDS), set(), adapter)
        reply = self.start("bench").request("crash")
        self.assertEqual(reply["error"]["type"], "WORKER_ERROR")
        self.assertIn("unknown command 'crash'", reply["error"]["message"])

    def test_missing_adapter_option(self):
        proc = subprocess.run([sys.executable, "-u", "-m", "pooler_worker"], cwd=PY_ROOT,
                              env=worker_env(), stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=10)
        self.assertEqual(proc.returncode, 2)
        first = json.loads(proc.stdout.decode().splitlines()[0])
        self.assertIs(first["ready"], False)


class RequestTest(WorkerTestCase):

    def test_echo(self):
        w = self.start()
        args = {"s": "héllo ☃ \U0001F600", "n": [1, 2.5, None, True], "o": {"x": {}}}
        reply = w.request("echo", args)
        self.assertEqual(reply, {"id": 1, "ok": True, "result": args})
        # compact, non-ASCII-escaped UTF-8 on the wire
        self.assertIn("héllo ☃".encode("utf-8"), w.raw_lines[-1])
        self.assertNotIn(b", ", w.raw_lines[-1])
        self.assertEqual(w.request("echo")["result"], {})
        # a nested "control" key must not turn a request into a control frame
        tricky = {"control": "ping", "id": 5, "text": '"control"'}
        self.assertEqual(w.call("echo", tricky), tricky)

    def test_unknown_command(self):
        w = self.start()
        reply = w.request("foo")
        self.assertFalse(reply["ok"])
        self.assertEqual(reply["error"]["type"], "WORKER_ERROR")
        msg = reply["error"]["message"]
        self.assertIn("'foo'", msg)
        self.assertIn("bench", msg)
        self.assertIn("echo", msg)
        self.assertEqual(w.call("echo", {"still": "alive"}), {"still": "alive"})

    def test_malformed_lines_keep_worker_alive(self):
        w = self.start()
        cases = [
            (b"this is not json\n", None),
            (b"[1,2,3]\n", None),
            (b'"just a string"\n', None),
            (b'{"command":"echo"}\n', None),           # no id
            (b'{"id":"abc","command":"echo"}\n', None),  # non-integer id
            (b'{"id":1.5,"command":"echo"}\n', None),
            (b'{"id":41}\n', 41),                        # no command
            (b'{"id":42,"command":7}\n', 42),
            (b'{"id":43,"command":"echo","args":[1]}\n', 43),
            (b'{"id":44,"command":"echo","session":"s1"}\n', 44),
            (b'\xff\xfe{"id":45}\n', None),              # not UTF-8
            (b'{"id":46,"control":"frobnicate"}\n', 46),
            (b'{"id": 47, "command": "echo", \n', 47),    # truncated: the id is still found
        ]
        for raw, expected_id in cases:
            w.send_raw(raw)
            reply = w.recv()
            self.assertEqual(reply["id"], expected_id, raw)
            self.assertIs(reply["ok"], False, raw)
            self.assertEqual(reply["error"]["type"], "BAD_REQUEST", raw)
        w.send_raw(b"\n   \n")    # blank lines are ignored, no reply
        self.assertEqual(w.call("echo", {"a": 1}), {"a": 1})
        self.assertIsNone(w.proc.poll())

    def test_malformed_frame_replies_carry_the_leading_id(self):
        w = self.start()
        deep = b"[" * 100000
        cases = [
            # an integer over Python's int max str digits: refused by the decoder
            (b'{"id":7,"command":"echo","args":{"n":' + b"1" * 5000 + b'}}\n', 7),
            (b'  { "id" : 8 ,"command":"echo","args":' + deep + b'\n', 8),     # too deep
            (b'{"id":9,"command":"echo","args":' + deep + b"]" * 100000 + b'}\n', 9),
            (b'{"id":10,"command":"echo","args":{"s":"\xff\xfe"}}\n', 10),     # not UTF-8
            (b'{"id":11}trailing garbage\n', 11),
            (b'{"id":12,"control":"configure","adapter":' + deep + b'\n', 12),
            (b'{"control":"end_session","id":13,"session":' + deep + b'\n', 13),
            (b'{"id":123456789012345678,"command":"echo","args":[\n', 123456789012345678),
            (b'{"id":1234567890123456789,"command":"echo","args":[\n', None),  # 19 digits
            (b'{"id":"14","command":"echo","args":[\n', None),
            (b'{"args":{"id":15},"command":"echo","x":[\n', None),           # not leading
            (b'[{"id":16}\n', None),
            (deep + b'\n', None),
        ]
        for raw, expected_id in cases:
            w.send_raw(raw)
            reply = w.recv()
            self.assertEqual(reply["id"], expected_id, raw[:60])
            self.assertIs(reply["ok"], False, raw[:60])
            self.assertEqual(reply["error"]["type"], "BAD_REQUEST", raw[:60])
            self.assertEqual(w.call("echo", {"alive": True}), {"alive": True})
        self.assertIsNone(w.proc.poll())

    def test_request_line_over_the_limit(self):
        limit = 64 * 1024
        w = self.start(env={"POOLER_MAX_REQUEST_BYTES": str(limit)})
        filler = "x" * (limit - len('{"id":1,"command":"echo","args":{"s":""}}\n'))
        exact = ('{"id":1,"command":"echo","args":{"s":"%s"}}\n' % filler).encode()
        self.assertEqual(len(exact), limit)
        w.send_raw(exact)
        self.assertEqual(w.recv(), {"id": 1, "ok": True, "result": {"s": filler}})
        too_long = b'{"id":2,"command":"echo","args":{"s":"' + b"y" * (10 * limit) + b'"}}\n'
        w.send_raw(too_long + b'{"id":3,"command":"echo","args":{"after":1}}\n')
        reply = w.recv()
        self.assertEqual(reply["id"], 2)
        self.assertEqual(reply["error"]["type"], "BAD_REQUEST")
        self.assertIn("%d bytes" % len(too_long), reply["error"]["message"])
        self.assertIn("POOLER_MAX_REQUEST_BYTES", reply["error"]["message"])
        self.assertEqual(w.recv(), {"id": 3, "ok": True, "result": {"after": 1}})
        # a huge line is dropped piece by piece: the worker does not grow
        w.control("ping", id=4)
        rss_before = w.recv()["rss_kb"]
        chunk = b"z" * (1 << 20)
        for _ in range(64):
            w.send_raw(chunk)
        w.send_raw(b'\n{"id":5,"command":"echo","args":{"after":2}}\n')
        reply = w.recv()
        self.assertEqual(reply["id"], None)
        self.assertIn("%d bytes" % (64 * len(chunk) + 1), reply["error"]["message"])
        self.assertEqual(w.recv(), {"id": 5, "ok": True, "result": {"after": 2}})
        w.control("ping", id=6)
        pong = w.recv()
        self.assertEqual(pong["id"], 6)
        if rss_before is not None:
            self.assertLess(pong["rss_kb"] - rss_before, 16 * 1024)
        # a line that never ends: stdin EOF still ends the worker
        for _ in range(4):
            w.send_raw(chunk)
        w.close_stdin()
        self.assertEqual(w.wait(5), 0)

    def test_bad_arguments(self):
        w = self.start()
        for args, name in (({}, "ms"), ({"ms": "soon"}, "ms"), ({"ms": -1}, "ms")):
            reply = w.request("sleep", args)
            self.assertEqual(reply["error"]["type"], "BAD_REQUEST", reply)
            self.assertIn("'%s'" % name, reply["error"]["message"])
        reply = w.request("cpu", {"n": True})
        self.assertEqual(reply["error"]["type"], "BAD_REQUEST")
        self.assertIn("'n'", reply["error"]["message"])

    def test_exceptions(self):
        w = self.start("acme_adapters.custom")
        reply = w.request("boom", {"why": "because"})
        self.assertEqual(reply["error"], {"type": "WORKER_ERROR",
                                          "message": "RuntimeError: kaboom because"})
        # stderr is read line by line on another thread: wait for the traceback's last line, not its first
        self.assertTrue(wait_until(lambda: "Traceback" in w.stderr_text and "kaboom" in w.stderr_text, 3),
                        w.stderr_text)
        reply = w.request("lookup", {})
        self.assertEqual(reply["error"]["type"], "BAD_REQUEST")
        self.assertIn("'key'", reply["error"]["message"])
        reply = w.request("checked", {"count": 0})
        self.assertEqual(reply["error"]["type"], "BAD_REQUEST")
        self.assertIn("'count'", reply["error"]["message"])
        reply = w.request("nan")
        self.assertEqual(reply["error"]["type"], "WORKER_ERROR")
        self.assertIn("JSON", reply["error"]["message"])
        self.assertEqual(w.call("weird"), {"set": [1], "tuple": [1, 2]})
        self.assertEqual(w.call("surrogate"), "\ud800")
        self.assertEqual(w.call("lookup", {"key": 3}), {"value": 3})

    def test_print_cannot_corrupt_channel(self):
        w = self.start("bench,testing")
        self.assertEqual(w.call("print", {"text": "hello from print"}), "hello from print")
        self.assertEqual(w.call("print", {"text": "raw fd write", "fd": True}), "raw fd write")
        self.assertEqual(w.call("echo", {"after": "print"}), {"after": "print"})
        self.assertTrue(wait_until(lambda: "raw fd write" in w.stderr_text, 3))
        self.assertIn("hello from print", w.stderr_text)
        for line in w.raw_lines:
            self.assertIsInstance(json.loads(line.decode("utf-8")), dict)
            self.assertNotIn(b"hello from print", line.replace(b'"hello from print"', b""))

    def test_pipelined_ordering(self):
        w = self.start()
        n = 1000
        payload = b"".join(
            (json.dumps({"id": i, "command": "echo", "args": {"i": i}}) + "\n").encode()
            for i in range(1, n + 1))
        w.send_raw(payload)
        for i in range(1, n + 1):
            reply = w.recv()
            self.assertEqual(reply["id"], i)
            self.assertEqual(reply["result"], {"i": i})

    def test_pid_cpu_alloc(self):
        w = self.start("bench,testing")
        self.assertEqual(w.call("pid"), w.proc.pid)
        a = w.call("cpu", {"n": 2000})
        b = w.call("cpu", {"n": 2000})
        self.assertEqual(a, b)
        self.assertNotEqual(a["checksum"], w.call("cpu", {"n": 2001})["checksum"])
        w.send({"control": "ping", "id": 1})
        before = w.recv()["rss_kb"]
        res = w.call("alloc", {"mb": 40})
        self.assertEqual(res["total_mb"], 40)
        if before is not None:
            self.assertGreater(res["rss_kb"] - before, 30 * 1024)

    def test_sessions_and_end_session(self):
        w = self.start("acme_adapters.custom")
        s1 = {"id": "s1"}
        self.assertEqual(w.call("remember", session=s1), 1)
        self.assertEqual(w.call("remember", session=s1), 2)
        self.assertEqual(w.call("remember", session={"id": "s2"}), 1)
        w.control("end_session", id=99, session="s1")
        self.assertEqual(w.recv(), {"id": 99, "ok": True, "result": {"session": "s1", "dropped": True}})
        self.assertEqual(w.call("remember", session=s1), 1)


class ControlTest(WorkerTestCase):

    def test_ping(self):
        w = self.start()
        w.call("echo", {})
        w.control("ping", id=5)
        pong = w.recv()
        self.assertEqual(pong["control"], "pong")
        self.assertEqual(pong["id"], 5)
        self.assertEqual(pong["pid"], w.proc.pid)
        self.assertEqual(pong["served"], 1)
        self.assertIn("rss_kb", pong)
        if sys.platform.startswith("linux"):
            self.assertGreater(pong["rss_kb"], 1000)

    def test_ping_answered_during_long_command(self):
        w = self.start()
        t0 = time.monotonic()
        w.send({"id": 1, "command": "sleep", "args": {"ms": 1500}})
        time.sleep(0.1)
        w.control("ping", id=2)
        pong = w.recv(1.0)
        self.assertEqual(pong["control"], "pong")
        self.assertEqual(pong["id"], 2)
        self.assertIs(pong["busy"], True)
        self.assertLess(time.monotonic() - t0, 1.0)
        reply = w.recv(3.0)
        self.assertEqual(reply, {"id": 1, "ok": True, "result": {"slept_ms": 1500}})
        self.assertGreaterEqual(time.monotonic() - t0, 1.45)

    def test_several_adapters_joined_by_commas(self):
        w = self.start("bench,text")
        self.assertEqual(w.call("echo", {"a": 1}), {"a": 1})
        sim = w.call("similarity", {"a": "the cat sat", "b": "the cat sat"})
        self.assertAlmostEqual(sim["similarity"], 1.0, places=9)
        self.assertIn("embed", w.ready["capabilities"])
        self.assertIn("sleep", w.ready["capabilities"])

    def test_configure_switches_adapter(self):
        w = self.start("bench", ["--pool", "p1"])
        w.control("configure", id=10, adapter="text", specialization="embeddings")
        reply = w.recv()
        self.assertEqual(reply["id"], 10)
        self.assertTrue(reply["ok"], reply)
        self.assertEqual(reply["result"], {"adapter": "text", "specialization": "embeddings",
                                           "pool": "p1", "worker_id": None,
                                           "capabilities": TEXT_COMMANDS, "sessions_cleared": 0})
        sim = w.call("similarity", {"a": "the cat sat", "b": "the cat sat"})
        self.assertAlmostEqual(sim["similarity"], 1.0, places=9)
        self.assertEqual(w.request("echo")["error"]["type"], "WORKER_ERROR")
        # failing switch keeps the current adapter and settings
        w.control("configure", id=11, adapter="no_such_adapter_xyz", specialization="other")
        reply = w.recv()
        self.assertEqual(reply["id"], 11)
        self.assertFalse(reply["ok"])
        self.assertEqual(reply["error"]["type"], "WORKER_ERROR")
        self.assertIn("cannot load adapter 'no_such_adapter_xyz'", reply["error"]["message"])
        w.control("configure", id=12)
        self.assertEqual(w.recv()["result"]["specialization"], "embeddings")
        w.control("configure", id=13, adapter=7)
        self.assertEqual(w.recv()["error"]["type"], "BAD_REQUEST")
        # configure is processed in order with requests
        w.send({"id": 14, "command": "embed", "args": {"text": "x", "dim": 4}})
        w.control("configure", id=15, adapter="bench")
        w.send({"id": 16, "command": "echo", "args": {"back": True}})
        self.assertEqual([w.recv()["id"] for _ in range(3)], [14, 15, 16])

    def test_shutdown_exits_0_after_current_command(self):
        w = self.start()
        w.send({"id": 1, "command": "sleep", "args": {"ms": 300}})
        w.control("shutdown")
        self.assertEqual(w.recv(3), {"id": 1, "ok": True, "result": {"slept_ms": 300}})
        self.assertEqual(w.wait(5), 0)      # stdin still open: exit comes from shutdown

    def test_stdin_eof_during_hang_exits_promptly(self):
        w = self.start("bench,testing")
        w.send({"id": 1, "command": "hang"})
        self.assertTrue(_wait_busy(w), "worker never reported busy")
        t0 = time.monotonic()
        w.close_stdin()
        self.assertEqual(w.wait(5), 0)
        self.assertLess(time.monotonic() - t0, 2.0)

    def test_crash_exit_code(self):
        w = self.start("bench,testing")
        w.send({"id": 1, "command": "crash"})
        self.assertEqual(w.wait(5), 13)

    def test_sys_exit_in_command(self):
        w = self.start("acme_adapters.custom")
        w.send({"id": 1, "command": "exit", "args": {"code": 5}})
        self.assertEqual(w.wait(5), 5)

    @unittest.skipUnless(sys.platform.startswith("linux"), "uses /proc")
    def test_watchdog_exits_when_parent_dies(self):
        # An intermediate process starts the worker (stdin = a pipe the test keeps
        # open, so no EOF), waits for the handshake and dies; the worker must notice.
        r, wfd = os.pipe()
        self.addCleanup(os.close, wfd)
        launcher = textwrap.dedent('''
            import subprocess, sys
            p = subprocess.Popen([sys.executable, "-u", "-m", "pooler_worker", "--adapter", "bench"],
                                 stdin=int(sys.argv[1]), stdout=subprocess.PIPE, pass_fds=(int(sys.argv[1]),))
            p.stdout.readline()
            print(p.pid, flush=True)
        ''')
        out = subprocess.run([sys.executable, "-c", launcher, str(r)], cwd=PY_ROOT, env=worker_env(),
                             pass_fds=(r,), capture_output=True, timeout=10)
        os.close(r)
        pid = int(out.stdout.decode().split()[0])

        def gone():
            try:
                with open("/proc/%d/status" % pid) as f:
                    return any(line.startswith("State:") and "Z" in line for line in f)
            except OSError:
                return True
        if not gone():
            self.addCleanup(_kill_quietly, pid)
        self.assertTrue(wait_until(gone, 3.0), "worker %d survived its parent" % pid)


class ReplyLimitTest(WorkerTestCase):

    def test_reply_over_the_limit_becomes_an_error(self):
        w = self.start("bench", env={"POOLER_MAX_REPLY_BYTES": "1000"})
        fits = {"s": "x" * 900}
        self.assertEqual(w.call("echo", fits), fits)
        big = {"s": "x" * 2000}
        size = len(('{"id":2,"ok":true,"result":%s}\n' % json.dumps(big, separators=(",", ":"))).encode())
        self.assertEqual(w.request("echo", big), {"id": 2, "ok": False, "error": {
            "type": "WORKER_ERROR",
            "message": "the result of 'echo' is %d bytes, over the reply limit of 1000 bytes "
                       "(POOLER_MAX_REPLY_BYTES)" % size}})
        # error replies are bounded too (the unknown command's name is quoted in the error)
        reply = w.request("c" * 3000)
        self.assertEqual(reply["id"], 3)
        self.assertEqual(reply["error"]["type"], "WORKER_ERROR")
        self.assertIn("over the reply limit of 1000 bytes (POOLER_MAX_REPLY_BYTES)",
                      reply["error"]["message"])
        self.assertEqual(w.call("echo", {"still": "alive"}), {"still": "alive"})
        self.assertTrue(all(len(line) <= 1000 for line in w.raw_lines), "an oversize line was written")

    def test_default_limit_is_16_mib_and_0_means_unlimited(self):
        just_over = {"s": "x" * (16 * 1024 * 1024)}
        w = self.start("bench")
        reply = w.request("echo", just_over, timeout=30)
        self.assertEqual(reply["error"]["type"], "WORKER_ERROR")
        self.assertIn("over the reply limit of 16777216 bytes", reply["error"]["message"])
        self.assertIn("'echo'", reply["error"]["message"])
        unlimited = self.start("bench", env={"POOLER_MAX_REPLY_BYTES": "0"})
        self.assertEqual(unlimited.call("echo", just_over, timeout=30), just_over)

    def test_bad_limit_value_falls_back_to_the_default(self):
        w = self.start("bench", env={"POOLER_MAX_REPLY_BYTES": "lots"})
        self.assertEqual(w.call("echo", {"a": 1}), {"a": 1})
        self.assertTrue(wait_until(lambda: "POOLER_MAX_REPLY_BYTES" in w.stderr_text, 3), w.stderr_text)


class SessionResetTest(WorkerTestCase):

    def test_configure_clears_every_session(self):
        w = self.start("acme_adapters.custom", ["--pool", "p1"])
        for sid in ("s1", "s1", "s2"):
            w.call("remember", session={"id": sid})
        w.call("remember")                                  # the shared no-session state
        # a configure that fails keeps everything
        w.control("configure", id=20, adapter="no_such_adapter_xyz", pool="p2")
        self.assertIs(w.recv()["ok"], False)
        w.control("configure", id=21, pool=7)
        self.assertEqual(w.recv()["error"]["type"], "BAD_REQUEST")
        self.assertEqual(w.call("remember", session={"id": "s1"}), 3)
        # lent to another pool: nothing of the former pool's sessions is left
        w.control("configure", id=22, pool="p2")
        reply = w.recv()
        self.assertEqual(reply["id"], 22)
        self.assertEqual(reply["result"]["pool"], "p2")
        self.assertEqual(reply["result"]["sessions_cleared"], 3)
        self.assertEqual(w.call("remember", session={"id": "s1"}), 1)
        self.assertEqual(w.call("remember", session={"id": "s2"}), 1)
        self.assertEqual(w.call("remember"), 1)
        self.assertIsNone(w.call("info")["session"])
        w.control("configure", id=23)
        self.assertEqual(w.recv()["result"]["sessions_cleared"], 3)
        w.control("configure", id=24)
        self.assertEqual(w.recv()["result"]["sessions_cleared"], 0)

    def test_text_programs_do_not_follow_a_worker_to_another_pool(self):
        w = self.start("text", ["--pool", "embedding_pool"])
        s = {"id": "s1"}
        w.call("create_program", {"id": "p", "examples": [["hello there", "greeting"]]}, session=s)
        self.assertEqual(w.call("execute_program", {"program_id": "p", "input": "hello"}, session=s)
                         ["output"], "greeting")
        w.control("configure", id=30, adapter="bench", pool="general_pool")
        self.assertEqual(w.recv()["result"]["sessions_cleared"], 1)
        w.control("configure", id=31, adapter="text", pool="embedding_pool")
        self.assertEqual(w.recv()["result"]["sessions_cleared"], 0)
        reply = w.request("execute_program", {"program_id": "p", "input": "hello"}, session=s)
        self.assertEqual(reply["error"]["type"], "BAD_REQUEST")


def _wait_busy(w, timeout=3.0):
    """Ping until the worker reports a running command (the executor may not have started it yet)."""
    deadline = time.monotonic() + timeout
    n = 1000
    while time.monotonic() < deadline:
        n += 1
        w.control("ping", id=n)
        pong = w.recv()
        if pong.get("busy"):
            return True
        time.sleep(0.01)
    return False


def _kill_quietly(pid):
    try:
        os.kill(pid, 9)
    except OSError:
        pass


if __name__ == "__main__":
    unittest.main()
