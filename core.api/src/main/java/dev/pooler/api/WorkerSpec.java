package dev.pooler.api;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How a pool launches its worker processes.
 *
 * @param python       the Python interpreter (a name on the PATH or an absolute path)
 * @param adapter      the adapter module(s): {@code bench}, {@code text}, a user's module such as
 *                     {@code my_company.dspy_adapter}, or several joined by commas
 * @param env          extra environment variables for the worker process
 * @param startTimeout how long a worker may take to say it is ready
 */
public record WorkerSpec(String python, String adapter, Map<String, String> env, Duration startTimeout) {

    public static final String DEFAULT_PYTHON = "python3";
    public static final String DEFAULT_ADAPTER = "bench,text";
    public static final long DEFAULT_START_TIMEOUT_MS = 20_000;
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMillis(DEFAULT_START_TIMEOUT_MS);

    private static final Pattern MODULES = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*(,[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*)*");

    public WorkerSpec {
        if (python == null || python.isBlank()) {
            throw new InvalidConfigException("python", "must name a Python interpreter");
        }
        String joined = adapter == null ? null : String.join(",", java.util.Arrays.stream(adapter.split(",")).map(String::trim).toList());
        if (joined == null || !MODULES.matcher(joined).matches()) {
            throw new InvalidConfigException("adapter", "must be one or more Python module names joined by commas, was '" + adapter + "'");
        }
        adapter = joined;
        env = env == null ? Map.of() : Map.copyOf(env);
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
            throw new InvalidConfigException("start_timeout", "must be a positive duration, was " + startTimeout);
        }
    }

    public static WorkerSpec defaults() {
        return new WorkerSpec(DEFAULT_PYTHON, DEFAULT_ADAPTER, Map.of(), DEFAULT_START_TIMEOUT);
    }

    public WorkerSpec withPython(String python) {
        return new WorkerSpec(python, adapter, env, startTimeout);
    }

    public WorkerSpec withAdapter(String adapter) {
        return new WorkerSpec(python, adapter, env, startTimeout);
    }
}
