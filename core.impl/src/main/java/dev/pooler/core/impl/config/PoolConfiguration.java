package dev.pooler.core.impl.config;

import dev.pooler.api.PoolConfig;
import dev.pooler.api.ResourceLimits;
import dev.pooler.api.WorkerSpec;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The form of a {@code dev.pooler.pool} factory configuration: one per pool. Attribute names map to
 * property names with dots ({@code pool_type()} is {@code pool.type}); defaults are the seed's.
 */
@ObjectClassDefinition(id = PoolConfiguration.PID, name = "Pooler pool",
        description = "A pool of Python worker processes. One configuration per pool; changes apply live.")
public @interface PoolConfiguration {

    String PID = "dev.pooler.pool";

    @AttributeDefinition(name = "Pool id", description = "Unique name of the pool (letters, digits, _ . -). "
            + "Empty: taken from the configuration's file name (dev.pooler.pool-<id>.cfg).")
    String pool_id() default "";

    @AttributeDefinition(name = "Pool type", description = "What the pool is for.",
            options = {@org.osgi.service.metatype.annotations.Option(label = "general", value = "general"),
                    @org.osgi.service.metatype.annotations.Option(label = "embedding", value = "embedding"),
                    @org.osgi.service.metatype.annotations.Option(label = "classification", value = "classification"),
                    @org.osgi.service.metatype.annotations.Option(label = "generation", value = "generation"),
                    @org.osgi.service.metatype.annotations.Option(label = "reasoning", value = "reasoning"),
                    @org.osgi.service.metatype.annotations.Option(label = "specialized", value = "specialized")})
    String pool_type() default PoolConfig.DEFAULT_POOL_TYPE;

    @AttributeDefinition(name = "Size", description = "Number of worker processes (1-512).", min = "1", max = "512")
    int size() default PoolConfig.DEFAULT_SIZE;

    @AttributeDefinition(name = "Priority", description = "The pool's priority for resource allocation: high, medium or low.",
            options = {@org.osgi.service.metatype.annotations.Option(label = "high", value = "high"),
                    @org.osgi.service.metatype.annotations.Option(label = "medium", value = "medium"),
                    @org.osgi.service.metatype.annotations.Option(label = "low", value = "low")})
    String priority() default PoolConfig.DEFAULT_PRIORITY;

    @AttributeDefinition(name = "Sharing policy", description = "strict: never shares workers; overflow: lends idle "
            + "workers and borrows when its queue overflows; adaptive: lends and borrows as load shifts.",
            options = {@org.osgi.service.metatype.annotations.Option(label = "strict", value = "strict"),
                    @org.osgi.service.metatype.annotations.Option(label = "overflow", value = "overflow"),
                    @org.osgi.service.metatype.annotations.Option(label = "adaptive", value = "adaptive")})
    String sharing_policy() default PoolConfig.DEFAULT_SHARING_POLICY;

    @AttributeDefinition(name = "Specialization", description = "The model or task the pool is specialised for "
            + "(e.g. text-embedding-ada-002); passed to the workers. Empty: none.", required = false)
    String specialization() default "";

    @AttributeDefinition(name = "Capabilities", description = "Command families the pool serves "
            + "(e.g. embedding, similarity, clustering), comma-separated; 'all' serves any.")
    String[] capabilities() default {PoolConfig.ALL};

    @AttributeDefinition(name = "Geographic zone", description = "Where the pool runs; requests may prefer a zone.")
    String geographic_zone() default PoolConfig.DEFAULT_ZONE;

    @AttributeDefinition(name = "Affinity rules", description = "Session affinity preferences as key=value pairs "
            + "(e.g. strength=strong).", required = false)
    String[] affinity_rules() default {};

    @AttributeDefinition(name = "Max queue", description = "Requests that may wait for a worker; one more is refused "
            + "with POOL_OVERLOADED.", min = "0")
    int max_queue() default ResourceLimits.DEFAULT_MAX_QUEUE;

    @AttributeDefinition(name = "Request timeout (ms)", description = "How long one request may run; past it the "
            + "worker is killed and replaced and the caller gets TIMEOUT.", min = "1")
    long request_timeout_ms() default ResourceLimits.DEFAULT_REQUEST_TIMEOUT_MS;

