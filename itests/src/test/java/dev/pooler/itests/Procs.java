package dev.pooler.itests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** OS process checks. A {@link ProcessHandle} remembers its process's start time, so a reused pid is not mistaken for it. */
public final class Procs {

    private static final boolean PROC_FS = Files.isDirectory(Path.of("/proc/self"));

    private Procs() {
    }

    /** The handle of a live process, or fails. */
    public static ProcessHandle live(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !alive(h.get())) {
            throw new AssertionError("no live OS process with pid " + pid);
        }
        return h.get();
    }

    /** Whether the process runs: exists, is the same process (start time), and is not a zombie. */
    public static boolean alive(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        if (!PROC_FS) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + h.pid() + "/stat"));
            int close = stat.lastIndexOf(')');
            char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false; // gone between the two checks
        }
    }

    /** The command line of a process, as far as the OS tells. */
    public static String commandLine(ProcessHandle h) {
        ProcessHandle.Info info = h.info();
        return info.commandLine().orElseGet(() -> info.command().orElse("?")
                + info.arguments().map(a -> " " + String.join(" ", a)).orElse(""));
    }

    /** Whether the process is a Pooler Python worker ({@code python -m pooler_worker}). */
    public static boolean isWorker(ProcessHandle h) {
        return commandLine(h).contains("pooler_worker");
    }

    /** Whether the process is a pool's fork template ({@code python -m pooler_worker --template}). */
    public static boolean isTemplate(ProcessHandle h) {
        return isWorker(h) && commandLine(h).contains("--template");
    }

    /**
     * Live Pooler worker processes of a JVM: its children that run a worker (spawned), and the children of its fork
     * templates (forked workers; their guardians are their own children, so not counted).
     */
    public static List<ProcessHandle> workerChildren(ProcessHandle jvm) {
        List<ProcessHandle> found = new java.util.ArrayList<>();
        jvm.children().filter(Procs::alive).filter(Procs::isWorker).forEach(h -> {
            if (isTemplate(h)) {
                h.children().filter(Procs::alive).forEach(found::add);
            } else {
                found.add(h);
            }
        });
        return found;
    }

    /** Live children of a JVM running Pooler's Python code: workers and fork templates. */
    public static List<ProcessHandle> poolerChildren(ProcessHandle jvm) {
        return jvm.children().filter(Procs::alive).filter(Procs::isWorker).toList();
    }

    /** Whether {@code worker} was started by {@code jvm}: spawned by it, or forked by one of its templates. */
    public static boolean startedBy(ProcessHandle worker, ProcessHandle jvm) {
        java.util.Optional<ProcessHandle> parent = worker.parent();
        if (parent.isEmpty()) {
            return false;
        }
        ProcessHandle p = parent.get();
        return p.pid() == jvm.pid() || (isTemplate(p) && p.parent().map(ProcessHandle::pid).orElse(-1L) == jvm.pid());
    }

    public static List<ProcessHandle> stillAlive(java.util.Collection<ProcessHandle> handles) {
        return handles.stream().filter(Procs::alive).toList();
    }

    public static String pids(java.util.Collection<ProcessHandle> handles) {
        return handles.stream().map(h -> String.valueOf(h.pid())).toList().toString();
    }
}
