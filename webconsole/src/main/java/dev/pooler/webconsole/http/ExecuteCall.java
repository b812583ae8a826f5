package dev.pooler.webconsole.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.InvalidConfigException;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.RequestPriority;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /pooler/api/execute}:
 * {@code {"command": "...", "args": {...}?, "session": "..."?, "pool": "..."?, "strategy": "..."?, "priority": "high|normal|low"?,
 * "retryable": true|false?}}. {@code retryable}: the request may run a second time, on another pool, when the worker
 * (or the node) that held it died (DESIGN §8); default false.
 * Anything else is refused with a {@code BAD_REQUEST} that names the field or the problem.
 *
 * <p>The body is read as strict JSON (RFC 8259) and must reach the Python worker unchanged, so what JSON allows but
 * the worker could not take back as sent is refused too: nesting deeper than {@value #MAX_DEPTH} levels, numbers
 * longer than {@value #MAX_NUMBER_CHARS} characters or beyond a 64-bit float, unpaired surrogates, duplicate keys.
 */
public final class ExecuteCall {

    static final Set<String> FIELDS = Set.of("command", "args", "session", "pool", "strategy", "priority", "retryable");
    /** Objects and arrays inside one another, the body's own object included. */
    static final int MAX_DEPTH = 128;
    /** Python reads longer integers only up to 4300 digits, and Gson not at all past 1024 characters. */
    static final int MAX_NUMBER_CHARS = 1000;
    /** User text quoted back in a message is cut to this many characters. */
    static final int QUOTE_CHARS = 60;

    private ExecuteCall() {
    }

    /** Parses and validates a body into a request. */
    public static Request parse(String body) {
        if (body == null || body.isBlank()) {
            throw bad("the body is empty; expected a JSON object such as {\"command\":\"echo\",\"args\":{}}");
        }
        JsonElement root = new StrictJson(body).read();
        if (!root.isJsonObject()) {
            throw bad("the body must be a JSON object, not " + kind(root));
        }
        JsonObject o = root.getAsJsonObject();
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            if (!FIELDS.contains(e.getKey())) {
                throw bad("unknown field '" + quote(e.getKey()) + "'; the fields are " + FIELDS.stream().sorted().toList());
            }
        }
        String command = string(o, "command", true);
        Request.Builder b = Request.builder(command);
        JsonElement args = o.get("args");
        if (args != null && !args.isJsonNull()) {
            if (!args.isJsonObject()) {
                throw bad("args: must be a JSON object, not " + kind(args));
            }
            b.args(args.getAsJsonObject());
        }
        b.session(string(o, "session", false));
        b.pool(string(o, "pool", false));
        b.strategy(string(o, "strategy", false));
        String priority = string(o, "priority", false);
        if (priority != null) {
            try {
                b.priority(RequestPriority.parse("priority", priority));
            } catch (InvalidConfigException e) {
                throw bad(e.getMessage());
            }
        }
        b.retryable(bool(o, "retryable"));
        return b.build();
    }

    private static boolean bool(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return false;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw bad(field + ": must be true or false, not " + kind(e));
        }
        return e.getAsBoolean();
    }

    private static String string(JsonObject o, String field, boolean required) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            if (required) {
                throw bad(field + ": missing");
            }
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw bad(field + ": must be a string, not " + kind(e));
        }
        return e.getAsString();
    }

    private static String kind(JsonElement e) {
        if (e.isJsonArray()) {
            return "an array";
        }
        if (e.isJsonObject()) {
            return "an object";
        }
        if (e.isJsonNull()) {
            return "null";
        }
        return e.getAsJsonPrimitive().isNumber() ? "a number" : e.getAsJsonPrimitive().isBoolean() ? "a boolean" : "a string";
    }

    static String quote(String s) {
        if (s.length() <= QUOTE_CHARS) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(QUOTE_CHARS - 1)) ? QUOTE_CHARS - 1 : QUOTE_CHARS;
        return s.substring(0, end) + "… (" + s.length() + " characters)";
    }

    static PoolerException bad(String message) {
        return new PoolerException(ErrorKind.BAD_REQUEST, message);
    }
}
