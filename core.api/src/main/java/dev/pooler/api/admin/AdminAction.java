package dev.pooler.api.admin;

import java.util.List;

/**
 * An action a section serves.
 *
 * @param name       what {@link AdminSection#perform} is called with
 * @param label      a button label
 * @param parameters the names of its parameters, in the order a shell command takes them
 */
public record AdminAction(String name, String label, List<String> parameters) {

    /** Give a borrowed worker back to its owner. Parameter {@code worker}. */
    public static final String RETURN_LOAN = "return_loan";
    /** Move a worker to another pool. Parameters {@code worker}, {@code to_pool}, {@code mode} (graceful, immediate, session_aware). */
    public static final String MIGRATE = "migrate";
    /** Pin a session to a pool. Parameters {@code session}, {@code pool}. */
    public static final String PIN_SESSION = "pin_session";

    public AdminAction {
        parameters = List.copyOf(parameters);
    }
}
