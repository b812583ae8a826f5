"""Versioned sessions: a session's state shipped between real worker processes.

See "Versioned sessions" in pooler_worker/runtime.py.
"""

import json
import os
import shutil
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from worker_harness import WorkerProcess, wait_until  # noqa: E402

STATE_ADAPTER = textwrap.dedent('''
    def put(args, ctx):
        st = ctx.session_state()
        st[args["key"]] = args["value"]
        return len(st)

    def get(args, ctx):
        return ctx.session_state().get(args["key"])

    def dump(args, ctx):
        return ctx.session_state()

    def put_then_fail(args, ctx):
        st = ctx.session_state()
        st[args["key"]] = args["value"]
        st.setdefault("list", []).append(1)
        raise RuntimeError("failed after writing")

    def put_unserializable(args, ctx):
        ctx.session_state()["bad"] = {1, 2}
        return "stored a set"

    def put_nan(args, ctx):
        ctx.session_state()["bad"] = float("nan")
        return "stored NaN"

    def put_bad_result(args, ctx):
        ctx.session_state()["k"] = "changed"
        return object()

    def remember(args, ctx):
        st = ctx.session_state()
        st["n"] = st.get("n", 0) + 1
        return st["n"]

    COMMANDS = {"put": put, "get": get, "dump": dump, "put_then_fail": put_then_fail,
                "put_unserializable": put_unserializable, "put_nan": put_nan,
                "put_bad_result": put_bad_result, "remember": remember}
''')


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


class SessionVersionTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pooler-session-test-")
        pkg = os.path.join(cls.tmp, "acme_state")
        os.makedirs(pkg)
        with open(os.path.join(pkg, "__init__.py"), "w") as f:
            f.write("")
        with open(os.path.join(pkg, "state.py"), "w") as f:
            f.write(STATE_ADAPTER)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def start(self, adapter="acme_state.state", args=(), **kw):
        w = WorkerProcess(adapter, args=args, extra_path=self.tmp, **kw)
        self.addCleanup(w.kill)
        return w

    def last_raw(self, w):
        return w.raw_lines[-1]


