package dev.pooler.webconsole.admin;

import dev.pooler.api.Pool;
import dev.pooler.api.PoolRegistry;
import dev.pooler.api.PoolStats;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Samples every pool's utilization every {@value #INTERVAL_MS} ms into a ring buffer covering the last
 * ten minutes, for the console's chart. Immediate: the history must exist before anyone opens the page.
 */
@Component(service = UtilizationSampler.class, immediate = true)
public class UtilizationSampler {

    static final long INTERVAL_MS = 2_000;
    static final int SAMPLES = 300;
    private static final System.Logger LOG = System.getLogger(UtilizationSampler.class.getName());

    private final UtilizationHistory history = new UtilizationHistory(SAMPLES, INTERVAL_MS);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pooler-console-sampler");
        t.setDaemon(true);
        return t;
    });

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PoolRegistry registry;

    @Activate
    void activate() {
        timer.scheduleWithFixedDelay(this::sample, 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }

    public UtilizationHistory history() {
        return history;
    }

    void sample() {
        try {
            PoolRegistry r = registry;
            if (r == null) {
                return;
            }
            Map<String, Double> utilization = new HashMap<>();
            Map<String, Integer> queued = new HashMap<>();
            for (Pool p : r.pools()) {
                PoolStats s = p.stats();
                utilization.put(p.id(), s.utilization());
                queued.put(p.id(), s.queued());
            }
            history.add(new UtilizationHistory.Sample(System.currentTimeMillis(), utilization, queued));
        } catch (RuntimeException e) {
            // A pool going away mid-sample: skip this reading, keep the timer alive.
            LOG.log(System.Logger.Level.DEBUG, "utilization sample skipped: {0}", e.toString());
        }
    }
}
