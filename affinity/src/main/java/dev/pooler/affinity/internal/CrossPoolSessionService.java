package dev.pooler.affinity.internal;

import com.google.gson.JsonObject;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.affinity.CrossPoolSessionManager;
import dev.pooler.api.affinity.SessionOptions;
import dev.pooler.api.routing.RequestRouter;
import dev.pooler.api.session.SessionAvailability;
import dev.pooler.api.session.SessionSync;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@link CrossPoolSessionManager} on the {@link RequestRouter}: each pool selector is a way of building the
 * request. {@code affinity_aware} leaves the choice to the session's affinity (the router asks
 * {@link SessionAffinityService} through its seam); {@code performance_optimized} names the router's active
 * strategy, which the affinity seam reads as "let the strategy choose this once"; a named pool is
 * {@code Request.pool}. The session's data needs no step in {@code lazy} and {@code eager} mode: core's session
 * store ships it to the worker; {@link #syncSession} and {@link #sessionDataAvailability} are core's
 * {@link SessionSync}.
 */
@Component(service = CrossPoolSessionManager.class)
public final class CrossPoolSessionService implements CrossPoolSessionManager {

    private final RequestRouter router;
    private final SessionSync sync;

    @Activate
    public CrossPoolSessionService(@Reference RequestRouter router, @Reference SessionSync sync) {
        this.router = router;
        this.sync = sync;
    }

    @Override
    public SessionAvailability sessionDataAvailability(String sessionId, String poolId) {
        return sync.availability(sessionId, poolId);
    }

    @Override
    public CompletionStage<SessionAvailability> syncSession(String sessionId, String poolId) {
        return sync.push(sessionId, poolId);
    }

    @Override
    public CompletionStage<Response> executeInSession(String sessionId, String command, JsonObject args,
                                                      SessionOptions options) {
        Request request;
        try {
            request = request(sessionId, command, args, options == null ? SessionOptions.DEFAULT : options);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(PoolerException.of(e));
        }
        return router.route(request);
    }

    Request request(String sessionId, String command, JsonObject args, SessionOptions options) {
        Request.Builder b = Request.builder(command).args(args == null ? new JsonObject() : args).session(sessionId)
                .priority(options.priority()).timeout(options.timeout());
        switch (options.selector().kind()) {
            case AFFINITY_AWARE -> { }
            case PERFORMANCE_OPTIMIZED -> b.strategy(router.activeStrategy());
            case NAMED -> b.pool(options.selector().poolId());
        }
        return b.build();
    }
}
