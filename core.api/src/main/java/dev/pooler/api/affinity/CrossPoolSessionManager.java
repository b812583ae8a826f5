package dev.pooler.api.affinity;

import com.google.gson.JsonObject;
import dev.pooler.api.Response;
import dev.pooler.api.session.SessionAvailability;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs a session's requests across pools (the seed's {@code CrossPoolSessionManager}), through the
 * {@code RequestRouter}: the answer is the router's, with its error kinds. With {@code session_data_sync}
 * {@code lazy} or {@code eager} the session's data needs no step here: the platform's session store ships it
 * to whichever worker runs the request. With {@code manual}, a pool receives it only through
 * {@link #syncSession}: a request reaching a pool the session's data was not synced to fails with
 * {@code BAD_REQUEST} (see {@link dev.pooler.api.session.SessionSync}).
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

    /**
     * The seed's {@code check_session_data_availability}: whether the session's data is in the pool
     * ({@code AVAILABLE}: every ready worker holds the current version; {@code PARTIAL}: the store holds it,
     * some workers do not; {@code MISSING}: the store holds no state of the session).
     *
     * @throws dev.pooler.api.PoolerException {@code BAD_REQUEST} when there is no such pool
     */
    SessionAvailability sessionDataAvailability(String sessionId, String poolId);

    /**
     * The seed's {@code synchronize_session_data}: pushes the session's current state to every ready worker of
     * the pool that lacks it, and from then on lets the pool receive it (needed with {@code manual} sync; a
     * no-op for data already there).
     *
     * @return a stage completing with the availability after the push (always completes)
     */
    CompletionStage<SessionAvailability> syncSession(String sessionId, String poolId);
}
