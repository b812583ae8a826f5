"""Unit tests of the text adapter (in-process), plus a cross-process determinism check."""

import math
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from worker_harness import WorkerProcess  # noqa: E402  (also sets up sys.path)

from pooler_worker import BadRequest, Context  # noqa: E402
from pooler_worker.adapters import text  # noqa: E402

ANIMALS = ["the cat chased the mouse", "a dog barked at the cat", "cats and dogs are pets",
           "my dog loves to chase cats", "the mouse hid from the cat"]
FINANCE = ["stock market prices fell sharply", "investors sold shares on the stock exchange",
           "bond yields and stock prices rose", "the central bank raised interest rates",
           "market investors bought bank shares"]


def call(name, args, session=None, ctx=None):
    ctx = ctx or Context()
    ctx.session = session
    return text.COMMANDS[name](args, ctx)


class EmbedTest(unittest.TestCase):

    def test_deterministic_and_normalised(self):
        a = call("embed", {"text": "Hello world, hello Pooler!"})["embedding"]
        b = call("embed", {"text": "Hello world, hello Pooler!"})["embedding"]
        self.assertEqual(a, b)
        self.assertEqual(len(a), 256)
        self.assertAlmostEqual(math.sqrt(sum(x * x for x in a)), 1.0, places=12)
        self.assertNotEqual(a, call("embed", {"text": "something else"})["embedding"])

    def test_batch_and_dim(self):
        res = call("embed", {"texts": ["one", "two", ""], "dim": 32})
        self.assertEqual(res["dim"], 32)
        self.assertEqual(len(res["embeddings"]), 3)
        self.assertEqual(res["embeddings"][0], call("embed", {"text": "one", "dim": 32})["embedding"])
        self.assertEqual(res["embeddings"][2], [0.0] * 32)     # empty text -> zero vector

    def test_case_and_unicode_normalisation(self):
        self.assertEqual(call("embed", {"text": "Café"})["embedding"],
                         call("embed", {"text": "cafe\u0301"})["embedding"])
        self.assertEqual(call("embed", {"text": "HELLO"})["embedding"],
                         call("embed", {"text": "hello"})["embedding"])

    def test_bad_args(self):
        for args in ({}, {"text": 3}, {"texts": ["a", 1]}, {"text": "a", "dim": 0}):
            with self.assertRaises(BadRequest):
                call("embed", args)

    def test_same_embedding_in_worker_process(self):
        # BLAKE2b hashing: identical across processes (hash randomisation must not matter)
        local = call("embed", {"text": "stable across processes", "dim": 64})["embedding"]
        with WorkerProcess("text") as w:
            remote = w.call("embed", {"text": "stable across processes", "dim": 64})["embedding"]
        self.assertEqual(local, remote)


class SimilarityTest(unittest.TestCase):

    def test_identical_and_different(self):
        same = call("similarity", {"a": "the quick brown fox", "b": "the quick brown fox"})["similarity"]
        self.assertAlmostEqual(same, 1.0, places=9)
        close = call("similarity", {"a": "the quick brown fox", "b": "the quick brown foxes"})["similarity"]
        far = call("similarity", {"a": "the quick brown fox", "b": "interest rates rose"})["similarity"]
        self.assertGreater(close, 0.6)
        self.assertLess(far, close)
        self.assertLess(abs(far), 0.4)
        self.assertEqual(call("similarity", {"a": "", "b": "x"})["similarity"], 0.0)

    def test_missing_arg_named(self):
        with self.assertRaises(BadRequest) as cm:
            call("similarity", {"a": "x"})
        self.assertIn("'b'", str(cm.exception))


class ClusterTest(unittest.TestCase):

    def test_separates_two_groups(self):
        texts = [t for pair in zip(ANIMALS, FINANCE) for t in pair]     # interleaved
        res = call("cluster", {"texts": texts, "k": 2, "seed": 7})
        labels = res["labels"]
        self.assertEqual(res["centroids_count"], 2)
        self.assertGreaterEqual(res["iterations"], 1)
        animal_labels = {labels[i] for i, t in enumerate(texts) if t in ANIMALS}
        finance_labels = {labels[i] for i, t in enumerate(texts) if t in FINANCE}
        self.assertEqual(len(animal_labels), 1, labels)
        self.assertEqual(len(finance_labels), 1, labels)
        self.assertNotEqual(animal_labels, finance_labels)
        self.assertEqual(labels[0], 0)      # labels numbered by first appearance

    def test_deterministic(self):
        texts = ANIMALS + FINANCE + ["random words here", "more random words"]
        a = call("cluster", {"texts": texts, "k": 3, "seed": 1})
        b = call("cluster", {"texts": texts, "k": 3, "seed": 1})
        self.assertEqual(a, b)

    def test_edge_cases(self):
        self.assertEqual(call("cluster", {"texts": ["a", "a", "a"], "k": 3})["labels"][0], 0)
        self.assertEqual(call("cluster", {"texts": ["x y", "z"], "k": 1})["labels"], [0, 0])
        for args in ({"texts": ["a"], "k": 2}, {"texts": [], "k": 1}, {"texts": ["a"]},
                     {"texts": ["a"], "k": 0}):
            with self.assertRaises(BadRequest):
                call("cluster", args)


