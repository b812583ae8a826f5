package dev.pooler.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * One request for a Python worker: a command of the pool's adapter and its JSON arguments,
 * with the routing hints a caller may give (session, priority, pool, strategy).
 * Immutable; built with {@link #of(String, JsonObject)} or {@link #builder(String)}.
 */
public final class Request {

    private static final Pattern COMMAND = Pattern.compile("[A-Za-z_][A-Za-z0-9_.:-]{0,127}");
    private static final String NO_ARGS = "{}";

    private final String command;
    /** A private copy: nobody outside holds a reference to it, so it never changes. */
    private final JsonObject args;
    /** The arguments as JSON text, written once: what travels to the worker. */
    private final String argsJson;
    private final String sessionId;
    private final RequestPriority priority;
    private final String pool;
    private final String strategy;
    private final String capability;
    private final boolean retryable;
    private final Duration timeout;

    private Request(Builder b) {
        this.command = b.command;
        this.args = b.args == null ? new JsonObject() : b.args.deepCopy();
        this.argsJson = b.args == null || b.args.size() == 0 ? NO_ARGS : this.args.toString();
        this.sessionId = b.sessionId;
        this.priority = b.priority;
        this.pool = b.pool;
        this.strategy = b.strategy;
        this.capability = b.capability;
        this.retryable = b.retryable;
        this.timeout = b.timeout;
    }

    /** A normal-priority request; throws {@link PoolerException} ({@link ErrorKind#BAD_REQUEST}) for a bad command name. */
    public static Request of(String command, JsonObject args) {
        return builder(command).args(args).build();
    }

    public static Request of(String command) {
        return builder(command).build();
    }

    public static Builder builder(String command) {
        return new Builder(command);
    }

    public Builder toBuilder() {
        Builder b = new Builder(command);
        b.args = args;  // build() copies again
        b.sessionId = sessionId;
        b.priority = priority;
        b.pool = pool;
        b.strategy = strategy;
        b.capability = capability;
        b.retryable = retryable;
        b.timeout = timeout;
        return b;
    }

    public String command() { return command; }
    /** A copy of the arguments: changing it does not change the request. */
    public JsonObject args() { return args.deepCopy(); }
    /** The arguments as compact JSON text, as they are sent to the worker. */
    public String argsJson() { return argsJson; }
    /** A copy of one argument, or {@code null} when the request has none of that name. */
    public JsonElement arg(String name) {
        JsonElement e = args.get(name);
        return e == null ? null : e.deepCopy();
    }
    /** Whether the request has any arguments. */
    public boolean hasArgs() { return args.size() > 0; }
    /** The session this request belongs to, or {@code null}. */
    public String sessionId() { return sessionId; }
    public RequestPriority priority() { return priority; }
    /** A pool the caller asks for by id, or {@code null} to let the router choose. */
    public String pool() { return pool; }
    /** A load-balancing strategy the caller asks for by name, or {@code null} for the configured one. */
    public String strategy() { return strategy; }
    /** The command family, when the caller states it; otherwise the router derives it from the command. */
    public String capability() { return capability; }
    /** Whether the request may run a second time elsewhere after its worker crashed (it is idempotent). */
    public boolean retryable() { return retryable; }
    /** A per-request timeout overriding the pool's, or {@code null}. */
    public Duration timeout() { return timeout; }

    @Override
    public String toString() {
        return "Request{" + command + (sessionId == null ? "" : ", session=" + sessionId)
                + (pool == null ? "" : ", pool=" + pool) + ", priority=" + priority + "}";
    }

    public static final class Builder {
        private final String command;
        private JsonObject args;
        private String sessionId;
        private RequestPriority priority = RequestPriority.NORMAL;
        private String pool;
        private String strategy;
        private String capability;
        private boolean retryable;
        private Duration timeout;

        private Builder(String command) {
            this.command = command;
        }

        /** The arguments; the request keeps a copy taken at {@link #build()}. */
        public Builder args(JsonObject v) { this.args = v; return this; }
        public Builder session(String v) { this.sessionId = v; return this; }
        public Builder priority(RequestPriority v) { this.priority = v == null ? RequestPriority.NORMAL : v; return this; }
        public Builder pool(String v) { this.pool = v; return this; }
        public Builder strategy(String v) { this.strategy = v; return this; }
        public Builder capability(String v) { this.capability = v; return this; }
        public Builder retryable(boolean v) { this.retryable = v; return this; }
        public Builder timeout(Duration v) { this.timeout = v; return this; }

        public Request build() {
            if (command == null || !COMMAND.matcher(command).matches()) {
                throw new PoolerException(ErrorKind.BAD_REQUEST, "command: must be 1-128 characters of letters, digits, "
                        + "'_', '.', ':' or '-', starting with a letter or '_', was "
                        + (command == null ? "null" : "'" + command + "'"));
            }
            if (sessionId != null && (sessionId.isEmpty() || sessionId.length() > 256)) {
                throw new PoolerException(ErrorKind.BAD_REQUEST, "session: must be 1-256 characters");
            }
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new PoolerException(ErrorKind.BAD_REQUEST, "timeout: must be positive, was " + timeout);
            }
            return new Request(this);
        }
    }
}
