package dev.pooler.itests.karaf;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition, failing with what was seen last: a bound on a hang, not a timing assertion. */
final class Await {

    static final long LIMIT_MS = 60_000;

    private Await() {
    }

    static void until(String what, BooleanSupplier condition, Supplier<?> seen) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT_MS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + LIMIT_MS + " ms for " + what + "; last seen: " + seen.get());
            }
            Thread.sleep(50);
        }
    }
}
