"""Deterministic text adapter (standard library only).

Embeddings are feature-hashed bags of word unigrams and character trigrams
(per word, padded with '#'; English stop words dropped; sub-linear term
frequency), hashed with BLAKE2b (stable across processes and machines, unlike
``hash()``), with signed buckets, L2-normalised.

Commands:
  embed           {"text": s} | {"texts": [s]}, "dim"?: 256
                  -> {"embedding": [..], "dim": d} | {"embeddings": [[..]..], "dim": d}
  similarity      {"a": s, "b": s, "dim"?} -> {"similarity": cosine}
  cluster         {"texts": [s], "k": K, "seed"?: 0, "max_iter"?: 100, "n_init"?: 4, "dim"?}
                  -> {"labels": [..], "centroids_count": K, "iterations": n, "inertia": x}
                  (k-means++ seeded from random.Random(seed), n_init restarts, lowest
                  inertia wins; labels numbered by first appearance)
  classify        {"text": s, "labels": {label: [examples]} | [label names], "dim"?}
                  -> {"label": best, "scores": {label: cosine}}
  create_program  {"id": p, "signature"?: "input -> output", "examples"?: [..], "dim"?}
                  examples: {"input": s, "output": s} objects, [input, output] pairs or
                  plain strings.  Stored per session (request "session".id) as plain
                  JSON (dicts, lists, strings, numbers), so that a versioned session's
                  state can be shipped to another worker (see runtime.py).
                  -> {"program_id": p, "session": sid, "signature": sig, "examples": n, "replaced": bool}
  execute_program {"program_id": p, "input"?: s}   (or the signature's input field name)
                  -> {"program_id", "session", "signature", "output", "score", "executions"}
                  With labelled examples the output is the nearest label (centroid of its
                  examples); with plain examples the nearest example; with none, the input.
                  Unknown program -> BAD_REQUEST.
  generate        {"prompt": s, "sentences"?: 5 (1..10000), "delay_ms"?: 0 (0..10000)}
                  A streaming command: yields one sentence at a time,
                  {"index": i, "text": "..."}, deterministic for a prompt (words drawn
                  through BLAKE2b from the prompt's words and a small vocabulary),
                  waiting delay_ms before each one (a slow model, for demos and
                  tests); stops early when the caller cancels.
                  -> (after the chunks) {"sentences": n, "words": w}
  lookup_via_tool {"text": s, "tool"?: "kv", "timeout"?: 5}
                  Looks each distinct word of the text up through a Java tool (ctx.call_tool,
                  e.g. the key-value tool of examples/tool-kv: {"key": w} ->
                  {"key": w, "found": bool, "value": v}) and returns
                  {"found": {word: value}, "missing": [words], "calls": n}.  A tool error
                  (UNKNOWN_TOOL, TOOL_NOT_ALLOWED, TOOL_FAILED, TOOL_TIMEOUT) fails the request.
"""

import functools
import hashlib
import math
import random
import re
import unicodedata
from operator import mul

from pooler_worker.api import BadRequest, arg, str_list

DEFAULT_DIM = 256
MAX_DIM = 1 << 16
WORD_WEIGHT = 1.0       # weight of a word unigram (per sub-linear term frequency unit)
TRIGRAM_MASS = 1.0      # total weight of one word's character trigrams (spread evenly)
DEFAULT_N_INIT = 4      # k-means restarts; the lowest-inertia run wins

_WORD = re.compile(r"\w+")

# A small English stop-word list: such words are dropped (unless a text has
# nothing else), so that "the"/"and" do not make unrelated sentences similar.
STOP_WORDS = frozenset("""
a about above after again against all am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers him his how i if in into is it its itself
just me more most my no nor not of off on once only or other our ours out over own same
she should so some such than that the their theirs them then there these they this those
through to too under until up very was we were what when where which while who whom why
will with would you your yours
""".split())


# --------------------------------------------------------------------------
# embeddings

@functools.lru_cache(maxsize=1 << 16)
def _slot(feature, dim):
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8, person=b"pooler.text").digest()
    h = int.from_bytes(digest, "little")
    return h % dim, (-1.0 if (h >> 63) else 1.0)


