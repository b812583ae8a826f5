package dev.pooler.api.affinity;

import com.google.gson.JsonObject;
import dev.pooler.api.Response;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs a session's requests across pools (the seed's {@code CrossPoolSessionManager}), through the
 * {@code RequestRouter}: the answer is the router's, with its error kinds. The session's data needs no
 * step here: the platform's session store ships it to whichever worker runs the request.
 */
@ProviderType
public interface CrossPoolSessionManager {

    /**
     * Runs {@code command} in the session on the pool the selector chooses (see {@link PoolSelector}).
     *
     * @return a stage that always completes, with a {@link Response} (its {@code poolId} names the pool that
     *         ran it) or a {@link dev.pooler.api.PoolerException}
     */
    CompletionStage<Response> executeInSession(String sessionId, String command, JsonObject args, SessionOptions options);

    /** {@link #executeInSession(String, String, JsonObject, SessionOptions)} with {@link SessionOptions#DEFAULT}. */
    default CompletionStage<Response> executeInSession(String sessionId, String command, JsonObject args) {
        return executeInSession(sessionId, command, args, SessionOptions.DEFAULT);
    }
}
