package dev.pooler.core.impl.routing;

import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import dev.pooler.api.routing.RoutingOutcome;
import dev.pooler.core.impl.events.EventSink;
import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** Configurations, event recorders and strategies for the router's tests. */
final class TestSupport {

    private static final AtomicLong SERVICE_IDS = new AtomicLong(100);

    private TestSupport() {
    }

    static LoadBalancingConfiguration config(String strategy) {
        return config(strategy, 30_000, true, 0.7, 1);
    }

    static LoadBalancingConfiguration config(String strategy, long interval, boolean sharing, double threshold, int sampling) {
        return config(strategy, interval, sharing, threshold, sampling, "prefer", 1.0);
    }

    /** The strategy {@code strategy} with the zone rule {@code preference} and {@code spillLoad}. */
    static LoadBalancingConfiguration zones(String strategy, String preference, double spillLoad) {
        return config(strategy, 30_000, true, 0.7, 1, preference, spillLoad);
    }

    static LoadBalancingConfiguration config(String strategy, long interval, boolean sharing, double threshold, int sampling,
                                             String zonePreference, double spillLoad) {
        return new LoadBalancingConfiguration() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return LoadBalancingConfiguration.class;
            }

            @Override
            public String strategy() {
                return strategy;
            }

            @Override
            public long rebalance_interval() {
                return interval;
            }

            @Override
            public boolean worker_sharing_enabled() {
                return sharing;
            }

            @Override
            public double migration_threshold() {
                return threshold;
            }

            @Override
            public int routed_event_sampling() {
                return sampling;
            }

            @Override
            public String zone_preference() {
                return zonePreference;
            }

            @Override
            public double zone_spill_load() {
                return spillLoad;
            }
        };
    }

    static Map<String, Object> props(String name) {
        return Map.of(LoadBalancingStrategy.NAME, name, "service.id", SERVICE_IDS.incrementAndGet());
    }

    record Posted(String topic, Map<String, Object> properties) {
    }

    /** Keeps every event posted. */
    static final class RecordingEvents implements EventSink {
        final List<Posted> posted = new CopyOnWriteArrayList<>();

        @Override
        public void post(String topic, Map<String, Object> properties) {
            posted.add(new Posted(topic, properties));
        }

        List<Posted> of(String topic) {
            return posted.stream().filter(p -> p.topic().equals(topic)).toList();
        }
    }

    /** A strategy that picks with a function and remembers what it saw and learned. */
    static final class ScriptedStrategy implements LoadBalancingStrategy {
        final Function<List<PoolSnapshot>, PoolSnapshot> pick;
        final List<List<String>> seen = new CopyOnWriteArrayList<>();
        final List<RequestProfile> profiles = new CopyOnWriteArrayList<>();
        final List<RoutingOutcome> outcomes = new CopyOnWriteArrayList<>();
        volatile boolean record = true;

        ScriptedStrategy(Function<List<PoolSnapshot>, PoolSnapshot> pick) {
            this.pick = pick;
        }

        static ScriptedStrategy first() {
            return new ScriptedStrategy(c -> c.get(0));
        }

        static ScriptedStrategy prefer(String poolId) {
            return new ScriptedStrategy(c -> c.stream().filter(s -> s.poolId().equals(poolId)).findFirst().orElse(c.get(0)));
        }

        @Override
        public PoolSnapshot select(List<PoolSnapshot> candidates, RequestProfile profile) {
            if (record) {
                seen.add(candidates.stream().map(PoolSnapshot::poolId).toList());
                profiles.add(profile);
            }
            return pick.apply(candidates);
        }

        @Override
        public void recordOutcome(RoutingOutcome outcome) {
            if (record) {
                outcomes.add(outcome);
            }
        }
    }
}
