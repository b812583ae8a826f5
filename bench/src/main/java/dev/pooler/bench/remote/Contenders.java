package dev.pooler.bench.remote;

import dev.pooler.api.Pool;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import java.util.function.Consumer;

/**
 * The two sides of every comparison: the same pool called in its own JVM ({@code local}) and through the remote path
 * ({@code remote}: {@code RemotePool} → fastbin → the serving node's {@code LocalEndpoint} → the same pool).
 */
record Contenders(Pool local, Pool remote) {

    Pool get(int i) {
        return i == 0 ? local : remote;
    }

    static String name(int i) {
        return i == 0 ? "local" : "remote";
    }

    /** One kind of request and the check of its answer (a wrong answer stops the run). */
    record Work(String name, Request request, Consumer<Response> check) {
    }
}
