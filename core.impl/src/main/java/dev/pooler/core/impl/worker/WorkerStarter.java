package dev.pooler.core.impl.worker;

import java.io.IOException;

/** How a pool's worker processes come to be: spawned by the JVM, or forked from a template ({@link ForkStarter}). */
public interface WorkerStarter {

    /** Starts the process now (on a long-lived thread: see {@code WorkerLauncher}). */
    WorkerChannel start(WorkerLaunch launch) throws IOException;

    /** Spawns a fresh interpreter per worker: {@code python -u -m pooler_worker …} with pipes. */
    WorkerStarter SPAWN = launch -> new SpawnedChannel(launch.processBuilder(launch.command()).start());

    /** Lets go of what the starter holds (fork templates) once their workers are gone. */
    default void close() {
    }
}
