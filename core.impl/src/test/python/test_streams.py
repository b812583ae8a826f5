"""Streamed answers and cancellation (protocol 2), spoken to the real worker process."""

import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from worker_harness import WorkerProcess  # noqa: E402


def stream(w, command, args, rid=None):
    """Sends a streaming request; returns (chunk frames, final reply)."""
    rid = rid or w.next_id()
    w.send({"id": rid, "command": command, "args": args, "stream": True})
    chunks = []
    while True:
        f = w.recv(10)
        assert f.get("id") == rid, f
        if "chunk" in f:
            chunks.append(f)
        else:
            return chunks, f


class StreamTest(unittest.TestCase):

    def test_a_generator_streams_numbered_chunks_then_one_final_reply_with_the_count(self):
        with WorkerProcess("bench") as w:
            chunks, final = stream(w, "chunks", {"n": 1000})
            self.assertEqual([c["seq"] for c in chunks], list(range(1000)))
            self.assertEqual([c["chunk"]["seq"] for c in chunks], list(range(1000)))
            self.assertEqual(final["end"], 1000)
            self.assertTrue(final["ok"])
            self.assertEqual(final["result"], {"n": 1000})
            # the final reply never looks like a plain fast-path reply
            self.assertFalse(w.raw_lines[-1].startswith(b'{"id":%d,"ok":true' % final["id"]))

    def test_without_stream_the_chunks_come_collected_in_the_one_answer(self):
        with WorkerProcess("bench") as w:
            r = w.call("chunks", {"n": 3})
            self.assertEqual(r, {"chunks": [{"seq": 0, "data": ""}, {"seq": 1, "data": ""},
                                            {"seq": 2, "data": ""}], "result": {"n": 3}})
            self.assertEqual(w.call("echo", {"a": 1}), {"a": 1})   # a plain command is unchanged

    def test_text_generate_streams_sentences_deterministically(self):
        with WorkerProcess("text") as w:
            a, fa = stream(w, "generate", {"prompt": "the pool answers", "sentences": 4})
            b, fb = stream(w, "generate", {"prompt": "the pool answers", "sentences": 4})
            self.assertEqual(len(a), 4)
            self.assertEqual([c["chunk"] for c in a], [c["chunk"] for c in b])
            self.assertTrue(all(c["chunk"]["text"].endswith(".") for c in a))
            self.assertEqual(fa["result"]["sentences"], 4)
            self.assertEqual(fa["end"], 4)

    def test_emit_streams_too_and_a_failure_after_chunks_is_one_error_reply(self):
        with WorkerProcess("bench,testing") as w:
            rid = w.next_id()
            w.send({"id": rid, "command": "wait_cancel", "args": {"ms": 30, "ticks": True}, "stream": True})
            frames = []
            while True:
                f = w.recv(5)
                frames.append(f)
                if "ok" in f:
                    break
            self.assertGreater(len(frames), 1)
            self.assertEqual([f["seq"] for f in frames[:-1]], list(range(len(frames) - 1)))
            self.assertEqual(frames[-1]["end"], len(frames) - 1)
            # a chunk that is not JSON fails the request with one error
            chunks, final = stream(w, "chunks", {"n": -1})
            self.assertEqual(chunks, [])
            self.assertEqual(final["error"]["type"], "BAD_REQUEST")


class CancelTest(unittest.TestCase):

    def test_a_cooperative_command_stops_when_cancelled(self):
        with WorkerProcess("bench,testing") as w:
            rid = w.next_id()
            w.send({"id": rid, "command": "wait_cancel", "args": {"ms": 60000}})
            time.sleep(0.1)
            w.control("cancel", request=rid)
            reply = w.recv(5)
            self.assertEqual(reply["id"], rid)
            self.assertEqual(reply["error"]["type"], "CANCELLED")
            self.assertEqual(w.call("echo", {"after": True}), {"after": True})

    def test_a_cancelled_stream_ends_with_cancelled_after_its_chunks(self):
        with WorkerProcess("text") as w:
            rid = w.next_id()
            w.send({"id": rid, "command": "generate", "args": {"prompt": "x", "sentences": 10000, "delay_ms": 5},
                    "stream": True})
            first = w.recv(5)
            self.assertEqual(first["seq"], 0)
            w.control("cancel", request=rid)
            seqs = [0]
            while True:
                f = w.recv(5)
                if "chunk" in f:
                    seqs.append(f["seq"])
                    continue
                self.assertEqual(f["error"]["type"], "CANCELLED")
                break
            self.assertEqual(seqs, list(range(len(seqs))))
            self.assertLess(len(seqs), 10000)

    def test_a_request_cancelled_before_it_runs_is_not_run(self):
        with WorkerProcess("bench") as w:
            first, second = w.next_id(), w.next_id()
            w.send({"id": first, "command": "sleep", "args": {"ms": 200}})
            w.send({"id": second, "command": "echo", "args": {"ran": True}})
            w.control("cancel", request=second)
            self.assertTrue(w.recv(5)["ok"])
            r = w.recv(5)
            self.assertEqual(r["id"], second)
            self.assertEqual(r["error"]["type"], "CANCELLED")

    def test_a_cancel_for_an_unknown_request_is_ignored_and_never_answered(self):
        with WorkerProcess("bench") as w:
            w.control("cancel", request=987654)
            w.control("cancel", request="nope")
            self.assertEqual(w.call("echo", {"still": "here"}), {"still": "here"})
            self.assertTrue(w.frames.empty())


if __name__ == "__main__":
    unittest.main()
