"""Unit tests of the mixed-workload adapter: per-pool costs per request type, growing with the text."""

import os
import sys
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from worker_harness import WorkerProcess  # noqa: E402,F401  (also sets up sys.path)

from pooler_worker import BadRequest, CommandError, Context  # noqa: E402
from pooler_worker.adapters import mixed  # noqa: E402


def call(command, args):
    return mixed.COMMANDS[command](args, Context())


class MixedTest(unittest.TestCase):

    def configure(self, table):
        patcher = mock.patch.dict(os.environ, {mixed.COSTS_ENV: table})
        patcher.start()
        self.addCleanup(patcher.stop)
        mixed._table[0] = None
        self.addCleanup(lambda: mixed._table.__setitem__(0, None))

    def test_cost_is_fixed_plus_per_character(self):
        self.configure('{"embed": [1, 0], "summarize": [0.5, 2]}')
        self.assertEqual(mixed.cost_ms("embed", 5000), 1.0)
        self.assertEqual(mixed.cost_ms("summarize", 1500), 0.5 + 3.0)
        r = call("summarize", {"text": "x" * 250})
        self.assertEqual(r, {"command": "summarize", "chars": 250, "slept_ms": 1.0})

    def test_a_command_without_a_cost_is_named(self):
        self.configure('{"embed": [1, 0]}')
        with self.assertRaises(CommandError) as e:
            call("generate", {"text": "hi"})
        self.assertIn("'generate'", str(e.exception))

    def test_bad_tables_are_refused_with_the_reason(self):
        for table, words in (("[1, 2]", "JSON object"), ('{"embed": [1]}', "'embed'"),
                             ('{"embed": [1, -2]}', "'embed'"), ("{embed", "not JSON")):
            self.configure(table)
            with self.assertRaises(CommandError) as e:
                call("embed", {"text": ""})
            self.assertIn(words, str(e.exception))

    def test_text_is_required(self):
        self.configure('{"embed": [0, 0]}')
        with self.assertRaises(BadRequest):
            call("embed", {})


if __name__ == "__main__":
    unittest.main()
