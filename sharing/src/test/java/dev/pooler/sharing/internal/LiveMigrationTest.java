package dev.pooler.sharing.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.pooler.api.PoolConfig;
import dev.pooler.api.WorkerSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What makes session_aware refuse a move: anything that would re-target the worker (and clear its sessions). */
class LiveMigrationTest {

    static PoolConfig pool(String id, WorkerSpec spec, String specialization) {
        return PoolConfig.builder().poolId(id).workerSpec(spec).specialization(specialization).build();
    }

    @Test
    void aWorkerNeedsNoRetargetingOnlyBetweenPoolsThatLaunchWorkersAlike() {
        WorkerSpec bench = WorkerSpec.defaults().withAdapter("bench");
        assertNull(LiveMigration.retargetNeeded(pool("a", bench, null), pool("b", bench, null)));
        assertEquals("adapter", LiveMigration.retargetNeeded(pool("a", bench, null), pool("b", bench.withAdapter("text"), null)));
        assertEquals("Python interpreter", LiveMigration.retargetNeeded(pool("a", bench, null),
                pool("b", bench.withPython("/usr/bin/python3.12"), null)));
        assertEquals("environment", LiveMigration.retargetNeeded(pool("a", bench, null),
                pool("b", new WorkerSpec(bench.python(), bench.adapter(), Map.of("K", "v"), bench.startTimeout()), null)));
        assertEquals("specialization", LiveMigration.retargetNeeded(pool("a", bench, "gpt-4"), pool("b", bench, null)));
    }
}
