package dev.pooler.core.impl.pool;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The answer executor of a pipelining pool ({@code pipeline.depth} &gt; 1): what one thread hands over (a worker's reader
 * thread completing the answers of its pipe) runs in that order on one answer thread at a time, and a burst of answers
 * costs one hand-over instead of one each. A callers' code still never runs on the completing thread, and a slow
 * consumer holds back only the later answers completed by the same thread (the same worker's), never another worker's.
 */
final class AnswerBatches implements Executor {

    private static final System.Logger LOG = System.getLogger(AnswerBatches.class.getName());

    private final Executor answers;
    private final ThreadLocal<Batch> batches = ThreadLocal.withInitial(Batch::new);

    AnswerBatches(Executor answers) {
        this.answers = answers;
    }

    @Override
    public void execute(Runnable task) {
        batches.get().add(task);
    }

    /** The tasks handed over by one thread, run in order by at most one answer thread at a time. */
    private final class Batch implements Runnable {
        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();

        void add(Runnable task) {
            tasks.add(task);
            if (scheduled.compareAndSet(false, true)) {
                try {
                    answers.execute(this);
                } catch (RuntimeException e) { // a rejected hand-over (the executor is shut down): the next add tries again
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
                    try {
                        task.run();
                    } catch (RuntimeException | Error e) {
                        LOG.log(System.Logger.Level.ERROR, "an answer's follow-up failed", e);
                    }
                }
                scheduled.set(false);
                if (tasks.isEmpty() || !scheduled.compareAndSet(false, true)) {
                    return; // nothing left, or a new add scheduled a run of its own
                }
            }
        }
    }
}