class ShippingTest(SessionVersionTestCase):

    def test_program_created_on_a_runs_on_b_with_shipped_state(self):
        a = self.start("text")
        b = self.start("text")
        examples = [["hot sun", "summer"], ["cold snow", "winter"]]
        created = a.request("create_program", {"id": "p", "examples": examples},
                            session={"id": "s1", "version": 0})
        self.assertIs(created["ok"], True, created)
        self.assertEqual(created["result"]["program_id"], "p")
        self.assertEqual(created["session"]["id"], "s1")
        self.assertEqual(created["session"]["version"], 1)
        state = created["session"]["state"]
        self.assertEqual(list(state["text.programs"]), ["p"])
        # the reply names the new state before "ok": never the Java fast path
        raw = self.last_raw(a)
        self.assertTrue(raw.startswith(b'{"id":%d,"session":{"id":"s1","version":1,"state":{'
                                       % created["id"]), raw[:80])
        # the shipped state is the canonical JSON text of the state
        self.assertIn(b'"state":' + canonical(state).encode() + b'},"ok":true,"result":', raw)

        # B has never seen s1: without the state it refuses, with it it runs
        missing = b.request("execute_program", {"program_id": "p", "input": "snow and ice"},
                            session={"id": "s1", "version": 1})
        self.assertEqual(missing, {
            "id": missing["id"], "session": {"id": "s1", "missing": 1}, "ok": False,
            "error": {"type": "WORKER_ERROR",
                      "message": "session 's1' version 1 is not on this worker (it has none); "
                                 "the caller must send its state"}})
        self.assertTrue(self.last_raw(b).startswith(b'{"id":%d,"session":{"id":"s1","missing":1},'
                                                    b'"ok":false,' % missing["id"]))
        ran = b.request("execute_program", {"program_id": "p", "input": "snow and ice"},
                        session={"id": "s1", "version": 1, "state": state})
        self.assertIs(ran["ok"], True, ran)
        self.assertEqual(ran["result"]["output"], "winter")
        self.assertEqual(ran["result"]["executions"], 1)
        # executions is session state: it changed, so version 2 comes back
        self.assertEqual(ran["session"]["version"], 2)
        self.assertEqual(ran["session"]["state"]["text.programs"]["p"]["executions"], 1)

        # the same result as on A, where the state was made (deterministic, exact floats)
        on_a = a.request("execute_program", {"program_id": "p", "input": "snow and ice"},
                         session={"id": "s1", "version": 1})
        self.assertEqual(on_a["result"], ran["result"])
        self.assertEqual(on_a["session"], ran["session"])

        # B now holds version 2: no state needed; A (still at 2 too) as well
        again = b.call("execute_program", {"program_id": "p", "input": "hot"},
                       session={"id": "s1", "version": 2})
        self.assertEqual(again["output"], "summer")
        self.assertEqual(again["executions"], 2)
        # A lacks version 3 (made on B)
        stale = a.request("execute_program", {"program_id": "p"}, session={"id": "s1", "version": 3})
        self.assertEqual(stale["session"], {"id": "s1", "missing": 3})
        self.assertIn("(it has 2)", stale["error"]["message"])

    def test_text_program_state_is_plain_json(self):
        a = self.start("text")
        reply = a.request("create_program", {"id": "p", "examples": ["red apples", "blue sea"]},
                          session={"id": "s", "version": 0})
        state = reply["session"]["state"]
        self.assertEqual(json.loads(canonical(state)), state)
        self.assertEqual(state["text.programs"]["p"]["targets"][0][0], "red apples")

    def test_version_zero_is_a_new_session(self):
        w = self.start()
        r = w.request("put", {"key": "a", "value": 1}, session={"id": "s1", "version": 0})
        self.assertEqual(r["session"], {"id": "s1", "version": 1, "state": {"a": 1}})
        # version 0 again: a fresh empty state, whatever the cache holds
        r = w.request("dump", session={"id": "s1", "version": 0})
        self.assertEqual(r, {"id": r["id"], "ok": True, "result": {}})
        r = w.request("put", {"key": "b", "value": 2}, session={"id": "s1", "version": 0})
        self.assertEqual(r["session"], {"id": "s1", "version": 1, "state": {"b": 2}})

    def test_shipped_state_replaces_the_cached_one_and_is_a_copy(self):
        w = self.start()
        w.request("put", {"key": "a", "value": 1}, session={"id": "s1", "version": 0})
        r = w.request("put", {"key": "z", "value": [1]},
                      session={"id": "s1", "version": 7, "state": {"b": {"c": 2}}})
        self.assertEqual(r["session"], {"id": "s1", "version": 8,
                                        "state": {"b": {"c": 2}, "z": [1]}})
        self.assertEqual(w.call("dump", session={"id": "s1", "version": 8}),
                         {"b": {"c": 2}, "z": [1]})

    def test_bad_session_fields(self):
        w = self.start()
        for session in ({"id": "s1", "version": -1}, {"id": "s1", "version": "1"},
                        {"id": "s1", "version": True}, {"id": "s1", "version": 1.5},
                        {"id": 5, "version": 0}, {"version": 0},
                        {"id": "s1", "version": 1, "state": [1]}):
            r = w.request("dump", session=session)
            self.assertEqual(r["error"]["type"], "BAD_REQUEST", (session, r))
            self.assertNotIn("session", r)
        w.send_raw(b'{"id":50,"command":"dump","session":{"id":"s1","version":1,"state":{"x":NaN}}}\n')
        r = w.recv()
        self.assertEqual((r["id"], r["error"]["type"]), (50, "BAD_REQUEST"))
        # "state": null counts as absent
        r = w.request("dump", session={"id": "s1", "version": 0, "state": None})
        self.assertEqual(r["result"], {})


