package dev.pooler.webconsole.http;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;

/** The HTTP status for each kind of Pooler error. */
public final class ErrorStatus {

    private ErrorStatus() {
    }

    /**
     * POOL_OVERLOADED and SHUTTING_DOWN → 503 (try later or elsewhere), TIMEOUT → 504, NO_CAPABLE_POOL → 404,
     * BAD_REQUEST → 400, WORKER_CRASHED → 502; WORKER_ERROR → 422 when the worker answered with an error
     * (the request cannot be processed as given), 500 when something unexpected failed on our side.
     */
    public static int of(PoolerException e) {
        if (e.kind() == ErrorKind.WORKER_ERROR) {
            return e.getCause() == null ? 422 : 500;
        }
        return of(e.kind());
    }

    public static int of(ErrorKind kind) {
        return switch (kind) {
            case POOL_OVERLOADED, SHUTTING_DOWN -> 503;
            case TIMEOUT -> 504;
            case NO_CAPABLE_POOL -> 404;
            case BAD_REQUEST -> 400;
            case WORKER_CRASHED -> 502;
            case WORKER_ERROR -> 422;
            case CANCELLED -> 499; // "client closed request": the caller gave the request up
        };
    }
}
