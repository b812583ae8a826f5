package dev.pooler.api.routing;

import dev.pooler.api.RequestPriority;

/**
 * What the router learned about a request before choosing a pool (the seed's {@code analyze_request}).
 *
 * @param command              the command name
 * @param capability           the command family it needs (e.g. {@code embedding})
 * @param complexity           0..1, from the size of the arguments and the command's history
 * @param expectedDurationMs   expected service time, learned from history (0 when unknown)
 * @param specializationNeeded the specialization the request asks for, or {@code null}
 * @param sessionId            the session, or {@code null}
 * @param priority             the request's priority
 * @param zone                 the geographic zone the request prefers, or {@code null}
 * @param argsSize             size of the JSON arguments in characters
 */
public record RequestProfile(String command, String capability, double complexity, double expectedDurationMs,
                             String specializationNeeded, String sessionId, RequestPriority priority, String zone,
                             int argsSize) {

    /** A profile with only the command and capability known, for tests and simple callers. */
    public static RequestProfile simple(String command, String capability) {
        return new RequestProfile(command, capability, 0.0, 0.0, null, null, RequestPriority.NORMAL, null, 0);
    }
}
