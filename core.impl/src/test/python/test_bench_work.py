"""Unit tests of the bench adapter's ``work`` command: sleep-based work whose speed is a
property of the worker (environment, or a factor file that can change while it runs)."""

import os
import shutil
import sys
import tempfile
import time
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from worker_harness import WorkerProcess  # noqa: E402  (also sets up sys.path)

from pooler_worker import BadRequest, CommandError, Context  # noqa: E402
from pooler_worker.adapters import bench  # noqa: E402


def work(args):
    return bench.COMMANDS["work"](args, Context())


def replace_file(path, text):
    """Writes a new version of the file the way the benchmark does: a new file renamed over it."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


class WorkTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pooler-bench-work")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.file = os.path.join(self.tmp, "factor")
        env = {k: v for k, v in os.environ.items() if k not in (bench.FACTOR_ENV, bench.FACTOR_FILE_ENV)}
        patcher = mock.patch.dict(os.environ, env, clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)
        bench._factor_file_seen[:] = [None, None]

    def test_factor_one_without_configuration(self):
        self.assertEqual(work({"ms": 0}), {"ms": 0, "factor": 1.0, "slept_ms": 0})

    def test_environment_factor_scales_the_sleep(self):
        os.environ[bench.FACTOR_ENV] = "4"
        t0 = time.monotonic()
        r = work({"ms": 10})
        elapsed_ms = (time.monotonic() - t0) * 1000
        self.assertEqual(r, {"ms": 10, "factor": 4.0, "slept_ms": 40.0})
        self.assertGreaterEqual(elapsed_ms, 39.0)

    def test_file_overrides_environment_and_is_reread_when_replaced(self):
        os.environ[bench.FACTOR_ENV] = "2"
        os.environ[bench.FACTOR_FILE_ENV] = self.file
        self.assertEqual(work({"ms": 1})["factor"], 2.0)      # no file yet: the environment
        replace_file(self.file, "10\n")
        self.assertEqual(work({"ms": 1})["factor"], 10.0)
        self.assertEqual(work({"ms": 1})["factor"], 10.0)     # unchanged file: cached
        replace_file(self.file, "1.5")
        self.assertEqual(work({"ms": 1}), {"ms": 1, "factor": 1.5, "slept_ms": 1.5})
        os.remove(self.file)
        self.assertEqual(work({"ms": 1})["factor"], 2.0)      # gone: the environment again

    def test_file_rewritten_in_place_is_reread(self):
        os.environ[bench.FACTOR_FILE_ENV] = self.file
        with open(self.file, "w") as f:
            f.write("3")
        self.assertEqual(work({"ms": 0})["factor"], 3.0)
        with open(self.file, "w") as f:
            f.write("30")                                     # another size: seen even within one mtime tick
        self.assertEqual(work({"ms": 0})["factor"], 30.0)

    def test_bad_factors_are_worker_errors_naming_their_source(self):
        for bad in ("fast", "0", "-1", "nan", "1e9"):
            os.environ[bench.FACTOR_ENV] = bad
            with self.assertRaises(CommandError) as cm:
                work({"ms": 0})
            self.assertNotIsInstance(cm.exception, BadRequest)
            self.assertIn(bench.FACTOR_ENV, cm.exception.message)
        os.environ[bench.FACTOR_ENV] = "1"
        os.environ[bench.FACTOR_FILE_ENV] = self.file
        replace_file(self.file, "")
        with self.assertRaises(CommandError) as cm:
            work({"ms": 0})
        self.assertIn(self.file, cm.exception.message)
        replace_file(self.file, "5")                           # fixed: works again
        self.assertEqual(work({"ms": 0})["factor"], 5.0)

    def test_bad_arguments(self):
        for args in ({}, {"ms": -1}, {"ms": "5"}, {"ms": True}):
            with self.assertRaises(BadRequest):
                work(args)

    def test_live_change_in_a_worker_process(self):
        replace_file(self.file, "2")
        with mock.patch.dict(os.environ, {bench.FACTOR_ENV: "7", bench.FACTOR_FILE_ENV: self.file}):
            w = WorkerProcess("bench")
        self.addCleanup(w.kill)
        self.assertEqual(w.call("work", {"ms": 1}), {"ms": 1, "factor": 2.0, "slept_ms": 2.0})
        replace_file(self.file, "8")
        self.assertEqual(w.call("work", {"ms": 1})["factor"], 8.0)
        os.remove(self.file)
        self.assertEqual(w.call("work", {"ms": 1})["factor"], 7.0)


if __name__ == "__main__":
    unittest.main()
