"""The runtime must stay Python 3.9 compatible and standard-library only."""

import ast
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from worker_harness import PY_ROOT  # noqa: E402

STDLIB_OK = {
    "__future__", "ast", "collections", "dataclasses", "functools", "hashlib", "importlib", "json",
    "math", "operator", "os", "queue", "random", "re", "signal", "sys", "threading", "time",
    "traceback", "types", "unicodedata", "pooler_worker", "ctypes", "gc", "select", "socket",
}


def _sources():
    root = os.path.join(PY_ROOT, "pooler_worker")
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            if name.endswith(".py"):
                yield os.path.join(dirpath, name)


class CompatTest(unittest.TestCase):

    def test_sources_parse_as_python_3_9(self):
        files = list(_sources())
        self.assertGreater(len(files), 5)
        for path in files:
            with open(path, encoding="utf-8") as f:
                src = f.read()
            ast.parse(src, filename=path, feature_version=(3, 9))

    def test_stdlib_only_imports(self):
        for path in _sources():
            with open(path, encoding="utf-8") as f:
                tree = ast.parse(f.read(), filename=path)
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom):
                    if node.level:          # relative import inside the package
                        continue
                    names = [node.module]
                else:
                    continue
                for name in names:
                    self.assertIn(name.split(".")[0], STDLIB_OK, "%s imports %s" % (path, name))


if __name__ == "__main__":
    unittest.main()
