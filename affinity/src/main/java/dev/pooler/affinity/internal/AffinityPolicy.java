package dev.pooler.affinity.internal;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.affinity.AffinityStats;
import dev.pooler.api.affinity.SessionDataSync;
import dev.pooler.api.affinity.SessionMapping;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.api.routing.AffinityStrength;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import dev.pooler.api.routing.RoutingOutcome;
import dev.pooler.api.routing.SessionPlacement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;

/**
 * The affinity rules (see {@link dev.pooler.api.affinity.SessionAffinity}): where a session's request goes,
 * how a new session gets its pool (the strategy's pick, bounded by {@link BoundedLoad}; with {@code manual}
 * sync the pool that ran its first request, which holds its data), when a session moves and what that posts,
 * and, with {@code eager} sync, that the session's data is pushed to the pool its affinity is set on or moves
 * to. Plain Java: the clock, the pools, the sessions' state sizes, the events and the pushes are given.
 */
final class AffinityPolicy {

    /** Expired mappings are swept at most this often, on the routing path. */
    static final long SWEEP_EVERY_MS = 1_000;
    /** A new session whose first request never answered is forgotten after this long. */
    static final long PENDING_FOR_MS = 600_000;

    private final SessionMappings mappings;
    private final PoolDirectory pools;
    private final ToIntFunction<String> stateSize;
    private final AffinityEvents events;
    private final LongSupplier clock;
    private final DataPusher pusher;
    private final AffinityCounters counters = new AffinityCounters();
    /** New sessions between their first placement and its outcome: the candidates the strategy chose among. */
    private final Map<String, NewSession> newSessions = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(Long.MIN_VALUE / 2);
    private volatile AffinitySettings settings;
    /** ε of the bounded-load placement; not configurable (the bench compares it with {@link BoundedLoad#UNBOUNDED}). */
    private volatile double epsilon = BoundedLoad.EPSILON;

    private record NewSession(List<Candidate> candidates, long sinceMillis) {
    }

    /**
     * @param stateSize the size of a session's state in the session store (0 when it holds none)
     * @param clock     milliseconds
     */
    AffinityPolicy(AffinitySettings settings, PoolDirectory pools, ToIntFunction<String> stateSize, AffinityEvents events,
                   LongSupplier clock) {
        this(settings, pools, stateSize, events, clock, DataPusher.NONE);
    }

    AffinityPolicy(AffinitySettings settings, PoolDirectory pools, ToIntFunction<String> stateSize, AffinityEvents events,
                   LongSupplier clock, DataPusher pusher) {
        this.pusher = pusher;
        this.settings = settings;
        this.mappings = new SessionMappings(settings.timeoutMillis());
        this.pools = pools;
        this.stateSize = stateSize;
        this.events = events;
        this.clock = clock;
    }

    AffinitySettings settings() {
        return settings;
    }

    /** Applies new settings at once; mappings in force keep their strength, the new timeout applies to all. */
    void settings(AffinitySettings next) {
        settings = next;
        mappings.timeoutMillis(next.timeoutMillis());
    }

    /** Sets ε of the bounded-load placement of new sessions ({@link BoundedLoad#UNBOUNDED}: plain affinity). */
    void boundedLoadEpsilon(double e) {
        if (!(e >= 0)) {
            throw new IllegalArgumentException("epsilon must be >= 0, was " + e);
        }
        epsilon = e;
    }

    /** The router asks where a session's request goes (see {@link dev.pooler.api.routing.SessionRouting#place}). */
    Optional<SessionPlacement> place(Request request, RequestProfile profile, List<PoolSnapshot> candidates) {
        long now = clock.getAsLong();
        sweep(now);
        String session = request.sessionId();
        SessionMapping m = mappings.countRequest(session, now);
        if (m == null) {
            newSessions.put(session, new NewSession(Candidate.of(candidates), now));
            return Optional.empty();
        }
        if (request.strategy() != null) {
            return Optional.empty(); // the caller asked a strategy to choose this once (performance_optimized)
        }
        for (PoolSnapshot c : candidates) {
            if (c.poolId().equals(m.poolId())) {
                return Optional.of(new SessionPlacement(m.poolId(), m.strength()));
            }
        }
        return moveOrStay(m, profile.capability(), Candidate.of(candidates), now)
                .map(pool -> new SessionPlacement(pool, m.strength()));
    }

