"""Lexicon scoring with negation ("not good") and intensifiers ("very bad")."""

import re

VERSION = "1.0.0"

_POSITIVE = {
    "good": 1.0, "great": 1.5, "excellent": 2.0, "love": 1.5, "like": 0.8, "happy": 1.2, "fast": 0.8,
    "reliable": 1.2, "nice": 1.0, "wonderful": 1.8, "best": 1.5, "clean": 0.7, "easy": 0.8, "works": 0.6,
    "helpful": 1.0, "smooth": 0.8, "recommend": 1.2, "pleased": 1.2, "amazing": 1.8, "fine": 0.5,
}
_NEGATIVE = {
    "bad": 1.0, "terrible": 2.0, "awful": 1.8, "hate": 1.5, "slow": 0.8, "broken": 1.5, "crash": 1.2,
    "crashes": 1.2, "bug": 0.8, "bugs": 0.8, "poor": 1.0, "worst": 1.8, "sad": 1.0, "angry": 1.2,
    "useless": 1.5, "fails": 1.2, "failed": 1.0, "lost": 0.8, "ugly": 1.0, "annoying": 1.0,
}
_NEGATIONS = {"not", "no", "never", "hardly", "isn't", "wasn't", "don't", "doesn't", "didn't", "can't", "won't"}
_INTENSIFIERS = {"very": 1.5, "really": 1.4, "extremely": 1.8, "so": 1.3, "quite": 1.2, "slightly": 0.6}
_WORD = re.compile(r"[a-z']+")
THRESHOLD = 0.05


def lexicon_size():
    return len(_POSITIVE), len(_NEGATIVE)


def classify_text(text):
    words = _WORD.findall(text.lower())
    positive = negative = 0.0
    for i, word in enumerate(words):
        weight = _POSITIVE.get(word, 0.0) - _NEGATIVE.get(word, 0.0)
        if weight == 0.0:
            continue
        before = words[max(0, i - 3):i]
        for w in reversed(before):
            if w in _INTENSIFIERS:
                weight *= _INTENSIFIERS[w]
                break
        if any(w in _NEGATIONS for w in before):
            weight = -weight * 0.8
        if weight > 0:
            positive += weight
        else:
            negative -= weight
    score = (positive - negative) / max(1, len(words))
    label = "positive" if score > THRESHOLD else "negative" if score < -THRESHOLD else "neutral"
    return {"label": label, "score": round(score, 4), "positive": round(positive, 3), "negative": round(negative, 3)}
