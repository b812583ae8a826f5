package dev.pooler.core.impl.sync;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import dev.pooler.api.session.SessionAvailability;
import dev.pooler.api.session.SessionSync;
import dev.pooler.api.session.SessionTraffic;
import dev.pooler.core.impl.pool.PoolLookup;
import dev.pooler.core.impl.pool.PythonPool;
import dev.pooler.core.impl.pool.SessionShipping;
import dev.pooler.core.impl.registry.PoolHost;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@link SessionSync} of this bundle's pools: each pool knows which versions its workers hold and pushes
 * to them itself ({@link PythonPool#availability}, {@link PythonPool#push}); the manual rule and the byte
 * counts are the runtime's {@link SessionShipping}, shared by all pools.
 */
@Component(service = SessionSync.class)
public final class SessionSyncService implements SessionSync {

    private final PoolLookup pools;
    private final SessionShipping shipping;

    @Activate
    public SessionSyncService(@Reference PoolHost host) {
        this(host, host.runtime().shipping());
    }

    public SessionSyncService(PoolLookup pools, SessionShipping shipping) {
        this.pools = pools;
        this.shipping = shipping;
    }

    private PythonPool pool(String sessionId, String poolId) {
        if (sessionId == null || sessionId.isBlank()) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, "session: a session id is required");
        }
        return pools.pool(poolId).orElseThrow(() -> new PoolerException(ErrorKind.BAD_REQUEST,
                "pool: no pool named '" + poolId + "' runs here"));
    }

    @Override
    public SessionAvailability availability(String sessionId, String poolId) {
        return pool(sessionId, poolId).availability(sessionId);
    }

    @Override
    public CompletionStage<SessionAvailability> push(String sessionId, String poolId) {
        try {
            return pool(sessionId, poolId).push(sessionId);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(PoolerException.of(e));
        }
    }

    @Override
    public void requireExplicitSync(boolean required) {
        shipping.explicitSyncOnly(required);
    }

    @Override
    public boolean explicitSyncRequired() {
        return shipping.explicitSyncOnly();
    }

    @Override
    public SessionTraffic traffic() {
        return shipping.traffic();
    }
}
