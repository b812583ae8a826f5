package dev.pooler.core.impl.pool;

import dev.pooler.api.session.SessionTraffic;
import java.util.concurrent.atomic.LongAdder;

/**
 * How sessions' state reaches workers, for every pool of a framework: whether the {@code manual} rule is on
 * (a pool receives a session's state only once the session's data is in it, see
 * {@link dev.pooler.api.session.SessionSync}) and how many bytes of state were written to workers, counted
 * by the pool right after the write to the worker's pipe succeeded, and how many sessions workers dropped when
 * told they ended. Thread-safe.
 */
public final class SessionShipping {

    private volatile boolean explicitSyncOnly;
    private final LongAdder bytesWithRequests = new LongAdder();
    private final LongAdder bytesPushed = new LongAdder();
    private final LongAdder pushes = new LongAdder();
    private final LongAdder sessionsEnded = new LongAdder();

    public boolean explicitSyncOnly() {
        return explicitSyncOnly;
    }

    public void explicitSyncOnly(boolean on) {
        explicitSyncOnly = on;
    }

    void shippedWithRequest(int bytes) {
        bytesWithRequests.add(bytes);
    }

    void pushed(int bytes) {
        bytesPushed.add(bytes);
        pushes.increment();
    }

    /** A worker answered {@code end_session} saying it dropped the session's state. */
    void ended() {
        sessionsEnded.increment();
    }

    public SessionTraffic traffic() {
        return new SessionTraffic(bytesWithRequests.sum(), bytesPushed.sum(), pushes.sum(), sessionsEnded.sum());
    }

    /** Bytes of {@code text} in UTF-8 (what goes on the pipe), without encoding it. */
    static int utf8Length(CharSequence text) {
        int n = 0;
        for (int i = 0, len = text.length(); i < len; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(text.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
