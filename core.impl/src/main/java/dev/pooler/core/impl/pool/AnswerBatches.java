package dev.pooler.core.impl.pool;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The answer executor of a pipelining pool ({@code pipeline.depth} &gt; 1): what one thread hands over (a worker's reader
 * thread completing the answers of its pipe) runs in that order on one answer thread at a time, so a burst of answers
 * costs one hand-over instead of one each. Callers' code still never runs on the completing thread, and a slow consumer
 * holds back only the later answers completed by the same thread (the same worker's), never another worker's — and
 * not for ever: a follow-up that blocks (say, on another answer's follow-up queued behind it) is found by
 * {@link #rescue}, which the pool's supervisor calls every tick, and the rest of its batch runs on another thread.
 */
final class AnswerBatches implements Executor {

    private static final System.Logger LOG = System.getLogger(AnswerBatches.class.getName());

    private final Executor answers;
    private final ThreadLocal<Batch> batches = ThreadLocal.withInitial(Batch::new);
    /** Batches handed to an answer thread and not yet done. */
    private final Set<Batch> active = ConcurrentHashMap.newKeySet();

    AnswerBatches(Executor answers) {
        this.answers = answers;
    }

    @Override
    public void execute(Runnable task) {
        batches.get().add(task);
    }

    /** Batches whose running follow-up started more than {@code stuckNanos} ago go on, meanwhile, on another thread. */
    void rescue(long nowNanos, long stuckNanos) {
        for (Batch b : active) {
            long started = b.taskStartedNanos;
            if (started != 0 && nowNanos - started > stuckNanos && !b.tasks.isEmpty()) {
                answers.execute(b::drain);
            }
        }
    }

    /** The tasks handed over by one thread, run in order by one answer thread at a time (unless one is stuck). */
    private final class Batch implements Runnable {
        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        /** When the follow-up that runs now started; 0 when none runs. */
        private volatile long taskStartedNanos;

        void add(Runnable task) {
            tasks.add(task);
            if (scheduled.compareAndSet(false, true)) {
                active.add(this);
                try {
                    answers.execute(this);
                } catch (RuntimeException e) { // rejected (the executor is shut down): the next add tries again
                    active.remove(this);
                    scheduled.set(false);
                    throw e;
                }
            }
        }

        @Override
        public void run() {
            while (true) {
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    taskStartedNanos = System.nanoTime();
                    runOne(task);
                    taskStartedNanos = 0;
                }
                active.remove(this);
                scheduled.set(false);
                if (tasks.isEmpty() || !scheduled.compareAndSet(false, true)) {
                    return; // nothing left, or a new add scheduled a run of its own
                }
                active.add(this);
            }
        }

        /** A rescuer's run: whatever waits, now, on this thread. */
        void drain() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                runOne(task);
            }
        }

        private void runOne(Runnable task) {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "an answer's follow-up failed", e);
            }
        }
    }
}
