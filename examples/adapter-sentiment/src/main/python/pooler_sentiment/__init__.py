"""A Pooler adapter delivered as a bundle: a small lexicon sentiment classifier.

Standard library only.  Commands (each takes a JSON object, returns JSON):

    classify        {"text": "..."}            -> {"label", "score", "positive", "negative"}
    classify_batch  {"texts": ["...", ...]}    -> {"results": [<classify result>, ...]}
    lexicon_info    {}                         -> {"version", "positive_words", "negative_words"}

The label is "positive" or "negative" when the score (positive minus negative
weight, over the number of words counted) passes +/-0.05, else "neutral".
"""

from .classifier import VERSION, classify_text, lexicon_size


def _text(args, key="text"):
    value = (args or {}).get(key)
    if not isinstance(value, str):
        raise ValueError("'%s' must be a string" % key)
    return value


def classify(args, ctx):
    return classify_text(_text(args))


def classify_batch(args, ctx):
    texts = (args or {}).get("texts")
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise ValueError("'texts' must be a list of strings")
    return {"results": [classify_text(t) for t in texts]}


def lexicon_info(args, ctx):
    positive, negative = lexicon_size()
    return {"version": VERSION, "positive_words": positive, "negative_words": negative}


COMMANDS = {
    "classify": classify,
    "classify_batch": classify_batch,
    "lexicon_info": lexicon_info,
}
