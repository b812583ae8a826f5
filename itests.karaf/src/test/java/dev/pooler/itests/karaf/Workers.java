package dev.pooler.itests.karaf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Pooler's Python worker processes under this JVM (the container's: the tests run inside it). */
final class Workers {

    private Workers() {
    }

    /** Live children of this JVM whose command line runs {@code pooler_worker} (one per worker). */
    static List<ProcessHandle> alive() {
        return ProcessHandle.current().children().filter(Workers::running).filter(Workers::isWorker).toList();
    }

    static boolean isWorker(ProcessHandle h) {
        ProcessHandle.Info info = h.info();
        String line = info.commandLine().orElseGet(() -> info.command().orElse("")
                + info.arguments().map(a -> " " + String.join(" ", a)).orElse(""));
        return line.contains("pooler_worker");
    }

    /** Alive and not a zombie (a reaped-late child still shows in the process table). */
    static boolean running(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + h.pid() + "/stat"));
            int close = stat.lastIndexOf(')');
            char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    static String pids(List<ProcessHandle> handles) {
        return handles.stream().map(h -> String.valueOf(h.pid())).toList().toString();
    }
}
