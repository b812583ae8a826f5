package dev.pooler.affinity.internal;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import dev.pooler.api.admin.AdminAction;
import dev.pooler.api.admin.AdminSection;
import dev.pooler.api.admin.AdminTable;
import dev.pooler.api.affinity.AffinityStats;
import dev.pooler.api.affinity.SessionAffinity;
import dev.pooler.api.affinity.SessionMapping;
import dev.pooler.api.routing.AffinityStrength;
import dev.pooler.api.session.SessionState;
import dev.pooler.api.session.SessionStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Sessions and their affinity as an {@link AdminSection} (the Pools page, {@code pooler:sessions},
 * {@code pooler:pin}), with the action "pin". Uses only core.api services.
 */
@Component(service = AdminSection.class, property = AdminSection.SECTION + "=" + AdminSection.AFFINITY)
public final class SessionsAdminSection implements AdminSection {

    /** At most this many sessions are listed, the most recently used first. */
    static final int MAX_ROWS = 200;

    private final SessionAffinity affinity;
    private final SessionStore store;

    @Activate
    public SessionsAdminSection(@Reference SessionAffinity affinity, @Reference SessionStore store) {
        this.affinity = affinity;
        this.store = store;
    }

    @Override
    public String title() {
        return "Sessions and their affinity";
    }

    @Override
    public List<AdminTable> tables() {
        List<SessionMapping> all = affinity.mappings();
        List<List<String>> sessions = new ArrayList<>();
        for (SessionMapping m : all.subList(0, Math.min(MAX_ROWS, all.size()))) {
            Optional<SessionState> s = store.get(m.sessionId());
            sessions.add(List.of(m.sessionId(), m.poolId(), m.strength().name().toLowerCase(Locale.ROOT),
                    Long.toString(m.requestCount()), Instant.ofEpochMilli(m.lastAccessMillis()).toString(),
                    s.map(x -> Long.toString(x.version())).orElse("-"), s.map(x -> Integer.toString(x.size())).orElse("-")));
        }
        AffinityStats st = affinity.stats();
        List<List<String>> summary = List.of(List.of(Integer.toString(all.size()),
                String.format(Locale.ROOT, "%.3f", st.hitRate()), Long.toString(st.migrations()),
                Long.toString(st.bytesSynced()), affinity.defaultStrength().name().toLowerCase(Locale.ROOT),
                affinity.dataSync().value()));
        return List.of(
                new AdminTable("sessions", "Sessions (most recently used first" + (all.size() > MAX_ROWS
                        ? ", " + MAX_ROWS + " of " + all.size() : "") + ")",
                        List.of("session", "pool", "strength", "requests", "last access", "state version", "state size"),
                        sessions),
                new AdminTable("affinity", "Affinity", List.of("sessions", "hit rate", "migrations", "bytes synced",
                        "default strength", "data sync"), summary));
    }

    @Override
    public List<AdminAction> actions() {
        return List.of(new AdminAction(AdminAction.PIN_SESSION, "Pin", List.of("session", "pool")));
    }

    @Override
    public String perform(String action, Map<String, String> parameters) {
        if (!AdminAction.PIN_SESSION.equals(action)) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, "unknown action '" + action + "'; this section serves "
                    + AdminAction.PIN_SESSION);
        }
        String session = parameters.get("session");
        String pool = parameters.get("pool");
        SessionMapping m = affinity.establishAffinity(session, pool, AffinityStrength.PINNED);
        return "session " + m.sessionId() + " is pinned to pool " + m.poolId();
    }
}
