package dev.pooler.shell;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.admin.AdminAction;
import dev.pooler.api.admin.AdminSection;
import dev.pooler.api.admin.AdminTable;
import dev.pooler.admin.PoolHealth;
import dev.pooler.admin.PoolerAdmin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Gogo commands {@code pooler:*}: pools, workers, requests, the strategy, loans, sessions, rebalancing. */
@Component(service = PoolerCommands.class, property = {
        "osgi.command.scope=pooler",
        "osgi.command.function=pools",
        "osgi.command.function=workers",
        "osgi.command.function=exec",
        "osgi.command.function=cancel",
        "osgi.command.function=strategy",
        "osgi.command.function=sessions",
        "osgi.command.function=loans",
        "osgi.command.function=migrate",
        "osgi.command.function=returnloan",
        "osgi.command.function=pin",
        "osgi.command.function=rebalance"})
public class PoolerCommands {

    static final String SHARING_ABSENT = "the worker-sharing bundle (dev.pooler.sharing) is not installed: "
            + "there are no loans, sharing agreements or migrations";
    static final String AFFINITY_ABSENT = "the session-affinity bundle (dev.pooler.affinity) is not installed: "
            + "there are no sessions with an affinity";

    private final PoolerAdmin admin;

    @Activate
    public PoolerCommands(@Reference PoolerAdmin admin) {
        this.admin = admin;
    }