class ClassifyTest(unittest.TestCase):

    def test_examples(self):
        res = call("classify", {"text": "the dog chased a cat",
                                "labels": {"finance": FINANCE, "animals": ANIMALS}})
        self.assertEqual(res["label"], "animals")
        self.assertGreater(res["scores"]["animals"], res["scores"]["finance"])
        res = call("classify", {"text": "stock prices and bank shares",
                                "labels": {"animals": ANIMALS, "finance": FINANCE}})
        self.assertEqual(res["label"], "finance")

    def test_label_names(self):
        res = call("classify", {"text": "I love my cats", "labels": ["weather", "cats", "stocks"]})
        self.assertEqual(res["label"], "cats")
        self.assertEqual(set(res["scores"]), {"weather", "cats", "stocks"})

    def test_bad_labels(self):
        for labels in (None, [], {}, "cats", [1], {"a": "not a list"}):
            with self.assertRaises(BadRequest):
                call("classify", {"text": "x", "labels": labels})


class ProgramTest(unittest.TestCase):

    def test_create_and_execute_in_session(self):
        ctx = Context()
        s1 = {"id": "s1"}
        examples = [{"input": t, "output": "animals"} for t in ANIMALS] + \
                   [[t, "finance"] for t in FINANCE]
        created = call("create_program", {"id": "prog", "signature": "text -> topic",
                                          "examples": examples}, s1, ctx)
        self.assertEqual(created["program_id"], "prog")
        self.assertEqual(created["session"], "s1")
        self.assertEqual(created["examples"], 10)
        r1 = call("execute_program", {"program_id": "prog", "input": "a cat and a mouse"}, s1, ctx)
        self.assertEqual(r1["output"], "animals")
        self.assertEqual(r1["executions"], 1)
        r2 = call("execute_program", {"program_id": "prog", "text": "shares on the exchange"}, s1, ctx)
        self.assertEqual(r2["output"], "finance")
        self.assertEqual(r2["executions"], 2)
        # another session does not see the program
        with self.assertRaises(BadRequest) as cm:
            call("execute_program", {"program_id": "prog", "input": "x"}, {"id": "s2"}, ctx)
        self.assertIn("'prog'", str(cm.exception))
        # dropping the session drops its programs
        self.assertTrue(ctx.drop_session("s1"))
        with self.assertRaises(BadRequest):
            call("execute_program", {"program_id": "prog"}, s1, ctx)

    def test_retrieve_and_identity_programs(self):
        ctx = Context()
        call("create_program", {"id": "r", "examples": ["red apples", "blue ocean water"]}, None, ctx)
        self.assertEqual(call("execute_program", {"program_id": "r", "input": "the ocean"},
                              None, ctx)["output"], "blue ocean water")
        call("create_program", {"id": "i"}, None, ctx)
        res = call("execute_program", {"program_id": "i", "input": "same"}, None, ctx)
        self.assertEqual(res["output"], "same")
        self.assertIsNone(res["session"])

    def test_bad_programs(self):
        for args in ({}, {"id": "p", "signature": "no arrow"}, {"id": "p", "examples": [3]},
                     {"id": "p", "examples": [{"output": "x"}]}):
            with self.assertRaises(BadRequest):
                call("create_program", args)

    def test_over_the_wire(self):
        with WorkerProcess("text") as w:
            s = {"id": "sess-1"}
            w.call("create_program", {"id": "p", "examples": [["hot sun", "summer"], ["cold snow", "winter"]]},
                   session=s)
            res = w.call("execute_program", {"program_id": "p", "input": "snow and ice"}, session=s)
            self.assertEqual(res["output"], "winter")
            self.assertEqual(res["executions"], 1)
            reply = w.request("execute_program", {"program_id": "nope"}, session=s)
            self.assertEqual(reply["error"]["type"], "BAD_REQUEST")
            self.assertIn("'nope'", reply["error"]["message"])


if __name__ == "__main__":
    unittest.main()