def features(text):
    """Weighted features of a text: {feature: weight}.

    NFKC + lower-case, words = ``\\w+`` runs minus stop words; each distinct word
    contributes ``1 + log(tf)`` to its unigram feature and the same amount,
    spread over its '#'-padded character trigrams, to the trigram features.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    words = _WORD.findall(text)
    kept = [w for w in words if w not in STOP_WORDS]
    if kept:
        words = kept
    tf = {}
    for word in words:
        tf[word] = tf.get(word, 0) + 1
    feats = {}
    get = feats.get
    for word, count in tf.items():
        weight = 1.0 + math.log(count)
        key = "w:" + word
        feats[key] = get(key, 0.0) + WORD_WEIGHT * weight
        padded = "#" + word + "#"
        n = len(padded) - 2
        tri = TRIGRAM_MASS * weight / n
        for i in range(n):
            key = "c:" + padded[i:i + 3]
            feats[key] = get(key, 0.0) + tri
    return feats


def embed_text(text, dim=DEFAULT_DIM):
    """L2-normalised hashed embedding (a list of ``dim`` floats; all zeros for empty text)."""
    vec = [0.0] * dim
    for feature, weight in sorted(features(text).items()):
        index, sign = _slot(feature, dim)
        vec[index] += sign * weight
    return _normalized(vec)


def _normalized(vec):
    norm = math.sqrt(sum(map(mul, vec, vec)))
    if norm > 0.0:
        inv = 1.0 / norm
        return [x * inv for x in vec]
    return list(vec)


def dot(a, b):
    return sum(map(mul, a, b))


def cosine(a, b):
    na = math.sqrt(dot(a, a))
    nb = math.sqrt(dot(b, b))
    if na == 0.0 or nb == 0.0:
        return 0.0
    c = dot(a, b) / (na * nb)
    return max(-1.0, min(1.0, c))


def _mean(vectors, dim):
    acc = [0.0] * dim
    for v in vectors:
        for i, x in enumerate(v):
            acc[i] += x
    n = float(len(vectors)) or 1.0
    return [x / n for x in acc]


def _dim(args):
    return arg(args, "dim", int, DEFAULT_DIM, minimum=1, maximum=MAX_DIM)


# --------------------------------------------------------------------------
# k-means

def kmeans(vectors, k, seed=0, max_iter=100, n_init=DEFAULT_N_INIT):
    """Deterministic k-means: ``n_init`` runs of k-means++ + Lloyd, all randomness
    from ``random.Random(seed)``; the run with the lowest inertia wins (first on ties).

    Returns (labels, iterations, inertia); labels are renumbered in order of
    first appearance so equal partitions give equal label lists.
    """
    if not vectors:
        raise ValueError("kmeans needs at least one vector")
    rng = random.Random(seed)
    sq = [dot(v, v) for v in vectors]
    best = None
    for _ in range(max(1, n_init)):
        run = _kmeans_once(vectors, sq, k, rng, max_iter)
        if best is None or run[2] < best[2] - 1e-12:
            best = run
    labels, iterations, inertia = best
    remap = {}
    for lab in labels:
        if lab not in remap:
            remap[lab] = len(remap)
    return [remap[lab] for lab in labels], iterations, inertia


def _kmeans_once(vectors, sq, k, rng, max_iter):
    n = len(vectors)
    dim = len(vectors[0])

    def sqdist(i, c, csq):
        d = sq[i] + csq - 2.0 * dot(vectors[i], c)
        return d if d > 0.0 else 0.0

    # ---- k-means++ initialisation
    first = rng.randrange(n)
    centroids = [list(vectors[first])]
    csqs = [sq[first]]
    d2 = [sqdist(i, centroids[0], csqs[0]) for i in range(n)]
    while len(centroids) < k:
        total = sum(d2)
        if total <= 0.0:
            idx = rng.randrange(n)
        else:
            r = rng.random() * total
            acc = 0.0
            idx = max(i for i, d in enumerate(d2) if d > 0.0)
            for i, d in enumerate(d2):
                acc += d
                if acc >= r and d > 0.0:
                    idx = i
                    break
        c = list(vectors[idx])
        centroids.append(c)
        csqs.append(sq[idx])
        for i in range(n):
            d = sqdist(i, c, csqs[-1])
            if d < d2[i]:
                d2[i] = d

    # ---- Lloyd iterations
    labels = None
    iterations = 0
    dists = [0.0] * n
    while iterations < max_iter:
        iterations += 1
        new_labels = [0] * n
        for i in range(n):
            best, best_d = 0, None
            for j in range(k):
                d = sqdist(i, centroids[j], csqs[j])
                if best_d is None or d < best_d:
                    best, best_d = j, d
            new_labels[i] = best
            dists[i] = best_d
        if new_labels == labels:
            break
        labels = new_labels
        members = [[] for _ in range(k)]
        for i, lab in enumerate(labels):
            members[lab].append(vectors[i])
        taken = set()
        for j in range(k):
            if members[j]:
                centroids[j] = _mean(members[j], dim)
            else:
                # empty cluster: move it onto the worst-fitted point not used yet
                order = sorted(range(n), key=lambda i: (-dists[i], i))
                pick = next((i for i in order if i not in taken), order[0])
                taken.add(pick)
                centroids[j] = list(vectors[pick])
            csqs[j] = dot(centroids[j], centroids[j])

    # ---- Hartigan refinement: move single points while that lowers the inertia
    # (escapes many of the local minima Lloyd's algorithm stops in)
    counts = [0] * k
    members = [[] for _ in range(k)]
    for i, lab in enumerate(labels):
        counts[lab] += 1
        members[lab].append(vectors[i])
    for j in range(k):
        if members[j]:
            centroids[j] = _mean(members[j], dim)
            csqs[j] = dot(centroids[j], centroids[j])
    passes = 0
    moved = True
    while moved and passes < max_iter:
        moved = False
        passes += 1
        for i in range(n):
            a = labels[i]
            na = counts[a]
            if na <= 1:
                continue
            remove_gain = sqdist(i, centroids[a], csqs[a]) * na / (na - 1)
            best_j, best_gain = -1, 1e-12
            for j in range(k):
                if j == a:
                    continue
                nj = counts[j]
                add_cost = sqdist(i, centroids[j], csqs[j]) * nj / (nj + 1) if nj else 0.0
                gain = remove_gain - add_cost
                if gain > best_gain:
                    best_j, best_gain = j, gain
            if best_j < 0:
                continue
            x = vectors[i]
            ca, cb, nb = centroids[a], centroids[best_j], counts[best_j]
            centroids[a] = [(c * na - v) / (na - 1) for c, v in zip(ca, x)]
            centroids[best_j] = [(c * nb + v) / (nb + 1) for c, v in zip(cb, x)] if nb else list(x)
            counts[a] -= 1
            counts[best_j] += 1
            csqs[a] = dot(centroids[a], centroids[a])
            csqs[best_j] = dot(centroids[best_j], centroids[best_j])
            labels[i] = best_j
            moved = True
    inertia = sum(sqdist(i, centroids[labels[i]], csqs[labels[i]]) for i in range(n))
    return labels, iterations + passes, inertia


# --------------------------------------------------------------------------
# commands

def embed(args, ctx):
    dim = _dim(args)
    if args.get("texts") is not None:
        texts = str_list(args, "texts", allow_empty=True)
        return {"embeddings": [embed_text(t, dim) for t in texts], "dim": dim}
    if args.get("text") is None:
        raise BadRequest("argument 'text' (a string) or 'texts' (a list of strings) is required")
    text = arg(args, "text", str)
    return {"embedding": embed_text(text, dim), "dim": dim}


def similarity(args, ctx):
    a = arg(args, "a", str)
    b = arg(args, "b", str)
    dim = _dim(args)
    return {"similarity": cosine(embed_text(a, dim), embed_text(b, dim))}


def cluster(args, ctx):
    texts = str_list(args, "texts")
    k = arg(args, "k", int, minimum=1)
    if k > len(texts):
        raise BadRequest("argument 'k' (%d) must not exceed the number of texts (%d)" % (k, len(texts)))
    seed = arg(args, "seed", int, 0)
    max_iter = arg(args, "max_iter", int, 100, minimum=1, maximum=10000)
    n_init = arg(args, "n_init", int, DEFAULT_N_INIT, minimum=1, maximum=100)
    dim = _dim(args)
    vectors = [embed_text(t, dim) for t in texts]
    labels, iterations, inertia = kmeans(vectors, k, seed=seed, max_iter=max_iter, n_init=n_init)
    return {"labels": labels, "centroids_count": k, "iterations": iterations, "inertia": inertia}


def _label_centroids(labels, dim, argname="labels"):
    """[(label, centroid)] from {label: [examples]} or [label names]."""
    out = []
    if isinstance(labels, dict):
        if not labels:
            raise BadRequest("argument '%s' must not be empty" % argname)
        for label, examples in labels.items():
            if examples is None:
                examples = []
            if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
                raise BadRequest("argument '%s.%s' must be a list of example strings" % (argname, label))
            if examples:
                centroid = _normalized(_mean([embed_text(e, dim) for e in examples], dim))
            else:
                centroid = embed_text(label, dim)
            out.append((label, centroid))
    elif isinstance(labels, list):
        if not labels:
            raise BadRequest("argument '%s' must not be empty" % argname)
        for i, label in enumerate(labels):
            if not isinstance(label, str):
                raise BadRequest("argument '%s[%d]' must be a string" % (argname, i))
            out.append((label, embed_text(label, dim)))
    else:
        raise BadRequest("argument '%s' is required (an object {label: [examples]} "
                         "or a list of label names)" % argname)
    return out


def _nearest(vec, centroids):
    scores = {}
    best, best_score = None, None
    for label, centroid in centroids:
        s = cosine(vec, centroid)
        scores[label] = s
        if best_score is None or s > best_score:
            best, best_score = label, s
    return best, best_score, scores


def classify(args, ctx):
    text = arg(args, "text", str)
    dim = _dim(args)
    centroids = _label_centroids(args.get("labels"), dim)
    label, _, scores = _nearest(embed_text(text, dim), centroids)
    return {"label": label, "scores": scores}


# ---- session programs

def _programs(ctx, create=False):
    """The session's programs: {id: program}, all plain JSON (the state may be shipped)."""
    state = ctx.session_state()
    if create:
        return state.setdefault("text.programs", {})
    return state.get("text.programs") or {}


