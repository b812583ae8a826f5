package dev.pooler.core.impl.worker;

import java.io.InputStream;
import java.io.OutputStream;

/** A worker the JVM started itself: its pipes, its {@link Process}. */
final class SpawnedChannel implements WorkerChannel {

    private final Process process;

    SpawnedChannel(Process process) {
        this.process = process;
    }

    @Override
    public InputStream frames() {
        return process.getInputStream();
    }

    @Override
    public OutputStream input() {
        return process.getOutputStream();
    }

    @Override
    public InputStream log() {
        return process.getErrorStream();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Override
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }
}
