"""Process hygiene (Linux): a worker dies with its parent, its children die with it.

Real processes throughout: the worker, an intermediate parent standing in for
the JVM, and a ``sleep 1000`` a command starts.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from worker_harness import PY_ROOT, WorkerProcess, wait_until, worker_env  # noqa: E402

LINUX = sys.platform.startswith("linux")

ADAPTER = textwrap.dedent('''
    import subprocess, time

    def spawn(args, ctx):
        return subprocess.Popen(["sleep", "1000"]).pid

    def spin(args, ctx):
        # one long call into C that never gives the GIL back: no Python thread runs meanwhile
        return sum(range(10 ** 15))

    def nap(args, ctx):
        time.sleep(1000)

    COMMANDS = {"spawn": spawn, "spin": spin, "nap": nap}
''')


def _stat(pid):
    """(state, ppid, pgrp) of a process, or None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[2])


def _alive(pid):
    st = _stat(pid)
    return st is not None and st[0] not in ("Z", "X")


def _gone(pid):
    return not _alive(pid)


def _group(pgid):
    """Live processes of a process group."""
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = _stat(int(name))
            if st is not None and st[2] == pgid and st[0] not in ("Z", "X"):
                pids.append(int(name))
    return sorted(pids)


def _kill_quietly(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


@unittest.skipUnless(LINUX, "process hygiene relies on Linux (prctl, /proc)")
class LifetimeTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pooler-lifetime-test-")
        with open(os.path.join(cls.tmp, "lifetime_adapter.py"), "w") as f:
            f.write(ADAPTER)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def start(self, env=None):
        w = WorkerProcess("bench,lifetime_adapter", extra_path=self.tmp, env=env)
        self.addCleanup(w.kill)
        return w

    def guardian_of(self, w):
        """The one other process of the worker's group (the worker leads it)."""
        self.assertEqual(os.getpgid(w.proc.pid), w.proc.pid, "the worker leads no process group")
        found = []
        self.assertTrue(wait_until(lambda: found.append(_group(w.proc.pid)) or len(found[-1]) == 2, 3),
                        "group %r" % (found[-1:],))
        guardian = [p for p in found[-1] if p != w.proc.pid][0]
        self.addCleanup(_kill_quietly, guardian)
        return guardian

    # ---- (i) children die with the worker

    def test_children_die_when_the_worker_is_killed(self):
        w = self.start()
        child = w.call("spawn")
        self.addCleanup(_kill_quietly, child)
        self.assertTrue(_alive(child))
        self.assertEqual(os.getpgid(child), w.proc.pid)
        w.proc.send_signal(signal.SIGKILL)
        t0 = time.monotonic()
        self.assertTrue(wait_until(lambda: _gone(child), 3), "sleep %d outlived its worker" % child)
        # nothing holds the worker's pipes: the reader of its stdout and stderr sees EOF at once
        w._out_thread.join(3 - (time.monotonic() - t0))
        self.assertFalse(w._out_thread.is_alive(), "stdout did not reach EOF")
        w._err_thread.join(1)
        self.assertFalse(w._err_thread.is_alive(), "stderr did not reach EOF")
        self.assertEqual(_group(w.proc.pid), [])

    def test_children_die_when_the_worker_exits_normally(self):
        w = self.start()
        child = w.call("spawn")
        self.addCleanup(_kill_quietly, child)
        w.close_stdin()
        self.assertEqual(w.wait(5), 0)
        self.assertTrue(wait_until(lambda: _gone(child), 3), "sleep %d outlived its worker" % child)

    # ---- (ii) the worker dies with its parent, even inside a long native call

    def _worker_of_a_killed_parent(self, command):
        """Starts an intermediate parent that starts a worker; the worker runs `command`;
        the parent is SIGKILLed.  The test keeps the worker's stdin and stdout open, so
        neither stdin EOF nor a broken pipe can end the worker: only its parent's death."""
        in_r, in_w = os.pipe()
        out_r, out_w = os.pipe()
        self.addCleanup(os.close, in_w)
        self.addCleanup(os.close, out_r)
        launcher = textwrap.dedent('''
            import subprocess, sys, time
            subprocess.Popen([sys.executable, "-u", "-m", "pooler_worker", "--adapter",
                              "bench,lifetime_adapter"], stdin=int(sys.argv[1]), stdout=int(sys.argv[2]))
            time.sleep(1000)
        ''')
        parent = subprocess.Popen([sys.executable, "-c", launcher, str(in_r), str(out_w)], cwd=PY_ROOT,
                                  env=worker_env(self.tmp), pass_fds=(in_r, out_w))
        self.addCleanup(parent.wait)
        self.addCleanup(_kill_quietly, parent.pid)
        os.close(in_r)
        os.close(out_w)
        with os.fdopen(os.dup(out_r), "rb") as out:
            ready = json.loads(out.readline())
        pid = ready["pid"]
        self.addCleanup(_kill_quietly, pid)
        self.assertEqual(_stat(pid)[1], parent.pid)
        os.write(in_w, b'{"id":1,"command":"%s"}\n' % command.encode())
        time.sleep(0.5)                     # the command is running
        self.assertTrue(_alive(pid))
        parent.kill()
        parent.wait(5)
        return pid

    def test_worker_dies_with_its_parent_while_sleeping(self):
        pid = self._worker_of_a_killed_parent("nap")
        self.assertTrue(wait_until(lambda: _gone(pid), 3), "worker %d survived its parent" % pid)

    def test_worker_dies_with_its_parent_while_holding_the_gil(self):
        pid = self._worker_of_a_killed_parent("spin")
        self.assertTrue(wait_until(lambda: _gone(pid), 3), "worker %d survived its parent" % pid)

    def test_parent_death_signal_follows_the_spawning_thread(self):
        # Linux sends the parent-death signal when the *thread* that started the
        # worker ends: the Java side must start workers from long-lived threads.
        # POOLER_WORKER_PDEATHSIG=0 is the way out.
        launcher = textwrap.dedent('''
            import json, subprocess, sys, threading, time
            env = dict(json.loads(sys.argv[1]))
            box = []
            def spawn():
                p = subprocess.Popen([sys.executable, "-u", "-m", "pooler_worker", "--adapter", "bench"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
                p.stdout.readline()
                box.append(p)
            t = threading.Thread(target=spawn)
            t.start()
            t.join()                    # the thread that started the worker has ended
            time.sleep(1.0)
            p = box[0]
            print(p.pid, p.poll())
            p.stdin.close()
            p.wait(5)
        ''')
        for switch, survives in ((None, False), ("0", True)):
            env = worker_env(self.tmp, {"POOLER_WORKER_PDEATHSIG": switch} if switch else None)
            out = subprocess.run([sys.executable, "-c", launcher, json.dumps(env)], cwd=PY_ROOT, env=env,
                                 capture_output=True, timeout=20)
            pid, code = out.stdout.decode().split()
            self.assertEqual(code == "None", survives, (switch, code, out.stderr.decode()))
            if not survives:
                self.assertEqual(code, str(-signal.SIGKILL))

    # ---- (iii) the guardian itself

    def test_guardian_stays_off_the_protocol_and_leaves_with_the_worker(self):
        w = self.start()
        guardian = self.guardian_of(w)
        self.assertEqual(_stat(guardian)[1], w.proc.pid)
        with open("/proc/%d/comm" % guardian) as f:
            self.assertEqual(f.read().strip(), "pooler-guardian")
        # the guardian holds none of the worker's pipes (stdin, stdout, stderr)
        fds = os.listdir("/proc/%d/fd" % guardian)
        targets = [os.readlink("/proc/%d/fd/%s" % (guardian, fd)) for fd in fds]
        self.assertEqual([t for t in targets if t.startswith("pipe:")], [], targets)
        self.assertEqual(w.call("echo", {"a": 1}), {"a": 1})
        w.control("shutdown")
        self.assertEqual(w.wait(5), 0)
        self.assertTrue(wait_until(lambda: _gone(guardian), 3), "guardian %d outlived the worker" % guardian)
        self.assertEqual(_group(w.proc.pid), [])
        for line in w.raw_lines:        # nothing but the worker's frames on stdout
            self.assertIsInstance(json.loads(line.decode("utf-8")), dict)

    def test_guardian_leaves_on_stdin_eof(self):
        w = self.start()
        guardian = self.guardian_of(w)
        w.close_stdin()
        self.assertEqual(w.wait(5), 0)
        self.assertTrue(wait_until(lambda: _gone(guardian), 3), "guardian %d outlived the worker" % guardian)

    def test_guardian_can_be_turned_off(self):
        w = self.start(env={"POOLER_WORKER_GUARDIAN": "0"})
        self.assertEqual(w.call("echo", {"a": 1}), {"a": 1})
        self.assertEqual(os.getpgid(w.proc.pid), w.proc.pid)
        self.assertEqual(_group(w.proc.pid), [w.proc.pid])


if __name__ == "__main__":
    unittest.main()