def _parse_signature(sig):
    left, arrow, right = sig.partition("->")
    if not arrow:
        raise BadRequest("argument 'signature' must look like 'input -> output', got %r" % sig)
    inputs = [s.strip() for s in left.split(",") if s.strip()]
    outputs = [s.strip() for s in right.split(",") if s.strip()]
    if not inputs or not outputs:
        raise BadRequest("argument 'signature' must name an input and an output field, got %r" % sig)
    return inputs[0], outputs[0]


def create_program(args, ctx):
    pid = arg(args, "id", str)
    signature = arg(args, "signature", str, "input -> output")
    in_field, out_field = _parse_signature(signature)
    raw = arg(args, "examples", list, [])
    dim = _dim(args)
    examples = []       # (input, output or None)
    for i, ex in enumerate(raw):
        if isinstance(ex, str):
            examples.append((ex, None))
        elif isinstance(ex, dict):
            inp = ex.get("input", ex.get(in_field))
            out = ex.get("output", ex.get(out_field))
            if not isinstance(inp, str) or not (out is None or isinstance(out, str)):
                raise BadRequest("argument 'examples[%d]' needs a string '%s' (and optionally a "
                                 "string '%s')" % (i, in_field, out_field))
            examples.append((inp, out))
        elif isinstance(ex, list) and len(ex) == 2 and all(isinstance(x, str) for x in ex):
            examples.append((ex[0], ex[1]))
        else:
            raise BadRequest("argument 'examples[%d]' must be a string, an object or an "
                             "[input, output] pair" % i)
    labelled = [e for e in examples if e[1] is not None]
    # targets: [[label, vector], ...] - lists, not tuples: the state is plain JSON
    if labelled:
        groups = {}
        for inp, out in labelled:
            groups.setdefault(out, []).append(inp)
        mode = "classify"
        targets = [[label, centroid] for label, centroid in _label_centroids(groups, dim)]
    elif examples:
        mode = "retrieve"
        targets = [[inp, embed_text(inp, dim)] for inp, _ in examples]
    else:
        mode = "identity"
        targets = []
    programs = _programs(ctx, create=True)
    replaced = pid in programs
    programs[pid] = {
        "signature": signature,
        "input_field": in_field,
        "mode": mode,
        "targets": targets,
        "dim": dim,
        "examples": len(examples),
        "executions": 0,
    }
    return {"program_id": pid, "session": ctx.session_id, "signature": signature,
            "examples": len(examples), "mode": mode, "replaced": replaced}


