package dev.pooler.core.impl.session;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.InvalidConfigException;
import dev.pooler.api.PoolerException;
import dev.pooler.api.session.SessionState;
import dev.pooler.api.session.SessionStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@link SessionStore}: versioned session state in memory, least recently used first out, with a
 * time to live. Remembers (a bounded number of) the sessions it let go, so that a request of one says
 * so instead of failing later with a puzzling "unknown program". Thread-safe; every method is short.
 * <p>
 * Every session it lets go (expired, evicted past the bound, deleted) is told to its end listeners
 * ({@link #addEndListener}), so that the workers holding it can be told too. Expiry happens when the store
 * is used and when {@link #expire()} is called (core sweeps periodically).
 */
@Component(service = {SessionStore.class, SessionStoreImpl.class}, configurationPid = SessionStoreImpl.PID)
@Designate(ocd = SessionStoreConfiguration.class)
public final class SessionStoreImpl implements SessionStore {

    public static final String PID = "dev.pooler.sessions";
    static final long DEFAULT_TTL_S = 3600;
    static final int DEFAULT_MAX_SESSIONS = 10_000;

    private static final System.Logger LOG = System.getLogger(SessionStoreImpl.class.getName());

    private final LongSupplier clock;
    /** Access order: the eldest entry is the least recently used. Guarded by this. */
    private final LinkedHashMap<String, SessionState> sessions = new LinkedHashMap<>(64, 0.75f, true);
    /** Sessions let go (expired or evicted), so a later request can be told. Guarded by this. */
    private final Set<String> letGo = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 4 * Math.max(1, maxSessions);
        }
    });
    /** Told the id of every session let go, under this store's lock: they must only take note (never block). */
    private final List<Consumer<String>> endListeners = new CopyOnWriteArrayList<>();
    private volatile long ttlMillis;
    private volatile int maxSessions;

    @Activate
    public SessionStoreImpl(SessionStoreConfiguration config) {
        this(config.ttl_s(), config.max_sessions(), System::currentTimeMillis);
    }

    public SessionStoreImpl(long ttlSeconds, int maxSessions, LongSupplier clockMillis) {
        this.clock = clockMillis;
        apply(ttlSeconds, maxSessions);
    }

    /** A store with the defaults (1 h, 10,000 sessions), for pools run outside OSGi. */
    public static SessionStoreImpl withDefaults() {
        return new SessionStoreImpl(DEFAULT_TTL_S, DEFAULT_MAX_SESSIONS, System::currentTimeMillis);
    }

    @Modified
    void modified(SessionStoreConfiguration config) {
        try {
            apply(config.ttl_s(), config.max_sessions());
        } catch (InvalidConfigException e) {
            LOG.log(System.Logger.Level.WARNING, "configuration {0} refused, {1}; the previous values stay", PID, e.getMessage());
        }
    }

    private synchronized void apply(long ttlSeconds, int max) {
        if (ttlSeconds < 1 || ttlSeconds > TimeUnit.DAYS.toSeconds(3650)) {
            throw new InvalidConfigException("ttl.s", "must be 1 s to 10 years, was " + ttlSeconds);
        }
        if (max < 1) {
            throw new InvalidConfigException("max.sessions", "must be >= 1, was " + max);
        }
        this.ttlMillis = TimeUnit.SECONDS.toMillis(ttlSeconds);
        this.maxSessions = max;
        trim(clock.getAsLong());
    }

    /**
     * The state a request of this session starts from (touching it), or null for a session the store
     * does not hold. Throws {@code BAD_REQUEST} once for a session it let go.
     */
    public synchronized SessionState use(String sessionId) {
        long now = clock.getAsLong();
        trim(now);
        SessionState s = sessions.get(sessionId);
        if (s != null) {
            SessionState touched = new SessionState(s.sessionId(), s.version(), s.stateJson(), s.createdMillis(), now,
                    s.requests() + 1);
            sessions.put(sessionId, touched);
            return touched;
        }
        if (letGo.remove(sessionId)) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, "session '" + sessionId + "' was forgotten by the session store"
                    + " (unused for " + TimeUnit.MILLISECONDS.toSeconds(ttlMillis) + " s, or past " + maxSessions
                    + " sessions); its state is gone. Send the request again to start it afresh");
        }
        return null;
    }

    /** A worker changed the session's state: keeps it when it is newer than what the store holds. */
    public synchronized void update(String sessionId, long version, String stateJson) {
        long now = clock.getAsLong();
        SessionState s = sessions.get(sessionId);
        if (s != null && s.version() >= version) {
            return; // a concurrent request of the same session got there first: last version wins
        }
        sessions.put(sessionId, new SessionState(sessionId, version, stateJson, s == null ? now : s.createdMillis(), now,
                s == null ? 1 : s.requests()));
        letGo.remove(sessionId);
        trim(now);
    }

    @Override
    public synchronized Optional<SessionState> get(String sessionId) {
        trim(clock.getAsLong());
        return Optional.ofNullable(sessions.get(sessionId));
    }

    @Override
    public synchronized List<SessionState> sessions() {
        trim(clock.getAsLong());
        List<SessionState> all = new ArrayList<>(sessions.values());
        Collections.reverse(all);
        return all;
    }

    @Override
    public synchronized boolean delete(String sessionId) {
        if (sessions.remove(sessionId) == null) {
            return false;
        }
        ended(sessionId);
        return true;
    }

    /** Lets go of the sessions unused past the time to live now (and of any past the bound). */
    public synchronized void expire() {
        trim(clock.getAsLong());
    }

    /**
     * {@code listener} is told the id of every session this store lets go from now on (expired, evicted,
     * deleted). It is called under the store's lock, possibly under a pool's lock: it must only take note.
     */
    public void addEndListener(Consumer<String> listener) {
        endListeners.add(listener);
    }

    public void removeEndListener(Consumer<String> listener) {
        endListeners.remove(listener);
    }

    private void ended(String sessionId) {
        for (Consumer<String> l : endListeners) {
            try {
                l.accept(sessionId);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a session end listener failed for " + sessionId, e);
            }
        }
    }

    @Override
    public synchronized int size() {
        trim(clock.getAsLong());
        return sessions.size();
    }

    @Override
    public long ttlSeconds() {
        return TimeUnit.MILLISECONDS.toSeconds(ttlMillis);
    }

    @Override
    public int maxSessions() {
        return maxSessions;
    }

    /** Lets go of expired sessions and of the least recently used past the bound. Lock held. */
    private void trim(long now) {
        Iterator<SessionState> it = sessions.values().iterator();
        while (it.hasNext()) {
            SessionState s = it.next();
            boolean expired = now - s.lastAccessMillis() > ttlMillis;
            if (!expired && sessions.size() <= maxSessions) {
                break; // access order: the rest are younger
            }
            it.remove();
            letGo.add(s.sessionId());
            ended(s.sessionId());
        }
    }
}
