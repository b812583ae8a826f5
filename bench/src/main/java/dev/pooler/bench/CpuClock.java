package dev.pooler.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * CPU time consumed so far by this JVM and by given worker processes, to tell where a contender's
 * time goes: Java side (pool machinery or direct client) vs Python side.
 */
public final class CpuClock {

    /** Linux reports /proc/PID/stat times in clock ticks of 1/100 s on every common kernel. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private static final com.sun.management.OperatingSystemMXBean OS =
            ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean b ? b : null;

    private CpuClock() {
    }

    /** CPU nanoseconds used by this JVM (all threads), or -1 where unknown. */
    public static long jvmNanos() {
        return OS == null ? -1 : OS.getProcessCpuTime();
    }

    /** CPU nanoseconds (user + system) used by the given processes, from /proc; -1 where unknown. */
    public static long processNanos(Collection<Long> pids) {
        long ticks = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // the command name (field 2) may hold spaces; the fields after its ')' are fixed
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
        return ticks * NANOS_PER_TICK;
    }

    /** The 1-minute load average, or NaN where unknown. */
    public static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