class FailureTest(SessionVersionTestCase):

    def test_failing_command_leaves_the_state_as_before(self):
        w = self.start()
        s = {"id": "s1", "version": 0}
        self.assertEqual(w.request("put", {"key": "a", "value": 1}, session=s)["session"]["version"], 1)
        bad = w.request("put_then_fail", {"key": "a", "value": 99}, session={"id": "s1", "version": 1})
        self.assertEqual(bad, {"id": bad["id"], "ok": False, "error": {
            "type": "WORKER_ERROR", "message": "RuntimeError: failed after writing"}})
        # still version 1, with the state from before
        self.assertEqual(w.call("dump", session={"id": "s1", "version": 1}), {"a": 1})
        # a failure on a shipped state: the shipped state stays, at its version
        bad = w.request("put_then_fail", {"key": "b", "value": 2},
                        session={"id": "s2", "version": 4, "state": {"q": [1, 2]}})
        self.assertIs(bad["ok"], False)
        self.assertEqual(w.call("dump", session={"id": "s2", "version": 4}), {"q": [1, 2]})
        # and on a new session: nothing is left over
        w.request("put_then_fail", {"key": "c", "value": 3}, session={"id": "s3", "version": 0})
        self.assertEqual(w.call("dump", session={"id": "s3", "version": 0}), {})
        missing = w.request("dump", session={"id": "s3", "version": 1})
        self.assertEqual(missing["session"], {"id": "s3", "missing": 1})
        self.assertIn("(it has 0)", missing["error"]["message"])

    def test_unserializable_state_is_an_error_and_restored(self):
        w = self.start()
        w.request("put", {"key": "a", "value": 1}, session={"id": "s1", "version": 0})
        for command in ("put_unserializable", "put_nan"):
            r = w.request(command, session={"id": "s1", "version": 1})
            self.assertEqual(r["error"]["type"], "WORKER_ERROR", r)
            self.assertTrue(r["error"]["message"].startswith(
                "session state of 's1' is not JSON-serializable: "), r)
            self.assertNotIn("session", r)
            self.assertEqual(w.call("dump", session={"id": "s1", "version": 1}), {"a": 1})
        # a result that cannot be serialised: an error reply, so the new state is not kept either
        r = w.request("put_bad_result", session={"id": "s1", "version": 1})
        self.assertIn("is not JSON-serializable", r["error"]["message"])
        self.assertEqual(w.call("dump", session={"id": "s1", "version": 1}), {"a": 1})

    def test_state_over_the_reply_limit_is_an_error_and_restored(self):
        w = self.start(env={"POOLER_MAX_REPLY_BYTES": "2000"})
        w.request("put", {"key": "a", "value": 1}, session={"id": "s1", "version": 0})
        r = w.request("put", {"key": "big", "value": "x" * 3000}, session={"id": "s1", "version": 1})
        self.assertEqual(r["error"]["type"], "WORKER_ERROR")
        self.assertIn("with the state of session 's1'", r["error"]["message"])
        self.assertEqual(w.call("dump", session={"id": "s1", "version": 1}), {"a": 1})


class ReplyFormatTest(SessionVersionTestCase):

    def test_unchanged_state_takes_the_fast_format(self):
        w = self.start()
        r = w.request("put", {"key": "a", "value": "é"}, session={"id": "s1", "version": 0})
        self.assertEqual(r["session"], {"id": "s1", "version": 1, "state": {"a": "é"}})
        r = w.request("get", {"key": "a"}, session={"id": "s1", "version": 1})
        self.assertEqual(r, {"id": r["id"], "ok": True, "result": "é"})
        self.assertTrue(self.last_raw(w).startswith(b'{"id":%d,"ok":true,"result":' % r["id"]))
        # writing the same value again changes nothing either
        r = w.request("put", {"key": "a", "value": "é"}, session={"id": "s1", "version": 1})
        self.assertEqual(r, {"id": r["id"], "ok": True, "result": 1})
        self.assertEqual(self.last_raw(w), b'{"id":%d,"ok":true,"result":1}\n' % r["id"])
        # a fresh session whose command leaves it empty: no session field
        r = w.request("get", {"key": "a"}, session={"id": "s2", "version": 0})
        self.assertEqual(self.last_raw(w), b'{"id":%d,"ok":true,"result":null}\n' % r["id"])

    def test_key_order_is_not_a_change(self):
        w = self.start()
        r = w.request("put", {"key": "a", "value": 1},
                      session={"id": "s1", "version": 3, "state": {"z": 1, "a": 1}})
        self.assertEqual(r, {"id": r["id"], "ok": True, "result": 2})


