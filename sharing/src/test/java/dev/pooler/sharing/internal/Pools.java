package dev.pooler.sharing.internal;

import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolStats;
import dev.pooler.api.Priority;
import dev.pooler.api.SharingPolicy;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.WorkerState;
import java.util.ArrayList;
import java.util.List;

/** Pool views for planner tests: a pool of {@code size} own workers, some busy, some lent, with a queue. */
final class Pools {

    private final String id;
    private final int size;
    private SharingPolicy policy = SharingPolicy.OVERFLOW;
    private Priority priority = Priority.MEDIUM;
    private int busy;
    private int queued;
    private final List<WorkerInfo> extra = new ArrayList<>();
    private final List<String> lentOut = new ArrayList<>();
    private PoolTrend trend = PoolTrend.NONE;

    private Pools(String id, int size) {
        this.id = id;
        this.size = size;
    }

    static Pools pool(String id, int size) {
        return new Pools(id, size);
    }

    Pools policy(SharingPolicy p) {
        policy = p;
        return this;
    }

    Pools priority(Priority p) {
        priority = p;
        return this;
    }

    Pools busy(int n) {
        busy = n;
        return this;
    }

    Pools queued(int n) {
        queued = n;
        return this;
    }

    Pools trend(PoolTrend t) {
        trend = t;
        return this;
    }

    /** One of this pool's workers is lent out (it is not among its serving workers). */
    Pools lentOut(String workerId) {
        lentOut.add(workerId);
        return this;
    }

    /** A worker of {@code owner} serves this pool. */
    Pools borrowed(String workerId, String owner, WorkerState state) {
        extra.add(new WorkerInfo(workerId, 1, state, 0, 0, owner, id, 0));
        return this;
    }

    PoolView view() {
        List<WorkerInfo> workers = new ArrayList<>();
        int own = size - lentOut.size();
        for (int i = 0; i < own; i++) {
            workers.add(new WorkerInfo(id + "-w" + i, 100 + i, i < busy ? WorkerState.BUSY : WorkerState.IDLE, 0, 0, id, id, 0));
        }
        workers.addAll(extra);
        int busyAll = (int) workers.stream().filter(w -> w.state() == WorkerState.BUSY).count();
        int idle = (int) workers.stream().filter(w -> w.state() == WorkerState.IDLE).count();
        PoolStats stats = new PoolStats(id, PoolState.RUNNING, workers.size(), busyAll, idle, queued, lentOut.size(), extra.size(),
                0, 0, 0, 0, 0, 10, 10, 10, 10);
        PoolConfig config = PoolConfig.builder().poolId(id).size(size).priority(priority).sharingPolicy(policy).build();
        return new PoolView(config, stats, workers, trend);
    }
}
