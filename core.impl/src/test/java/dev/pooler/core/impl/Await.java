package dev.pooler.core.impl;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition of real processes; the bound is the test's patience, not a speed requirement. */
public final class Await {

    public static final Duration PATIENCE = Duration.ofSeconds(20);

    private Await() {
    }

    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
