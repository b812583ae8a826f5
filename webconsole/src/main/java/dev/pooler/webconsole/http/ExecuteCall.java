package dev.pooler.webconsole.http;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.InvalidConfigException;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.RequestPriority;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /pooler/api/execute}:
 * {@code {"command": "...", "args": {...}?, "session": "..."?, "pool": "..."?, "strategy": "..."?, "priority": "high|normal|low"?}}.
 * Anything else is refused with a {@code BAD_REQUEST} that names the field.
 */
public final class ExecuteCall {

    static final Set<String> FIELDS = Set.of("command", "args", "session", "pool", "strategy", "priority");

    private ExecuteCall() {
    }

    /** Parses and validates a body into a request. */
    public static Request parse(String body) {
        if (body == null || body.isBlank()) {
            throw bad("the body is empty; expected a JSON object such as {\"command\":\"echo\",\"args\":{}}");
        }
        JsonElement root;
        try {
            root = JsonParser.parseString(body);
        } catch (JsonParseException e) {
            throw bad("the body is not valid JSON: " + rootMessage(e));
        }
        if (!root.isJsonObject()) {
            throw bad("the body must be a JSON object, not " + kind(root));
        }
        JsonObject o = root.getAsJsonObject();
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            if (!FIELDS.contains(e.getKey())) {
                throw bad("unknown field '" + e.getKey() + "'; the fields are " + FIELDS.stream().sorted().toList());
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
        return b.build();
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

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return String.valueOf(c.getMessage());
    }

    private static PoolerException bad(String message) {
        return new PoolerException(ErrorKind.BAD_REQUEST, message);
    }
}
