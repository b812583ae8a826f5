"""Process hygiene: the worker dies with its parent, its children die with the worker.

Three mechanisms, all set up by ``runtime.main`` before the worker starts any
thread or loads its adapter (see the "Process lifetime" part of runtime.py's
docstring for why they are built this way):

* ``die_with_parent``: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` (Linux, via ctypes), so
  the kernel kills the worker when the JVM dies, even while a command is stuck in
  native code holding the GIL, where no Python thread could notice anything.
* ``lead_process_group``: ``setpgid(0, 0)``; the worker's children join its group.
* ``start_guardian``: a forked (not exec'd) child that waits for the worker to die
  and then SIGKILLs the worker's process group, i.e. every child the worker left.

Everything is best effort: where a mechanism is missing (another OS, no ctypes,
fork refused) the worker runs without it; the runtime's watchdog thread and
stdin EOF still end it when the JVM goes away.
"""

import os
import signal
import sys
import time

PR_SET_PDEATHSIG = 1            # <linux/prctl.h>
PR_SET_NAME = 15
GUARDIAN_NAME = b"pooler-guardian"              # its /proc/<pid>/comm, as ps and top show it

GUARDIAN_ENV = "POOLER_WORKER_GUARDIAN"       # "0": no guardian process
PDEATHSIG_ENV = "POOLER_WORKER_PDEATHSIG"     # "0": no parent-death signal

# The guardian sleeps until this signal (its own parent-death signal) arrives;
# the timeout is only a safety net, and the poll interval where the kernel
# cannot tell it.
_GUARDIAN_WAKE = getattr(signal, "SIGUSR1", None)
_GUARDIAN_SAFETY_POLL_S = 5.0
_GUARDIAN_POLL_S = 0.5

_libc = []      # [ctypes.CDLL] once loaded, [None] if it cannot be


def _log(message):
    try:
        sys.stderr.write("pooler_worker: %s\n" % message)
        sys.stderr.flush()
    except Exception:
        pass


def _disabled(env):
    return os.environ.get(env, "").strip() == "0"


def _prctl(option, arg):
    """prctl(2) through ctypes (Linux only); True if it succeeded."""
    if not sys.platform.startswith("linux"):
        return False
    if not _libc:
        try:
            import ctypes
            _libc.append(ctypes.CDLL(None, use_errno=True))    # the C library already loaded
        except Exception:
            _libc.append(None)
    libc = _libc[0]
    if libc is None:
        return False
    try:
        return libc.prctl(option, arg, 0, 0, 0) == 0
    except Exception:
        return False


def _set_pdeathsig(signum):
    """Ask the kernel to send us `signum` when our parent dies; True if it took."""
    return _prctl(PR_SET_PDEATHSIG, int(signum))


def die_with_parent(ppid):
    """Have the kernel SIGKILL this process when its parent `ppid` dies; True if armed.

    The kernel does it even while a command holds the GIL in a long C call.
    If the parent died before the request took effect no signal will ever
    come, so the parent is checked once more right after, and we exit if it
    is gone.
    """
    if _disabled(PDEATHSIG_ENV) or not _set_pdeathsig(signal.SIGKILL):
        return False
    if os.getppid() != ppid:
        _log("parent process %d is gone, exiting" % ppid)
        os._exit(0)
    return True


def lead_process_group():
    """Make this process the leader of a new process group; True if it leads one now."""
    if not hasattr(os, "setpgid"):
        return False
    try:
        os.setpgid(0, 0)
    except OSError:
        pass            # a session leader cannot move; it leads its own group already
    return os.getpgrp() == os.getpid()


def start_guardian(protocol_fds):
    """Fork the guardian; returns its pid, or None if there is none.

    `protocol_fds` are the worker's private stdin/stdout descriptors: the
    guardian closes them so that it never reads a frame, never writes one, and
    never keeps the pipes open after the worker died (the JVM waits for EOF).
    Call it while the process has a single thread: fork copies only the caller.
    """
    if _disabled(GUARDIAN_ENV) or not hasattr(os, "fork") or not hasattr(os, "killpg"):
        return None
    worker = os.getpid()
    if os.getpgrp() != worker:
        # our group is our parent's: killing "our" group would kill the JVM
        _log("no guardian process: the worker could not get a process group of its own")
        return None
    try:
        pid = os.fork()
    except OSError as e:
        _log("no guardian process (fork failed: %s); the worker's children may outlive it" % e)
        return None
    if pid == 0:
        code = 0
        try:
            _guard(worker, protocol_fds)
        except BaseException:
            code = 1
        os._exit(code)      # never return into the worker's code, never flush its buffers
    return pid


# --------------------------------------------------------------------------
# inside the guardian

def _guard(worker, protocol_fds):
    """The guardian's whole life: wait for the worker to die, then kill its group."""
    _drop_descriptors(protocol_fds)
    _prctl(PR_SET_NAME, GUARDIAN_NAME)  # tells it from its worker in ps (same command line)
    wait = _pdeath_waiter()
    getppid = os.getppid
    while getppid() == worker:      # once the worker is gone we are someone else's child
        wait()
    # The group outlives the worker as long as a member (we) lives, so its id
    # cannot have been reused by an unrelated process.
    os.killpg(worker, signal.SIGKILL)


def _drop_descriptors(protocol_fds):
    """Point 0, 1, 2 at /dev/null and close everything else the worker had open."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        if fd != null:
            os.dup2(null, fd)
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        fds = list(protocol_fds)
    for fd in fds:
        if fd > 2:
            try:
                os.close(fd)
            except OSError:
                pass


def _pdeath_waiter():
    """A function that blocks until the worker may have died (or a while has passed)."""
    sigtimedwait = getattr(signal, "sigtimedwait", None)
    if _GUARDIAN_WAKE is not None and sigtimedwait is not None:
        # blocked, the signal stays pending until sigtimedwait takes it: none is lost
        signal.pthread_sigmask(signal.SIG_BLOCK, [_GUARDIAN_WAKE])
        if _set_pdeathsig(_GUARDIAN_WAKE):
            wake = [_GUARDIAN_WAKE]
            return lambda: sigtimedwait(wake, _GUARDIAN_SAFETY_POLL_S)
    return lambda: time.sleep(_GUARDIAN_POLL_S)
