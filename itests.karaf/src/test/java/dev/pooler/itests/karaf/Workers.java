package dev.pooler.itests.karaf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Pooler's Python worker processes under this JVM (the container's: the tests run inside it). */
final class Workers {

    private Workers() {
    }

    /**
     * Pooler's live Python workers under this JVM: its children running {@code pooler_worker} (spawned workers),
     * and the workers forked by its fork templates (the templates' children). One per worker.
     */
    static List<ProcessHandle> alive() {
        List<ProcessHandle> out = new java.util.ArrayList<>();
        ProcessHandle.current().children().filter(Workers::running).filter(Workers::isWorker).forEach(h -> {
            if (isTemplate(h)) {
                h.children().filter(Workers::running).filter(Workers::isWorker).forEach(out::add);
            } else {
                out.add(h);
            }
        });
        return out;
    }

    /** Every live Pooler Python process under this JVM: the workers and the fork templates. */
    static List<ProcessHandle> allPooler() {
        List<ProcessHandle> out = new java.util.ArrayList<>(alive());
        ProcessHandle.current().children().filter(Workers::running).filter(Workers::isTemplate).forEach(out::add);
        return out;
    }

    /** Whether the process is a pool's fork template ({@code python -m pooler_worker --template}). */
    static boolean isTemplate(ProcessHandle h) {
        return isWorker(h) && commandLine(h).contains("--template");
    }

    private static String commandLine(ProcessHandle h) {
        ProcessHandle.Info info = h.info();
        return info.commandLine().orElseGet(() -> info.command().orElse("")
                + info.arguments().map(a -> " " + String.join(" ", a)).orElse(""));
    }

    static boolean isWorker(ProcessHandle h) {
        return commandLine(h).contains("pooler_worker");
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
