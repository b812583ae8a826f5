package dev.pooler.core.impl.routing;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Per command, the exponentially weighted mean of its service times across all pools: the
 * router's "expected duration" of a request, and the prior a learning strategy starts from.
 */
final class CommandHistory {

    static final double ALPHA = 0.1;
    static final int MAX_COMMANDS = 4096;

    /** One command's mean; updated under its own lock, read without one. */
    static final class Entry {
        private volatile double meanMs;
        private volatile long count;

        synchronized void add(double ms) {
            meanMs = count == 0 ? ms : meanMs + ALPHA * (ms - meanMs);
            count++;
        }

        double meanMs() {
            return meanMs;
        }

        long count() {
            return count;
        }
    }

    private final ConcurrentHashMap<String, Entry> commands = new ConcurrentHashMap<>();

    /** Expected service time of a command in milliseconds, 0 when never seen. */
    double expectedMs(String command) {
        Entry e = commands.get(command);
        return e == null ? 0.0 : e.meanMs();
    }

    long count(String command) {
        Entry e = commands.get(command);
        return e == null ? 0 : e.count();
    }

    void record(String command, long serviceNanos) {
        if (serviceNanos <= 0) {
            return;
        }
        Entry e = commands.get(command);
        if (e == null) {
            if (commands.size() >= MAX_COMMANDS) {
                return; // a flood of one-off command names: stop learning new ones
            }
            e = commands.computeIfAbsent(command, k -> new Entry());
        }
        e.add(serviceNanos / 1e6);
    }
}
