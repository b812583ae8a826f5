"""Tool calls (Python calls Java): the real worker process, with this test as the Java side.

The test reads the worker's tool_call frames and answers them on its stdin, as
WorkerProcess does, while the command that called the tool is still running.
"""

import os
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from worker_harness import WorkerProcess  # noqa: E402


def reply_ok(w, call, result):
    w.control("tool_reply", id=call["tool_call"], ok=True, result=result)


def reply_error(w, call, etype, message):
    w.control("tool_reply", id=call["tool_call"], ok=False, error={"type": etype, "message": message})


class ToolCallTest(unittest.TestCase):

    def test_the_handshake_lists_the_tools_feature(self):
        with WorkerProcess("bench") as w:
            self.assertIn("tools", w.ready["features"])

    def test_a_round_trip_returns_the_tools_result_to_the_command(self):
        with WorkerProcess("bench") as w:
            rid = w.next_id()
            w.send({"id": rid, "command": "tool", "args": {"tool": "kv", "args": {"key": "a"}, "timeout": 5}})
            call = w.recv(5)
            self.assertEqual(call["request"], rid)
            self.assertEqual(call["tool"], "kv")
            self.assertEqual(call["args"], {"key": "a"})
            self.assertEqual(call["timeout_ms"], 5000)
            self.assertIsInstance(call["tool_call"], int)
            reply_ok(w, call, {"value": 42})
            final = w.recv(5)
            self.assertEqual(final, {"id": rid, "ok": True, "result": {"result": {"value": 42}, "calls": 1}})

    def test_each_call_has_its_own_id_and_a_reply_goes_to_its_own_call(self):
        with WorkerProcess("bench") as w:
            rid = w.next_id()
            w.send({"id": rid, "command": "tool", "args": {"tool": "count", "times": 3}})
            ids = []
            for i in range(3):
                call = w.recv(5)
                ids.append(call["tool_call"])
                w.control("tool_reply", id=call["tool_call"] + 1000, ok=True, result="stray")   # nobody's: ignored
                reply_ok(w, call, i)
            self.assertEqual(len(set(ids)), 3)
            self.assertEqual(w.recv(5)["result"], {"result": 2, "calls": 3})

    def test_a_typed_error_from_java_fails_the_request_with_that_type(self):
        for etype in ("UNKNOWN_TOOL", "TOOL_NOT_ALLOWED", "TOOL_FAILED", "TOOL_TIMEOUT"):
            with WorkerProcess("bench") as w:
                rid = w.next_id()
                w.send({"id": rid, "command": "tool", "args": {"tool": "x"}})
                call = w.recv(5)
                reply_error(w, call, etype, "tool 'x': " + etype.lower())
                final = w.recv(5)
                self.assertEqual(final["id"], rid)
                self.assertFalse(final["ok"])
                self.assertEqual(final["error"], {"type": etype, "message": "tool 'x': " + etype.lower()})
                self.assertEqual(w.call("echo", {"still": "serving"}), {"still": "serving"})

    def test_no_answer_within_the_timeout_is_a_tool_timeout_and_a_late_reply_is_dropped(self):
        with WorkerProcess("bench") as w:
            rid = w.next_id()
            w.send({"id": rid, "command": "tool", "args": {"tool": "slow", "timeout": 0.2}})
            call = w.recv(5)
            final = w.recv(5)
            self.assertEqual(final["error"]["type"], "TOOL_TIMEOUT")
            self.assertIn("'slow'", final["error"]["message"])
            reply_ok(w, call, "too late")
            self.assertEqual(w.call("echo", {"n": 1}), {"n": 1})

    def test_the_reader_answers_pings_while_a_command_waits_for_a_tool(self):
        with WorkerProcess("bench") as w:
            rid = w.next_id()
            w.send({"id": rid, "command": "tool", "args": {"tool": "kv"}})
            call = w.recv(5)
            w.control("ping", id=777)
            pong = w.recv(5)
            self.assertEqual(pong["control"], "pong")
            self.assertTrue(pong["busy"])
            reply_ok(w, call, None)
            self.assertEqual(w.recv(5)["result"], {"result": None, "calls": 1})

    def test_a_cancel_wakes_a_command_waiting_for_a_tool(self):
        with WorkerProcess("bench") as w:
            rid = w.next_id()
            # the tool would be waited for an hour: only the cancel can end the call
            w.send({"id": rid, "command": "tool", "args": {"tool": "kv", "timeout": 3600}})
            w.recv(5)
            w.control("cancel", request=rid)
            final = w.recv(20)
            self.assertEqual(final["id"], rid)
            self.assertEqual(final["error"]["type"], "CANCELLED")
            self.assertEqual(w.call("echo", {"after": "cancel"}), {"after": "cancel"})

    def test_text_lookup_via_tool_asks_once_per_distinct_word(self):
        with WorkerProcess("text") as w:
            rid = w.next_id()
            w.send({"id": rid, "command": "lookup_via_tool", "args": {"text": "Pool pool router"}})
            table = {"pool": "a set of workers"}
            asked = []
            for _ in range(2):
                call = w.recv(5)
                key = call["args"]["key"]
                asked.append(key)
                reply_ok(w, call, {"key": key, "found": key in table, "value": table.get(key)})
            final = w.recv(5)
            self.assertEqual(asked, ["pool", "router"])
            self.assertEqual(final["result"], {"found": {"pool": "a set of workers"}, "missing": ["router"],
                                               "calls": 2})

    def test_bad_arguments_to_call_tool_are_a_bad_request(self):
        with WorkerProcess("bench") as w:
            r = w.request("tool", {"tool": "kv", "timeout": 0})
            self.assertEqual(r["error"]["type"], "BAD_REQUEST")

    def test_threads_of_one_command_call_tools_at_once(self):
        # the runtime's channel, driven directly: two callers waiting, answered in reverse order
        from pooler_worker import runtime
        import io
        out = io.BytesIO()
        worker = runtime.Worker(out)
        results = {}

        def caller(name):
            results[name] = worker.tools.call(5, name, {}, 5.0)

        threads = [threading.Thread(target=caller, args=(n,)) for n in ("a", "b")]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 5
        while out.getvalue().count(b"\n") < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        import json
        calls = [json.loads(line) for line in out.getvalue().splitlines()]
        for c in reversed(calls):
            worker.tools.answer({"control": "tool_reply", "id": c["tool_call"], "ok": True, "result": c["tool"] * 2})
        for t in threads:
            t.join(5)
        self.assertEqual(results, {"a": "aa", "b": "bb"})


if __name__ == "__main__":
    unittest.main()