    @AttributeDefinition(name = "Max memory per worker (MB)", description = "A worker whose resident memory passes "
            + "this is recycled after its current request. 0: no limit.", min = "0")
    long max_memory_mb() default ResourceLimits.DEFAULT_MAX_MEMORY_MB;

    @AttributeDefinition(name = "Max requests per worker", description = "A worker that served this many requests "
            + "is recycled. 0: no limit.", min = "0")
    long max_requests_per_worker() default ResourceLimits.DEFAULT_MAX_REQUESTS_PER_WORKER;

    @AttributeDefinition(name = "Max restarts", description = "Worker crashes allowed within the restart window; "
            + "one more marks the pool failed.", min = "0")
    int max_restarts() default ResourceLimits.DEFAULT_MAX_RESTARTS;

    @AttributeDefinition(name = "Restart window (s)", description = "The window of the restart-intensity limit.", min = "1")
    long restart_window_s() default ResourceLimits.DEFAULT_RESTART_WINDOW_S;

    @AttributeDefinition(name = "Python", description = "The interpreter for the workers. Empty: the platform's "
            + "(POOLER_PYTHON, else python3).", required = false)
    String python() default "";

    @AttributeDefinition(name = "Adapter", description = "Python module(s) that define the workers' commands: "
            + "bench, text, or your own module (e.g. my_company.dspy_adapter); several joined by commas.")
    String adapter() default WorkerSpec.DEFAULT_ADAPTER;

    @AttributeDefinition(name = "Python path", description = "Extra folders for the workers' PYTHONPATH, where your "
            + "own adapter modules live.", required = false)
    String[] python_path() default {};

    @AttributeDefinition(name = "Environment", description = "Extra environment variables for the workers, as "
            + "NAME=value.", required = false)
    String[] env() default {};

    @AttributeDefinition(name = "Launch mode", description = "fork: workers are forked from a template process "
            + "that has imported the runtime and the adapter once (fast start, fast crash replacement); spawn: a fresh "
            + "interpreter per worker. fork falls back to spawn, and logs it, where it is not safe (not Linux, an "
            + "adapter whose import fails or starts threads).", options = {
                    @Option(label = "fork", value = "fork"), @Option(label = "spawn", value = "spawn")})
    String launch_mode() default PoolConfig.DEFAULT_LAUNCH_MODE;

    @AttributeDefinition(name = "Pipeline depth", description = "How many requests may be written to one worker ahead "
            + "of its reply: 1 (the default) runs one request per worker at a time; 2-4 keeps a busy worker's pipe full, "
            + "for throughput on short requests. Session and streaming requests are never pipelined.", min = "1", max = "64")
    int pipeline_depth() default PoolConfig.DEFAULT_PIPELINE_DEPTH;

    @AttributeDefinition(name = "Start timeout (ms)", description = "How long a worker may take to become ready.", min = "1")
    long start_timeout_ms() default WorkerSpec.DEFAULT_START_TIMEOUT_MS;

    @AttributeDefinition(name = "Max reply size (bytes)", description = "The longest reply line a worker may write; a "
            + "longer one fails its request with WORKER_ERROR naming this limit and is never held in memory whole.", min = "1024")
    int max_reply_bytes() default ResourceLimits.DEFAULT_MAX_REPLY_BYTES;

    @AttributeDefinition(name = "Tools allowed", description = "The Java tools (pooler.tool names) this pool's workers "
            + "may call with ctx.call_tool: '*' for every tool (the default), 'none' for no tool, else the names. "
            + "A call to another tool is refused with TOOL_NOT_ALLOWED naming the tool and the pool.")
    String[] tools_allowed() default {PoolConfig.ANY_TOOL};

    @AttributeDefinition(name = "Max log line (bytes)", description = "Longer lines of a worker's stderr are cut in "
            + "the log.", min = "80")
    int max_log_line_bytes() default ResourceLimits.DEFAULT_MAX_LOG_LINE_BYTES;
}