    /**
     * The preferred pool cannot take the request: a pinned session stays (the router then fails it with
     * {@code NO_CAPABLE_POOL}); with migration off the strategy chooses for this request and the affinity stays;
     * otherwise the session moves. Returns the pool to place the request on, or empty to let the strategy choose.
     */
    private Optional<String> moveOrStay(SessionMapping m, String capability, List<Candidate> candidates, long now) {
        if (m.strength() == AffinityStrength.PINNED) {
            return Optional.of(m.poolId());
        }
        if (!settings.crossPoolMigration() || candidates.isEmpty()) {
            return Optional.empty();
        }
        long t0 = System.nanoTime();
        String to = BoundedLoad.leastLoaded(candidates, mappings.sessionsByPool(now));
        SessionMapping moved = mappings.move(m.sessionId(), m.poolId(), to, now);
        if (moved == null) {
            SessionMapping current = mappings.get(m.sessionId(), now); // moved by a concurrent request
            return current == null ? Optional.empty() : Optional.of(current.poolId());
        }
        int size = stateSize.applyAsInt(m.sessionId());
        counters.migrated();
        affinityChanged(m.sessionId(), to);
        Map<String, Object> p = new HashMap<>();
        p.put(PoolerEvents.SESSION_ID, m.sessionId());
        p.put(PoolerEvents.FROM_POOL, m.poolId());
        p.put(PoolerEvents.TO_POOL, to);
        p.put(PoolerEvents.REASON, pools.whyUnavailable(m.poolId(), capability));
        p.put(PoolerEvents.MIGRATION_TIME, (System.nanoTime() - t0) / 1e6);
        p.put(PoolerEvents.DATA_SIZE, size);
        events.post(PoolerEvents.SESSION_MIGRATED, p);
        return Optional.of(to);
    }

    /** One attempt's outcome: a new session gets its affinity from its first answered request; hits are counted. */
    void outcome(Request request, RoutingOutcome outcome) {
        long now = clock.getAsLong();
        String session = request.sessionId();
        NewSession fresh = newSessions.remove(session);
        if (fresh != null) {
            if (!outcome.succeeded()) {
                newSessions.put(session, fresh); // the router may try another pool: its answer places the session
                return;
            }
            String pool = settings.dataSync() == SessionDataSync.MANUAL ? outcome.poolId() // its data is there only
                    : BoundedLoad.place(outcome.poolId(), fresh.candidates(), mappings.sessionsByPool(now), epsilon);
            SessionMapping m = mappings.establishIfAbsent(session, pool, settings.defaultStrength(), now);
            affinityChanged(session, m.poolId());
            return;
        }
        SessionMapping m = mappings.get(session, now);
        if (m == null) {
            return;
        }
        mappings.touch(session, now);
        if (outcome.succeeded()) {
            counters.served(m.poolId().equals(outcome.poolId()));
        }
    }

    /** {@link dev.pooler.api.affinity.SessionAffinity#preferredPool}: the pool a request of that capability goes to now. */
    Optional<String> preferredPool(String sessionId, String capability) {
        long now = clock.getAsLong();
        SessionMapping m = mappings.get(sessionId, now);
        if (m == null) {
            return Optional.empty();
        }
        List<String> capable = pools.capable(capability);
        if (capable.contains(m.poolId())) {
            return Optional.of(m.poolId());
        }
        Optional<String> to = moveOrStay(m, capability, Candidate.unloaded(capable), now);
        return m.strength() == AffinityStrength.PINNED ? Optional.empty() : to;
    }

    SessionMapping establish(String sessionId, String poolId, AffinityStrength strength) {
        if (sessionId == null || sessionId.isBlank() || poolId == null || poolId.isBlank() || strength == null) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, "session, pool and strength are required");
        }
        if (!pools.exists(poolId)) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, "pool: no pool named '" + poolId + "'");
        }
        newSessions.remove(sessionId);
        SessionMapping m = mappings.establish(sessionId, poolId, strength, clock.getAsLong());
        affinityChanged(sessionId, poolId);
        return m;
    }

    /** The session's affinity was set on, or moved to, {@code poolId}: with eager sync its data follows now. */
    private void affinityChanged(String sessionId, String poolId) {
        if (settings.dataSync() == SessionDataSync.EAGER) {
            pusher.push(sessionId, poolId);
        }
    }

    /** Mappings kept from before (the bundle restarted): those not expired come back, unless the session has one now. */
    int restore(List<SessionMapping> saved) {
        return mappings.restore(saved, clock.getAsLong());
    }

    Optional<SessionMapping> mapping(String sessionId) {
        return Optional.ofNullable(mappings.get(sessionId, clock.getAsLong()));
    }

    List<SessionMapping> mappings() {
        return mappings.all(clock.getAsLong());
    }

    Map<String, Integer> sessionsByPool() {
        return mappings.sessionsByPool(clock.getAsLong());
    }

    boolean forget(String sessionId) {
        newSessions.remove(sessionId);
        return mappings.remove(sessionId);
    }

    /** The counters, with the bytes of session state core wrote to workers. */
    AffinityStats stats(long bytesSynced) {
        return counters.stats(bytesSynced);
    }

    /** Drops expired mappings and abandoned new sessions, at most once per {@link #SWEEP_EVERY_MS}. */
    private void sweep(long now) {
        long last = lastSweep.get();
        if (now - last < SWEEP_EVERY_MS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        mappings.expire(now);
        newSessions.values().removeIf(n -> now - n.sinceMillis() > PENDING_FOR_MS);
    }
}
