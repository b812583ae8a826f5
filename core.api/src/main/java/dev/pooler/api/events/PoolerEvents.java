package dev.pooler.api.events;

/** Topics (under {@link #TOPIC_PREFIX}) and property names of the events Pooler posts through Event Admin. */
public final class PoolerEvents {
    private PoolerEvents() {
    }

    public static final String TOPIC_PREFIX = "dev/pooler/multipool/";
    /** Every Pooler topic, for an EventHandler's {@code event.topics}. */
    public static final String ALL_TOPICS = TOPIC_PREFIX + "*";

    public static final String REQUEST_ROUTED = TOPIC_PREFIX + "REQUEST_ROUTED";
    public static final String WORKER_SHARED = TOPIC_PREFIX + "WORKER_SHARED";
    public static final String SESSION_MIGRATED = TOPIC_PREFIX + "SESSION_MIGRATED";
    public static final String WORKER_STARTED = TOPIC_PREFIX + "WORKER_STARTED";
    public static final String WORKER_CRASHED = TOPIC_PREFIX + "WORKER_CRASHED";
    public static final String WORKER_MIGRATED = TOPIC_PREFIX + "WORKER_MIGRATED";
    public static final String STRATEGY_CHANGED = TOPIC_PREFIX + "STRATEGY_CHANGED";
    public static final String CONFIG_REJECTED = TOPIC_PREFIX + "CONFIG_REJECTED";
    public static final String POOL_FAILED = TOPIC_PREFIX + "POOL_FAILED";
    /** A failed pool starts its probe worker (half-open). */
    public static final String POOL_RECOVERING = TOPIC_PREFIX + "POOL_RECOVERING";
    /** A failed pool's probe came up healthy: the pool returns to its full size. */
    public static final String POOL_RECOVERED = TOPIC_PREFIX + "POOL_RECOVERED";
    /**
     * An adapter delivered by a bundle was installed, updated, refused or went missing: {@link #ADAPTER},
     * {@link #ADAPTER_VERSION}, {@link #ADAPTER_STATE}, {@link #MESSAGE}, {@link #POOLS}.
     */
    public static final String ADAPTER_CHANGED = TOPIC_PREFIX + "ADAPTER_CHANGED";
    /** ADAPTER_CHANGED: the adapter's name. */
    public static final String ADAPTER = "adapter";
    /** ADAPTER_CHANGED: the version concerned. */
    public static final String ADAPTER_VERSION = "adapter_version";
    /** ADAPTER_CHANGED: {@code installed}, {@code updated}, {@code refused} or {@code missing}. */
    public static final String ADAPTER_STATE = "adapter_state";
    /** ADAPTER_CHANGED: the pools configured with the adapter (a String[]). */
    public static final String POOLS = "pools";

    public static final String POOL_ID = "pool_id";
    public static final String WORKER_ID = "worker_id";
    public static final String PID = "pid";
    public static final String FROM_POOL = "from_pool";
    public static final String TO_POOL = "to_pool";
    public static final String STRATEGY = "strategy";
    public static final String PREVIOUS_STRATEGY = "previous_strategy";
    public static final String ROUTING_TIME = "routing_time";
    public static final String REQUEST_TYPE = "request_type";
    public static final String COMPLEXITY = "complexity";
    public static final String REASON = "reason";
    public static final String FIELD = "field";
    public static final String MESSAGE = "message";
    public static final String SESSION_ID = "session_id";
    /** SESSION_MIGRATED: milliseconds the move of the session's affinity took. */
    public static final String MIGRATION_TIME = "migration_time";
    /** SESSION_MIGRATED: size of the session's state (characters of JSON) that moves with it. */
    public static final String DATA_SIZE = "data_size";
    public static final String DURATION = "duration";
    public static final String EXIT_CODE = "exit_code";
    /** The pool that launched a worker (a lent worker serves another). */
    public static final String OWNER_POOL = "owner_pool";
    /** How a worker left its pool: {@code graceful} or {@code immediate}. */
    public static final String MODE = "mode";
    /** Whether a move completed ({@code true}) or was rolled back ({@code false}). */
    public static final String SUCCESS = "success";
    /** Milliseconds until a failed pool probes again. */
    public static final String RETRY_IN_MS = "retry_in_ms";
    /** WORKER_SHARED: why the worker was lent or returned, in words. */
    public static final String SHARING_REASON = "sharing_reason";
    /** WORKER_SHARED: the borrower's expected capacity gain, as a fraction (0.5 = half again as many workers). */
    public static final String EFFICIENCY_GAIN = "efficiency_gain";
    /** WORKER_SHARED: {@code started} (a loan began) or {@code ended} (the worker went home). */
    public static final String LOAN_STATE = "loan_state";
}
