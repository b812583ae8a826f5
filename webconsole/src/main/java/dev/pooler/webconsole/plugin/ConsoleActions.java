package dev.pooler.webconsole.plugin;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import dev.pooler.admin.PoolerAdmin;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The page's actions, posted as JSON to {@code /system/console/pooler/action}:
 * {@code {"action":"strategy","strategy":"p2c"}}, {@code {"action":"rebalance"}}, and a contributed section's
 * action {@code {"action":"perform","name":"migrate","params":{"worker":"…","to_pool":"…"}}}.
 * Each answers a one-line message; a bad body is a {@code BAD_REQUEST} saying what is wrong.
 */
final class ConsoleActions {

    private ConsoleActions() {
    }

    static String run(PoolerAdmin admin, String body) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(body == null ? "" : body);
            if (!e.isJsonObject()) {
                throw bad("the body must be a JSON object");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw bad("the body is not valid JSON");
        }
        String action = string(o, "action");
        if (action == null) {
            throw bad("action: missing (strategy, rebalance or perform)");
        }
        switch (action) {
            case "strategy" -> {
                String name = string(o, "strategy");
                admin.switchStrategy(name);
                return "strategy set to " + name + " (stored in ConfigAdmin " + PoolerAdmin.LOADBALANCING_PID + ")";
            }
            case "rebalance" -> {
                return admin.rebalance();
            }
            case "perform" -> {
                String name = string(o, "name");
                if (name == null) {
                    throw bad("name: missing (the action to perform)");
                }
                Map<String, String> params = new LinkedHashMap<>();
                JsonElement p = o.get("params");
                if (p != null && !p.isJsonNull()) {
                    if (!p.isJsonObject()) {
                        throw bad("params: must be an object of strings");
                    }
                    for (Map.Entry<String, JsonElement> e : p.getAsJsonObject().entrySet()) {
                        if (!e.getValue().isJsonPrimitive()) {
                            throw bad("params." + e.getKey() + ": must be a string");
                        }
                        params.put(e.getKey(), e.getValue().getAsString());
                    }
                }
                return admin.perform(name, params);
            }
            default -> throw bad("action: unknown '" + action + "' (strategy, rebalance or perform)");
        }
    }

    private static String string(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw bad(field + ": must be a string");
        }
        return e.getAsString();
    }

    private static PoolerException bad(String message) {
        return new PoolerException(ErrorKind.BAD_REQUEST, message);
    }
}
