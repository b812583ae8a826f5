package dev.pooler.api;

/** The life cycle of one worker process. */
public enum WorkerState {
    STARTING, IDLE, BUSY, LENT, RECYCLING, STOPPING, DEAD
}
