package dev.pooler.core.impl.shell;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolRegistry;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerInfo;
import java.util.Locale;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Gogo commands {@code pooler:pools}, {@code pooler:workers} and {@code pooler:exec}. */
@Component(service = PoolerCommands.class, property = {
        "osgi.command.scope=pooler",
        "osgi.command.function=pools",
        "osgi.command.function=workers",
        "osgi.command.function=exec"})
public class PoolerCommands {

    private final PoolRegistry registry;

    @Activate
    public PoolerCommands(@Reference PoolRegistry registry) {
        this.registry = registry;
    }

    @Descriptor("lists the pools with their state, size and load")
    public String pools() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-18s %-14s %-9s %7s %5s %6s %9s %8s %7s %9s%n", "POOL", "TYPE", "STATE", "WORKERS",
                "BUSY", "QUEUED", "COMPLETED", "FAILED", "P50ms", "CAPS"));
        for (Pool p : registry.pools()) {
            PoolStats s = p.stats();
            sb.append(String.format(Locale.ROOT, "%-18s %-14s %-9s %3d/%-3d %5d %6d %9d %8d %7.2f %s%n", p.id(),
                    p.config().poolType().name().toLowerCase(Locale.ROOT), s.state(), s.workers(), p.config().size(),
                    s.busy(), s.queued(), s.completed(), s.failed(), s.p50LatencyMs(),
                    String.join(",", p.config().capabilities())));
        }
        if (registry.pools().isEmpty()) {
            sb.append("(no pools: add a dev.pooler.pool configuration to conf/)\n");
        }
        return sb.toString();
    }

    @Descriptor("lists the worker processes of a pool")
    public String workers(@Descriptor("pool id") String poolId) {
        Pool pool = registry.pool(poolId).orElse(null);
        if (pool == null) {
            return "no pool named '" + poolId + "'; pools: " + registry.pools().stream().map(Pool::id).toList();
        }
        StringBuilder sb = new StringBuilder(String.format("%-24s %8s %-9s %8s %9s%n", "WORKER", "PID", "STATE", "SERVED", "RSS_KB"));
        for (WorkerInfo w : pool.workers()) {
            sb.append(String.format("%-24s %8d %-9s %8d %9d%n", w.workerId(), w.pid(), w.state(), w.requestsServed(), w.rssKb()));
        }
        return sb.toString();
    }

    @Descriptor("runs a command on a pool and prints its JSON result, e.g. pooler:exec general_pool echo '{\"x\":1}'")
    public String exec(@Descriptor("pool id") String poolId, @Descriptor("command, e.g. echo or embed") String command,
                       @Descriptor("arguments as a JSON object") String json) {
        Pool pool = registry.pool(poolId).orElse(null);
        if (pool == null) {
            return "no pool named '" + poolId + "'; pools: " + registry.pools().stream().map(Pool::id).toList();
        }
        JsonObject args;
        try {
            JsonElement e = JsonParser.parseString(json == null || json.isBlank() ? "{}" : json);
            if (!e.isJsonObject()) {
                return "BAD_REQUEST: the arguments must be a JSON object, got " + json;
            }
            args = e.getAsJsonObject();
        } catch (RuntimeException e) {
            return "BAD_REQUEST: the arguments are not valid JSON: " + e.getMessage();
        }
        try {
            Response r = pool.executeAndWait(Request.of(command, args));
            return new GsonBuilder().setPrettyPrinting().create().toJson(r.result())
                    + String.format(Locale.ROOT, "%n(pool %s, worker %s, %.2f ms)", r.poolId(), r.workerId(), r.latencyNanos() / 1e6);
        } catch (PoolerException e) {
            return e.kind() + ": " + e.getMessage();
        }
    }
}