class CacheTest(SessionVersionTestCase):

    def test_cache_bound_evicts_least_recently_used(self):
        w = self.start(env={"POOLER_SESSION_CACHE": "2"})
        for sid in ("s1", "s2"):
            w.request("put", {"key": "k", "value": sid}, session={"id": sid, "version": 0})
        self.assertEqual(w.call("get", {"key": "k"}, session={"id": "s1", "version": 1}), "s1")  # s1 used
        w.request("put", {"key": "k", "value": "s3"}, session={"id": "s3", "version": 0})
        # s2 was the least recently used
        r = w.request("get", {"key": "k"}, session={"id": "s2", "version": 1})
        self.assertEqual(r["session"], {"id": "s2", "missing": 1})
        self.assertEqual(w.call("get", {"key": "k"}, session={"id": "s1", "version": 1}), "s1")
        self.assertEqual(w.call("get", {"key": "k"}, session={"id": "s3", "version": 1}), "s3")

    def test_bad_cache_size_uses_the_default(self):
        w = self.start(env={"POOLER_SESSION_CACHE": "many"})
        w.request("put", {"key": "k", "value": 1}, session={"id": "s1", "version": 0})
        self.assertEqual(w.call("get", {"key": "k"}, session={"id": "s1", "version": 1}), 1)
        self.assertTrue(wait_until(lambda: "POOLER_SESSION_CACHE" in w.stderr_text, 3), w.stderr_text)

    def test_end_session_drops(self):
        w = self.start()
        w.request("put", {"key": "k", "value": 1}, session={"id": "s1", "version": 0})
        w.request("put", {"key": "k", "value": 2}, session={"id": "s2", "version": 0})
        w.control("end_session", id=90, session="s1")
        self.assertEqual(w.recv(), {"id": 90, "ok": True, "result": {"session": "s1", "dropped": True}})
        r = w.request("get", {"key": "k"}, session={"id": "s1", "version": 1})
        self.assertEqual(r["session"], {"id": "s1", "missing": 1})
        self.assertIn("(it has none)", r["error"]["message"])
        self.assertEqual(w.call("get", {"key": "k"}, session={"id": "s2", "version": 1}), 2)
        w.control("end_session", id=91, session={"id": "s1"})
        self.assertEqual(w.recv()["result"], {"session": "s1", "dropped": False})

    def test_put_session_installs_a_version_ahead_of_requests(self):
        w = self.start()
        w.control("put_session", id=80, session="s1", version=3, state={"k": "pushed"})
        self.assertEqual(w.recv(), {"id": 80, "ok": True, "result": {"session": "s1", "version": 3, "installed": True}})
        # version 3 is held: the request runs without the state travelling
        self.assertEqual(w.call("get", {"key": "k"}, session={"id": "s1", "version": 3}), "pushed")
        r = w.request("put", {"key": "k", "value": "after"}, session={"id": "s1", "version": 3})
        self.assertEqual(r["session"]["version"], 4)
        # an older push never replaces a newer version
        w.control("put_session", id=81, session="s1", version=2, state={"k": "old"})
        self.assertEqual(w.recv()["result"], {"session": "s1", "version": 4, "installed": False})
        self.assertEqual(w.call("get", {"key": "k"}, session={"id": "s1", "version": 4}), "after")

    def test_put_session_refuses_bad_fields(self):
        w = self.start()
        for i, fields in enumerate(({"session": 1, "version": 1, "state": {}},
                                    {"session": "s", "version": 0, "state": {}},
                                    {"session": "s", "version": 1, "state": [1]})):
            w.control("put_session", id=70 + i, **fields)
            r = w.recv()
            self.assertEqual((r["id"], r["ok"], r["error"]["type"]), (70 + i, False, "BAD_REQUEST"), r)
            self.assertIn("put_session", r["error"]["message"])

    def test_configure_clears_the_cache(self):
        w = self.start()
        for sid in ("s1", "s2"):
            w.request("put", {"key": "k", "value": sid}, session={"id": sid, "version": 0})
        w.call("remember", session={"id": "s2"})            # s2 unversioned too: counted once
        w.call("remember")                                  # the shared no-session state
        w.control("configure", id=92, pool="other")
        reply = w.recv()
        self.assertEqual(reply["id"], 92)
        self.assertEqual(reply["result"]["sessions_cleared"], 3)
        for sid in ("s1", "s2"):
            r = w.request("get", {"key": "k"}, session={"id": sid, "version": 1})
            self.assertEqual(r["session"], {"id": sid, "missing": 1})
        self.assertEqual(w.call("remember", session={"id": "s2"}), 1)
        w.control("configure", id=93)
        self.assertEqual(w.recv()["result"]["sessions_cleared"], 1)


class UnversionedTest(SessionVersionTestCase):

    def test_request_without_version_behaves_as_before(self):
        w = self.start()
        s1 = {"id": "s1", "user": "u"}
        self.assertEqual(w.call("remember", session=s1), 1)
        self.assertEqual(w.call("remember", session=s1), 2)
        self.assertEqual(self.last_raw(w), b'{"id":2,"ok":true,"result":2}\n')
        # the versioned state of the same id is separate, and versioned replies carry it
        r = w.request("remember", session={"id": "s1", "version": 0})
        self.assertEqual(r["session"], {"id": "s1", "version": 1, "state": {"n": 1}})
        self.assertEqual(w.call("remember", session=s1), 3)
        self.assertEqual(self.last_raw(w), b'{"id":4,"ok":true,"result":3}\n')
        # a failing unversioned command keeps its partial writes, as it always did
        r = w.request("put_then_fail", {"key": "x", "value": 1}, session=s1)
        self.assertIs(r["ok"], False)
        self.assertEqual(w.call("get", {"key": "x"}, session=s1), 1)
        # no session at all: the shared state
        self.assertEqual(w.call("remember"), 1)
        self.assertEqual(w.call("remember"), 2)
        r = w.request("remember", session={"id": "s1", "version": 1})
        self.assertEqual(r["session"], {"id": "s1", "version": 2, "state": {"n": 2}})


if __name__ == "__main__":
    unittest.main()
