package dev.pooler.core.impl.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A started worker process as {@link WorkerProcess} uses it: its protocol streams, its log, its pid, its
 * end. A spawned worker is the JVM's child with pipes ({@link SpawnedChannel}); a forked one is its fork
 * template's child with Unix domain sockets ({@link ForkedChannel}).
 */
public interface WorkerChannel {

    /** The worker's protocol frames; may block until the worker is connected. Fails if it never will be. */
    InputStream frames() throws IOException;

    /** Where frames to the worker are written; valid once {@link #frames()} returned. Closing it is the worker's EOF. */
    OutputStream input() throws IOException;

    /** The worker's stderr; may block until it is connected. */
    InputStream log() throws IOException;

    /** The process id, -1 while unknown. */
    long pid();

    boolean isAlive();

    /** Kills the process and its children at once (SIGKILL). */
    void kill();

    /** Waits for the process to end; its exit status (128 + signal when a signal ended it), -1 when unknown. */
    int waitFor() throws InterruptedException;
}
