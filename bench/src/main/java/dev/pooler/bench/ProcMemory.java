package dev.pooler.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Proportional set size (PSS) of a pool's processes, from Linux's /proc/PID/smaps_rollup: the memory a process
 * uses with every page it shares counted as its share, so forked workers sharing their template's pages add up
 * to what they really cost.
 */
final class ProcMemory {

    private ProcMemory() {
    }

    /**
     * KiB of PSS of the workers, their descendants (guardians) and their parent when it is not this JVM (the fork
     * template); -1 where unknown.
     */
    static long poolPssKb(Collection<Long> workerPids) {
        long self = ProcessHandle.current().pid();
        Set<Long> all = new LinkedHashSet<>();
        for (long pid : workerPids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                all.add(h.pid());
                h.descendants().forEach(d -> all.add(d.pid()));
                h.parent().filter(p -> p.pid() != self).ifPresent(p -> all.add(p.pid()));
            });
        }
        long sum = 0;
        for (long pid : all) {
            long kb = pssKb(pid);
            if (kb < 0) {
                return -1;
            }
            sum += kb;
        }
        return sum;
    }

    static long pssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