def execute_program(args, ctx):
    pid = arg(args, "program_id", str)
    program = _programs(ctx).get(pid)
    if program is None:
        sid = ctx.session_id
        where = "in session '%s'" % sid if sid is not None else "outside any session"
        raise BadRequest("unknown program '%s' %s" % (pid, where))
    text = args.get("input")
    if text is None:
        text = args.get(program["input_field"], "")
    if not isinstance(text, str):
        raise BadRequest("argument 'input' must be a string")
    if program["mode"] == "identity":
        output, score = text, 1.0
    else:
        output, score, _ = _nearest(embed_text(text, program["dim"]), program["targets"])
    program["executions"] += 1
    return {"program_id": pid, "session": ctx.session_id, "signature": program["signature"],
            "output": output, "score": score, "executions": program["executions"]}


_VOCABULARY = ("pool", "worker", "stream", "answer", "request", "python", "java", "chunk",
               "model", "token", "router", "session", "quiet", "bright", "steady", "small",
               "careful", "plain", "river", "stone", "light", "window", "garden", "road")


def generate(args, ctx):
    prompt = arg(args, "prompt", str)
    count = arg(args, "sentences", int, 5, minimum=1, maximum=10000)
    delay_ms = arg(args, "delay_ms", float, 0, minimum=0, maximum=10000)
    words = [w.lower() for w in _WORD.findall(prompt)] or ["nothing"]
    pool = tuple(words) + _VOCABULARY
    return _sentences(prompt, pool, count, delay_ms / 1000.0, ctx)


