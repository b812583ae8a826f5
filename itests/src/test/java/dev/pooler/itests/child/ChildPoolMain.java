package dev.pooler.itests.child;

import dev.pooler.api.PoolConfig;
import dev.pooler.api.Request;
import dev.pooler.api.WorkerSpec;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.pool.PoolRuntime;
import dev.pooler.core.impl.pool.PythonPool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * A child JVM for {@code JvmKillIT}: runs one {@link PythonPool} on the plain class path, prints
 * {@code PIDS <pid> ...} once its workers are ready, then waits to be killed.
 * Arguments: runtime folder, python, size, and optionally {@code busy}: every worker is then running
 * a command that never ends ({@code hang}) when the pids are printed.
 */
public final class ChildPoolMain {

    private ChildPoolMain() {
    }

    public static void main(String[] args) throws Exception {
        Path runtime = Path.of(args[0]);
        String python = args[1];
        int size = Integer.parseInt(args[2]);
        PoolConfig config = PoolConfig.builder().poolId("child").size(size)
                .workerSpec(WorkerSpec.defaults().withPython(python).withAdapter("bench,testing")).build();
        PythonPool pool = new PythonPool(config, PoolRuntime.create(runtime, Executors.newScheduledThreadPool(2), EventSink.NONE));
        pool.start();
        if (!pool.awaitReady(Duration.ofSeconds(60))) {
            System.out.println("FAILED the workers did not start: " + pool.failure() + " " + pool.workers());
            System.exit(2);
        }
        pool.executeAndWait(Request.of("echo"));
        if (args.length > 3 && args[3].equals("busy")) {
            for (int i = 0; i < size; i++) {
                pool.execute(Request.of("hang"));
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (pool.stats().busy() < size) {
                if (System.nanoTime() > deadline) {
                    System.out.println("FAILED the workers did not all take a request: " + pool.stats());
                    System.exit(2);
                }
                Thread.sleep(50);
            }
        }
        System.out.println("PIDS " + pool.pids().stream().map(String::valueOf).collect(Collectors.joining(" ")));
        System.out.flush();
        new CountDownLatch(1).await(); // until killed
    }
}
