"""The adapter's own tests, run by the build (python3 -m unittest)."""

import os
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "main", "python"))

import pooler_sentiment  # noqa: E402


class SentimentTest(unittest.TestCase):

    def label(self, text):
        return pooler_sentiment.classify({"text": text}, None)["label"]

    def test_clear_cases(self):
        self.assertEqual("positive", self.label("I love this, it is great and fast"))
        self.assertEqual("negative", self.label("Terrible: it crashes and the UI is ugly"))
        self.assertEqual("neutral", self.label("The meeting is on Tuesday at noon"))

    def test_negation_turns_the_word_around(self):
        self.assertEqual("negative", self.label("this is not good"))
        self.assertEqual("positive", self.label("it is not bad at all, really nice"))

    def test_intensifier_weighs_more(self):
        plain = pooler_sentiment.classify({"text": "good service"}, None)["score"]
        strong = pooler_sentiment.classify({"text": "very good service"}, None)["score"]
        self.assertGreater(strong * 3 / 2, plain)  # scores are per word: "very" adds a word and weight
        self.assertGreater(pooler_sentiment.classify({"text": "very good service"}, None)["positive"],
                           pooler_sentiment.classify({"text": "good service"}, None)["positive"])

    def test_batch_and_info(self):
        out = pooler_sentiment.classify_batch({"texts": ["great", "awful"]}, None)["results"]
        self.assertEqual(["positive", "negative"], [r["label"] for r in out])
        info = pooler_sentiment.lexicon_info({}, None)
        self.assertEqual(pooler_sentiment.VERSION, info["version"])
        self.assertGreater(info["positive_words"], 10)

    def test_bad_input_names_the_field(self):
        with self.assertRaisesRegex(ValueError, "'text' must be a string"):
            pooler_sentiment.classify({"text": 3}, None)
        with self.assertRaisesRegex(ValueError, "'texts' must be a list of strings"):
            pooler_sentiment.classify_batch({"texts": "x"}, None)

    def test_commands_are_what_pooler_loads(self):
        self.assertEqual({"classify", "classify_batch", "lexicon_info"}, set(pooler_sentiment.COMMANDS))
        for fn in pooler_sentiment.COMMANDS.values():
            self.assertTrue(callable(fn))


if __name__ == "__main__":
    unittest.main()
