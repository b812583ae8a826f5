package dev.pooler.core.impl.tools;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import dev.pooler.api.tools.PoolerTool;
import dev.pooler.api.tools.ToolContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Every {@link PoolerTool} service of the framework, by its {@code pooler.tool} name, as they come and
 * go. A name registered twice is served by the first registration until it leaves. A call in flight
 * when its tool's service goes away fails at once with {@link ToolError#TOOL_FAILED}.
 */
@Component(service = ToolRegistry.class)
public class ToolRegistry {

    private static final System.Logger LOG = System.getLogger(ToolRegistry.class.getName());

    /** One registration of a tool, with the calls it is answering now. */
    private static final class Registered {
        final PoolerTool tool;
        final Set<CompletableFuture<JsonElement>> inFlight = ConcurrentHashMap.newKeySet();

        Registered(PoolerTool tool) {
            this.tool = tool;
        }
    }

    /** Guarded by this object's monitor: per name, the registrations in arrival order (the first serves). */
    private final Map<String, List<Registered>> byName = new HashMap<>();

    public ToolRegistry() {
    }

    @Reference(service = PoolerTool.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(" + PoolerTool.NAME + "=*)")
    public void bindTool(PoolerTool tool, Map<String, Object> properties) {
        String name = nameOf(properties);
        if (name == null) {
            LOG.log(System.Logger.Level.WARNING, "a PoolerTool service without a string {0} property is ignored", PoolerTool.NAME);
            return;
        }
        synchronized (this) {
            List<Registered> list = byName.computeIfAbsent(name, n -> new ArrayList<>());
            if (!list.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "tool ''{0}'' is registered twice; the first registration serves", name);
            }
            list.add(new Registered(tool));
        }
    }

    public void unbindTool(PoolerTool tool, Map<String, Object> properties) {
        String name = nameOf(properties);
        Registered gone = null;
        synchronized (this) {
            List<Registered> list = name == null ? null : byName.get(name);
            if (list != null) {
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i).tool == tool) {
                        gone = list.remove(i);
                        break;
                    }
                }
                if (list.isEmpty()) {
                    byName.remove(name);
                }
            }
        }
        if (gone != null) {
            ToolFailure f = new ToolFailure(ToolError.TOOL_FAILED, "tool '" + name + "' went away during the call "
                    + "(its service was unregistered)");
            List.copyOf(gone.inFlight).forEach(c -> c.completeExceptionally(f));
        }
    }

    /** The names of the tools registered now, sorted. */
    public synchronized Set<String> names() {
        return new TreeSet<>(byName.keySet());
    }

    /**
     * Calls tool {@code name} on this thread. The future fails with a {@link ToolFailure}: {@code UNKNOWN_TOOL},
     * {@code TOOL_FAILED} (the tool threw, its stage failed, or its service left). Whoever completes the future
     * first wins; completing it from outside (a timeout) cancels the tool's own stage where it can.
     */
    public CompletableFuture<JsonElement> invoke(String name, JsonElement args, ToolContext context) {
        Registered r;
        synchronized (this) {
            List<Registered> list = byName.get(name);
            r = list == null || list.isEmpty() ? null : list.get(0);
        }
        CompletableFuture<JsonElement> result = new CompletableFuture<>();
        if (r == null) {
            result.completeExceptionally(new ToolFailure(ToolError.UNKNOWN_TOOL, "no tool named '" + name
                    + "' is registered (tools: " + (names().isEmpty() ? "none" : String.join(", ", names())) + ")"));
            return result;
        }
        r.inFlight.add(result);
        CompletionStage<JsonElement> stage;
        try {
            stage = r.tool.call(args, context);
            if (stage == null) {
                throw new IllegalStateException("call returned no stage");
            }
        } catch (RuntimeException | LinkageError e) {
            r.inFlight.remove(result);
            result.completeExceptionally(failed(name, e));
            return result;
        }
        stage.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value == null ? JsonNull.INSTANCE : value);
            } else {
                result.completeExceptionally(failed(name, error));
            }
        });
        result.whenComplete((value, error) -> {
            r.inFlight.remove(result);
            if (error != null) {
                cancel(stage);
            }
        });
        return result;
    }

    private static void cancel(CompletionStage<JsonElement> stage) {
        try {
            stage.toCompletableFuture().cancel(true);
        } catch (UnsupportedOperationException ignored) {
            // a stage that cannot be cancelled finishes unheard
        }
    }

    private static ToolFailure failed(String name, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ToolFailure(ToolError.TOOL_FAILED, "tool '" + name + "' failed: " + message);
    }

    private static String nameOf(Map<String, Object> properties) {
        Object n = properties == null ? null : properties.get(PoolerTool.NAME);
        return n instanceof String s && !s.isBlank() ? s.trim() : null;
    }
}