    @Descriptor("lists the pools with their state, size, load and health")
    public String pools() {
        if (admin.registry().isEmpty()) {
            return "the pool registry (dev.pooler.core.impl) is not running\n";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-18s %-14s %-9s %7s %5s %6s %5s %4s %4s %9s %7s %7s %-9s %-10s %s%n", "POOL", "TYPE", "STATE",
                "WORKERS", "BUSY", "QUEUED", "UTIL", "LENT", "BORR", "COMPLETED", "FAILED", "P50ms", "HEALTH", "ZONE", "CAPS"));
        List<Pool> pools = admin.pools();
        for (Pool p : pools) {
            PoolStats s = p.stats();
            sb.append(String.format(Locale.ROOT, "%-18s %-14s %-9s %3d/%-3d %5d %6d %4.0f%% %4d %4d %9d %7d %7.2f %-9s %-10s %s%n",
                    p.id(), p.config().poolType().name().toLowerCase(Locale.ROOT), s.state(), s.workers(),
                    p.config().size(), s.busy(), s.queued(), 100 * s.utilization(), s.lent(), s.borrowed(),
                    s.completed(), s.failed(), s.p50LatencyMs(), PoolHealth.of(s, p.config().size()).status(),
                    p.config().geographicZone(), String.join(",", p.config().capabilities().stream().sorted().toList())));
        }
        if (pools.isEmpty()) {
            sb.append("(no pools: ").append(admin.poolConfigurationHint()).append(")\n");
        }
        return sb.toString();
    }

    @Descriptor("lists the worker processes of every pool")
    public String workers() {
        return workerTable(admin.pools());
    }

    @Descriptor("lists the worker processes of one pool")
    public String workers(@Descriptor("pool id") String poolId) {
        Pool pool = admin.registry().flatMap(r -> r.pool(poolId)).orElse(null);
        if (pool == null) {
            return noSuchPool(poolId);
        }
        return workerTable(List.of(pool));
    }

    private static String workerTable(List<Pool> pools) {
        StringBuilder sb = new StringBuilder(String.format("%-24s %-18s %8s %-9s %8s %9s %5s %-18s %s%n", "WORKER", "POOL",
                "PID", "STATE", "SERVED", "RSS_KB", "CPU%", "OWNER", "LENT_TO"));
        for (Pool p : pools) {
            for (WorkerInfo w : p.workers()) {
                sb.append(String.format("%-24s %-18s %8d %-9s %8d %9d %5s %-18s %s%n", w.workerId(), p.id(), w.pid(),
                        w.state(), w.requestsServed(), w.rssKb(), w.cpuLoad() < 0 ? "-" : Math.round(100 * w.cpuLoad()),
                        w.ownerPool(), w.lent() ? w.servingPool() : "-"));
            }
        }
        return sb.toString();
    }

    @Descriptor("runs a command through the router (or on one pool with -p) and prints its JSON result, "
            + "e.g. pooler:exec echo '{\"x\":1}' or pooler:exec -p embedding_pool embed '{\"text\":\"hi\"}'")
    public String exec(@Descriptor("run on this pool instead of letting the router choose")
                       @Parameter(names = {"-p", "--pool"}, absentValue = "") String pool,
                       @Descriptor("session id") @Parameter(names = {"-s", "--session"}, absentValue = "") String session,
                       @Descriptor("strategy for this request") @Parameter(names = {"--strategy"}, absentValue = "") String strategy,
                       @Descriptor("print the chunks of a streaming command as they arrive (e.g. generate)")
                       @Parameter(names = {"--stream"}, presentValue = "true", absentValue = "false") boolean stream,
                       @Descriptor("command, e.g. echo, sleep, embed, classify") String command,
                       @Descriptor("arguments as a JSON object") String json) {
        return stream ? runStream(pool, session, strategy, command, json, System.out) : run(pool, session, strategy, command, json);
    }

    @Descriptor("cancels a queued or running request by id (a stream prints its id first): pooler:cancel <id>")
    public String cancel(@Descriptor("request id") long id) {
        return admin.cancel(id) ? "request " + id + " cancelled\n" : "no request " + id + " is queued or running\n";
    }

    /**
     * Streams a command: its id first, then each chunk on its own line as it arrives (one chunk asked for at a time,
     * printed on this, the shell's, thread), then the answer. Interrupting the command cancels the request.
     */
    String runStream(String pool, String session, String strategy, String command, String json, java.io.PrintStream out) {
        JsonObject args;
        try {
            JsonElement e = JsonParser.parseString(json == null || json.isBlank() ? "{}" : json);
            if (!e.isJsonObject()) {
                return "BAD_REQUEST: the arguments must be a JSON object, got " + json;
            }
            args = e.getAsJsonObject();
        } catch (JsonParseException e) {
            return "BAD_REQUEST: the arguments are not valid JSON: " + e.getMessage();
        }
        if (!pool.isEmpty() && admin.registry().flatMap(r -> r.pool(pool)).isEmpty()) {
            return noSuchPool(pool);
        }
        dev.pooler.api.ResponseStream s;
        try {
            s = admin.stream(Request.builder(command).args(args).pool(emptyToNull(pool)).session(emptyToNull(session))
                    .strategy(emptyToNull(strategy)).build());
        } catch (PoolerException e) {
            return e.kind() + ": " + e.getMessage();
        }
        ShellSubscriber sub = new ShellSubscriber();
        s.subscribe(sub);
        out.println("(stream " + s.id() + ")");
        try {
            while (true) {
                Object next = sub.items.take();
                if (next == ShellSubscriber.END) {
                    break;
                }
                out.println(next);
                out.flush();
                sub.subscription.request(1);
            }
            Response r = s.result().toCompletableFuture().join();
            return new GsonBuilder().setPrettyPrinting().create().toJson(r.result())
                    + String.format(Locale.ROOT, "%n(pool %s, worker %s, %d chunks, %.2f ms)", r.poolId(), r.workerId(),
                    s.chunksReceived(), r.latencyNanos() / 1e6);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.cancel();
            return "interrupted: request " + s.id() + " cancelled";
        } catch (RuntimeException e) {
            PoolerException pe = PoolerException.of(e);
            return pe.kind() + ": " + pe.getMessage();
        }
    }

    /** Hands a stream's chunks to the shell's thread, one at a time. */
    private static final class ShellSubscriber implements java.util.concurrent.Flow.Subscriber<JsonElement> {
        static final Object END = new Object();
        final java.util.concurrent.BlockingQueue<Object> items = new java.util.concurrent.LinkedBlockingQueue<>();
        volatile java.util.concurrent.Flow.Subscription subscription;

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(JsonElement item) {
            items.add(item.toString());
        }

        @Override
        public void onError(Throwable t) {
            items.add(END);
        }

        @Override
        public void onComplete() {
            items.add(END);
        }
    }

    @Descriptor("runs a command without arguments through the router (or on one pool with -p)")
    public String exec(@Descriptor("run on this pool instead of letting the router choose")
                       @Parameter(names = {"-p", "--pool"}, absentValue = "") String pool,
                       @Descriptor("session id") @Parameter(names = {"-s", "--session"}, absentValue = "") String session,
                       @Descriptor("strategy for this request") @Parameter(names = {"--strategy"}, absentValue = "") String strategy,
                       @Descriptor("command, e.g. echo") String command) {
        return run(pool, session, strategy, command, "{}");
    }

    @Descriptor("runs a command on the named pool: pooler:exec <pool> <command> <json> (same as -p <pool>)")
    public String exec(@Descriptor("pool id") String pool, @Descriptor("command") String command,
                       @Descriptor("arguments as a JSON object") String json) {
        return run(pool, "", "", command, json);
    }

    String run(String pool, String session, String strategy, String command, String json) {
        JsonObject args;
        try {
            JsonElement e = JsonParser.parseString(json == null || json.isBlank() ? "{}" : json);
            if (!e.isJsonObject()) {
                return "BAD_REQUEST: the arguments must be a JSON object, got " + json;
            }
            args = e.getAsJsonObject();
        } catch (JsonParseException e) {
            return "BAD_REQUEST: the arguments are not valid JSON: " + e.getMessage();
        }
        if (!pool.isEmpty() && admin.registry().flatMap(r -> r.pool(pool)).isEmpty()) {
            return noSuchPool(pool);
        }
        try {
            Request request = Request.builder(command).args(args).pool(emptyToNull(pool)).session(emptyToNull(session))
                    .strategy(emptyToNull(strategy)).build();
            long waitMs = answerWithinMs(pool);
            Response r;
            try {
                r = admin.execute(request).toCompletableFuture().get(waitMs, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return "TIMEOUT: no answer within " + waitMs + " ms (the request timeout); the pool answers it, but not here";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            } catch (java.util.concurrent.ExecutionException e) {
                throw new CompletionException(e.getCause());
            }
            return new GsonBuilder().setPrettyPrinting().create().toJson(r.result())
                    + String.format(Locale.ROOT, "%n(pool %s, worker %s, %.2f ms%s)", r.poolId(), r.workerId(),
                    r.latencyNanos() / 1e6, admin.router().isPresent() ? ", routed" : "");
        } catch (PoolerException | CompletionException e) {
            PoolerException pe = PoolerException.of(e);
            return pe.kind() + ": " + pe.getMessage();
        }
    }

    /** The longest a command waits: the request timeout of the named pool (or of any pool), and a moment for the reply. */
    private long answerWithinMs(String pool) {
        long ms = admin.pools().stream().filter(p -> pool.isEmpty() || p.id().equals(pool))
                .mapToLong(p -> p.config().resourceLimits().requestTimeout().toMillis()).max()
                .orElse(dev.pooler.api.ResourceLimits.DEFAULT_REQUEST_TIMEOUT_MS);
        return ms + 2_000;
    }

    @Descriptor("shows the active strategy, the configured one and every strategy present")
    public String strategy() {
        String active = admin.activeStrategy();
        String stored = admin.storedStrategy();
        return "active:     " + (active == null ? "(no request router is running)" : active) + "\n"
                + "configured: " + (stored == null ? "(default)" : stored) + " (ConfigAdmin " + PoolerAdmin.LOADBALANCING_PID + ")\n"
                + "present:    " + (admin.strategies().isEmpty() ? "(none)" : String.join(", ", admin.strategies())) + "\n";
    }

    @Descriptor("switches the load-balancing strategy (stored in ConfigAdmin dev.pooler.loadbalancing, so it stays)")
    public String strategy(@Descriptor("strategy name, e.g. round_robin, p2c, ml_optimized") String name) {
        try {
            admin.switchStrategy(name);
            return "strategy set to " + name + "\n";
        } catch (PoolerException e) {
            return e.kind() + ": " + e.getMessage() + "\n";
        }
    }

    @Descriptor("lists sessions and their pool affinity (needs the session-affinity bundle)")
    public String sessions() {
        return sectionText(AdminSection.AFFINITY, AFFINITY_ABSENT);
    }

    @Descriptor("lists worker loans and sharing agreements (needs the worker-sharing bundle)")
    public String loans() {
        return sectionText(AdminSection.SHARING, SHARING_ABSENT);
    }

    @Descriptor("migrates a worker to another pool (needs the worker-sharing bundle)")
    public String migrate(@Descriptor("worker id") String worker, @Descriptor("target pool id") String toPool,
                          @Descriptor("graceful, immediate or session_aware") String mode) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("worker", worker);
        params.put("to_pool", toPool);
        params.put("mode", mode);
        return perform(AdminAction.MIGRATE, params, SHARING_ABSENT);
    }

    @Descriptor("migrates a worker to another pool, gracefully (needs the worker-sharing bundle)")
    public String migrate(@Descriptor("worker id") String worker, @Descriptor("target pool id") String toPool) {
        return migrate(worker, toPool, "graceful");
    }

    @Descriptor("gives a borrowed worker back to its owner pool (needs the worker-sharing bundle)")
    public String returnloan(@Descriptor("worker id") String worker) {
        return perform(AdminAction.RETURN_LOAN, Map.of("worker", worker), SHARING_ABSENT);
    }

    @Descriptor("pins a session to a pool (needs the session-affinity bundle)")
    public String pin(@Descriptor("session id") String session, @Descriptor("pool id") String pool) {
        return perform(AdminAction.PIN_SESSION, Map.of("session", session, "pool", pool), AFFINITY_ABSENT);
    }

    @Descriptor("asks the worker-sharing service to rebalance workers between pools now")
    public String rebalance() {
        return admin.rebalance() + "\n";
    }

    private String perform(String action, Map<String, String> params, String absent) {
        if (admin.sectionsOffering(action).isEmpty()) {
            return absent + "\n";
        }
        try {
            return admin.perform(action, params) + "\n";
        } catch (PoolerException e) {
            return e.kind() + ": " + e.getMessage() + "\n";
        }
    }

    private String sectionText(String name, String absent) {
        List<PoolerAdmin.SectionRef> sections = admin.sections(name);
        if (sections.isEmpty()) {
            return absent + "\n";
        }
        StringBuilder sb = new StringBuilder();
        for (PoolerAdmin.SectionRef ref : sections) {
            sb.append(ref.section().title()).append('\n');
            for (AdminTable t : ref.section().tables()) {
                sb.append('\n').append(t.title()).append('\n').append(table(t));
            }
        }
        return sb.toString();
    }

    /** A plain-text table with columns as wide as their widest cell. */
    static String table(AdminTable t) {
        int[] width = new int[t.columns().size()];
        List<List<String>> all = new ArrayList<>();
        all.add(t.columns());
        all.addAll(t.rows());
        for (List<String> r : all) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], String.valueOf(r.get(i)).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> r : all) {
            for (int i = 0; i < width.length; i++) {
                String cell = String.valueOf(r.get(i));
                sb.append(cell);
                if (i < width.length - 1) {
                    sb.append(" ".repeat(width[i] - cell.length() + 2));
                }
            }
            sb.append('\n');
        }
        if (t.rows().isEmpty()) {
            sb.append("(none)\n");
        }
        return sb.toString();
    }

    private String noSuchPool(String poolId) {
        return "no pool named '" + poolId + "'; pools: " + admin.pools().stream().map(Pool::id).toList();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
