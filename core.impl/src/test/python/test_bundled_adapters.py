"""Adapters delivered as bundles: named by POOLER_ADAPTERS (or configure's "adapters"),
imported from their own folder under their module name, never from the workers' PYTHONPATH."""

import json
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from worker_harness import WorkerProcess  # noqa: E402


def write_adapter(root, answer):
    pkg = os.path.join(root, "acme", "mood")
    os.makedirs(pkg)
    open(os.path.join(root, "acme", "__init__.py"), "w").close()
    with open(os.path.join(pkg, "__init__.py"), "w") as f:
        f.write("def label(args, ctx):\n    return {'label': %r, 'text': args.get('text')}\n"
                "COMMANDS = {'label': label}\n" % answer)
    return root


class BundledAdapterTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pooler-adapters-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def table(self, folder, name="mood"):
        return {name: {"module": "acme.mood", "path": folder, "version": "1.0.0"}}

    def test_launch_names_a_bundled_adapter_by_its_short_name(self):
        v1 = write_adapter(os.path.join(self.tmp, "v1"), "old")
        env = {"POOLER_ADAPTERS": json.dumps(self.table(v1))}
        with WorkerProcess(adapter="mood", env=env) as w:
            self.assertTrue(w.ready.get("ready"), w.ready)
            self.assertEqual("mood", w.ready["adapter"])
            self.assertEqual({"label": "old", "text": "hi"}, w.call("label", {"text": "hi"}))

    def test_an_unknown_short_name_still_fails_with_a_readable_error(self):
        with WorkerProcess(adapter="mood", env={"POOLER_ADAPTERS": "{}"}) as w:
            self.assertFalse(w.ready.get("ready"), w.ready)
            self.assertIn("cannot load adapter 'mood'", w.ready["error"]["message"])

    def test_configure_adds_a_bundled_adapter_to_a_running_worker(self):
        v2 = write_adapter(os.path.join(self.tmp, "v2"), "new")
        with WorkerProcess(adapter="bench") as w:
            w.control("configure", id=900, adapter="mood", adapters=self.table(v2))
            reply = w.recv(10)
            self.assertTrue(reply.get("ok"), reply)
            self.assertEqual("mood", reply["result"]["adapter"])
            self.assertEqual({"label": "new", "text": "x"}, w.call("label", {"text": "x"}))

    def test_a_malformed_adapters_table_is_refused_and_changes_nothing(self):
        with WorkerProcess(adapter="bench") as w:
            w.control("configure", id=901, adapter="mood", adapters={"mood": {"module": 3}})
            reply = w.recv(10)
            self.assertFalse(reply.get("ok"), reply)
            self.assertEqual("BAD_REQUEST", reply["error"]["type"])
            self.assertIn("'module'", reply["error"]["message"])
            self.assertEqual({"echo": 1}, w.call("echo", {"echo": 1}))


if __name__ == "__main__":
    unittest.main()
