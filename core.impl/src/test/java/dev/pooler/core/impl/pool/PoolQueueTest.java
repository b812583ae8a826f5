package dev.pooler.core.impl.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.Request;
import dev.pooler.api.RequestPriority;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolQueueTest {

    private static PendingRequest req(RequestPriority p, int n) {
        return new PendingRequest(Request.builder("echo").priority(p).capability("c" + n).build(), 1_000_000_000L,
                new PoolCounters("q"), Runnable::run, false, id -> false);
    }

    @Test
    void fifoWithinAPriority() {
        PoolQueue q = new PoolQueue();
        for (int i = 0; i < 5; i++) {
            q.add(req(RequestPriority.NORMAL, i));
        }
        for (int i = 0; i < 5; i++) {
            assertEquals("c" + i, q.poll().request.capability());
        }
        assertNull(q.poll());
    }

    @Test
    void highFirstButLowIsNeverStarved() {
        PoolQueue q = new PoolQueue();
        for (int i = 0; i < 100; i++) {
            q.add(req(RequestPriority.HIGH, i));
            q.add(req(RequestPriority.NORMAL, i));
            q.add(req(RequestPriority.LOW, i));
        }
        List<RequestPriority> first = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            first.add(q.poll().request.priority());
        }
        long high = first.stream().filter(p -> p == RequestPriority.HIGH).count();
        long normal = first.stream().filter(p -> p == RequestPriority.NORMAL).count();
        long low = first.stream().filter(p -> p == RequestPriority.LOW).count();
        assertEquals(60, high, "6 of every 10 are high while all levels wait");
        assertEquals(30, normal);
        assertEquals(10, low, "low still gets 1 in 10");
        assertEquals(200, q.size());
    }

    @Test
    void requestsPastTheirDeadlineLeaveTheQueue() {
        PoolQueue q = new PoolQueue();
        PendingRequest a = req(RequestPriority.NORMAL, 0);
        PendingRequest b = req(RequestPriority.HIGH, 1);
        q.add(a);
        q.add(b);
        assertTrue(q.removeExpired(a.deadlineNanos - 1).isEmpty(), "nothing is late yet");
        List<PendingRequest> late = q.removeExpired(Math.max(a.deadlineNanos, b.deadlineNanos));
        assertEquals(2, late.size());
        assertTrue(q.isEmpty() && q.size() == 0);
    }

    @Test
    void pollIfTakesWhatPollWouldOnlyWhenAcceptedAndChangesNothingOtherwise() {
        PoolQueue q = new PoolQueue();
        PoolQueue twin = new PoolQueue();
        for (int i = 0; i < 20; i++) {
            RequestPriority p = RequestPriority.values()[i % 3];
            q.add(req(p, i));
            twin.add(req(p, i));
        }
        for (int i = 0; i < 20; i++) {
            assertNull(q.pollIf(x -> false), "refused: nothing taken");
            assertEquals(20 - i, q.size());
            assertEquals(twin.poll().request.capability(), q.pollIf(x -> true).request.capability(),
                    "the same order as poll, refusals notwithstanding");
        }
        assertNull(q.pollIf(x -> true));
    }

    @Test
    void aRequestPutBackFirstIsTheNextOfItsPriority() {
        PoolQueue q = new PoolQueue();
        q.add(req(RequestPriority.NORMAL, 1));
        q.add(req(RequestPriority.NORMAL, 2));
        q.addFirst(req(RequestPriority.NORMAL, 0));
        assertEquals(3, q.size());
        for (int i = 0; i < 3; i++) {
            assertEquals("c" + i, q.poll().request.capability());
        }
    }
}