def _sentences(prompt, pool, count, delay_s, ctx):
    import time
    total = 0
    for i in range(count):
        if delay_s:
            time.sleep(delay_s)
        digest = hashlib.blake2b(("%s\x00%d" % (prompt, i)).encode("utf-8"), digest_size=16).digest()
        n = 4 + digest[0] % 6
        chosen = [pool[digest[1 + j] % len(pool)] for j in range(n)]
        text = " ".join(chosen).capitalize() + "."
        total += n
        yield {"index": i, "text": text}
    return {"sentences": count, "words": total}


def lookup_via_tool(args, ctx):
    text = arg(args, "text", str)
    tool = arg(args, "tool", str, "kv")
    timeout = arg(args, "timeout", float, 5.0, minimum=0.001, maximum=3600)
    found, missing, seen = {}, [], set()
    for word in (w.lower() for w in _WORD.findall(text)):
        if word in seen:
            continue
        seen.add(word)
        ctx.check_cancelled()
        answer = ctx.call_tool(tool, {"key": word}, timeout=timeout)
        if isinstance(answer, dict) and answer.get("found"):
            found[word] = answer.get("value")
        else:
            missing.append(word)
    return {"found": found, "missing": missing, "calls": len(seen)}


COMMANDS = {
    "generate": generate,
    "lookup_via_tool": lookup_via_tool,
    "embed": embed,
    "similarity": similarity,
    "cluster": cluster,
    "classify": classify,
    "create_program": create_program,
    "execute_program": execute_program,
}
