package dev.pooler.core.impl.routing;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.InvalidConfigException;
import dev.pooler.api.PoolType;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.routing.RequestProfile;
import java.util.Map;

/**
 * The seed's {@code analyze_request}: what the router knows about a request before choosing.
 * Cheap by construction: the argument size is estimated from a bounded walk of the JSON tree,
 * never by serialising it.
 */
final class RequestAnalyzer {

    /** JSON nodes visited at most when estimating the size of the arguments. */
    static final int SIZE_BUDGET = 256;

    private final CommandHistory history;

    RequestAnalyzer(CommandHistory history) {
        this.history = history;
    }

    RequestProfile profile(Request request, String capability) {
        String specialization = null;
        String zone = null;
        int size = request.argsJson().length(); // exact: the text that travels to the worker
        if (request.hasArgs()) {
            specialization = text(request, "specialization");
            if (specialization == null) {
                specialization = text(request, "model");
            }
            zone = text(request, "zone");
        }
        double expected = history.expectedMs(request.command());
        return new RequestProfile(request.command(), capability, complexity(size, expected), expected, specialization,
                request.sessionId(), request.priority(), zone, size);
    }

    /** The pool type the request's {@code pool_type} argument asks for, or null; BAD_REQUEST when unknown. */
    static PoolType poolTypeHint(Request request) {
        if (!request.hasArgs()) {
            return null;
        }
        String t = text(request, "pool_type");
        if (t == null) {
            return null;
        }
        try {
            return PoolType.parse("pool_type", t);
        } catch (InvalidConfigException e) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, e.getMessage());
        }
    }

    /**
     * 0..1: larger arguments and longer expected service make a request more complex. Logarithmic,
     * so a megabyte of arguments or ten seconds of work saturate it.
     */
    static double complexity(int argsSize, double expectedMs) {
        double size = Math.min(1.0, Math.log10(1.0 + Math.max(0, argsSize)) / 6.0);
        if (expectedMs <= 0) {
            return size;
        }
        double duration = Math.min(1.0, Math.log10(1.0 + expectedMs) / 4.0);
        return 0.5 * size + 0.5 * duration;
    }

    /** Approximate length of the arguments as JSON text, from at most {@link #SIZE_BUDGET} nodes. */
    static int estimateSize(JsonElement e) {
        int[] budget = {SIZE_BUDGET};
        long size = size(e, budget);
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    private static long size(JsonElement e, int[] budget) {
        if (e == null || e.isJsonNull()) {
            return 4;
        }
        if (e.isJsonPrimitive()) {
            JsonPrimitive p = e.getAsJsonPrimitive();
            if (p.isString()) {
                return p.getAsString().length() + 2L;
            }
            return p.isBoolean() ? 5 : 8;
        }
        if (budget[0] <= 0) {
            return 16; // out of budget: a guess for the rest
        }
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            int n = a.size();
            long sum = 2;
            int seen = 0;
            for (; seen < n && budget[0] > 0; seen++) {
                budget[0]--;
                sum += size(a.get(seen), budget) + 1;
            }
            return seen == n || seen == 0 ? sum : sum * n / seen; // extrapolate what was not visited
        }
        JsonObject o = e.getAsJsonObject();
        int n = o.size();
        long sum = 2;
        int seen = 0;
        for (Map.Entry<String, JsonElement> en : o.entrySet()) {
            if (budget[0] <= 0) {
                break;
            }
            budget[0]--;
            seen++;
            sum += en.getKey().length() + 4 + size(en.getValue(), budget);
        }
        return seen == n || seen == 0 ? sum : sum * n / seen;
    }

    private static String text(Request request, String key) {
        JsonElement e = request.arg(key);
        if (e == null || !e.isJsonPrimitive()) {
            return null;
        }
        String s = e.getAsString();
        if (s.isBlank()) {
            return null;
        }
        return s.startsWith(":") ? s.substring(1) : s;
    }
}
