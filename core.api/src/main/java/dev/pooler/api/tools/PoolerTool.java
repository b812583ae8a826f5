package dev.pooler.api.tools;

import com.google.gson.JsonElement;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A tool Python calls: JSON in, JSON out, asynchronous. Register it as a service with the property
 * {@link #NAME} ({@code pooler.tool=kv}); a command calls it with {@code ctx.call_tool("kv", {...})}.
 * It comes and goes with its bundle: a call in flight when the service goes away answers
 * {@code TOOL_FAILED}.
 *
 * <p>{@link #call} is invoked on a Pooler thread that belongs to no worker; it should return soon
 * and do slow work asynchronously. The stage's value is the result sent to Python; a stage that
 * completes exceptionally (or an exception thrown by {@code call}) answers {@code TOOL_FAILED}
 * with its message. Past {@link ToolContext#timeout()} the caller gets {@code TOOL_TIMEOUT} and
 * the stage is cancelled if it can be.
 */
@ConsumerType
public interface PoolerTool {

    /** The service property naming the tool (letters, digits, {@code _ . -}). */
    String NAME = "pooler.tool";

    CompletionStage<JsonElement> call(JsonElement args, ToolContext context);
}
