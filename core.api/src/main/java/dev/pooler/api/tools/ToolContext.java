package dev.pooler.api.tools;

import java.time.Duration;

/**
 * Who calls a tool: the tool's name as called, the pool whose worker runs the command, that worker,
 * the request it runs (its wire id) and how long the caller waits for the answer.
 */
public record ToolContext(String tool, String poolId, String workerId, long requestId, Duration timeout) {
}
