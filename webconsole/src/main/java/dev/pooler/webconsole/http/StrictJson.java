package dev.pooler.webconsole.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.pooler.api.PoolerException;
import java.util.ArrayDeque;
import java.util.Iterator;

import static dev.pooler.webconsole.http.ExecuteCall.MAX_DEPTH;
import static dev.pooler.webconsole.http.ExecuteCall.MAX_NUMBER_CHARS;
import static dev.pooler.webconsole.http.ExecuteCall.QUOTE_CHARS;
import static dev.pooler.webconsole.http.ExecuteCall.bad;
import static dev.pooler.webconsole.http.ExecuteCall.quote;

/**
 * Strict JSON into Gson's tree, with an explicit stack instead of recursion; every refusal says where (line,
 * column and the path of the value, e.g. {@code args.points[3]}).
 */
final class StrictJson {

    /** An object or array not yet closed. */
    private static final class Open {
        final JsonObject object;
        final JsonArray array;
        String key;

        Open(JsonObject object, JsonArray array) {
            this.object = object;
            this.array = array;
        }

        JsonElement element() {
            return object != null ? object : array;
        }

        char close() {
            return object != null ? '}' : ']';
        }

        void add(JsonElement value) {
            if (object != null) {
                object.add(key, value);
            } else {
                array.add(value);
            }
        }
    }

    private final String text;
    private final ArrayDeque<Open> open = new ArrayDeque<>();
    private int pos;

    StrictJson(String text) {
        this.text = text;
    }

    JsonElement read() {
        while (true) {
            JsonElement value = valueOrOpen();
            if (value == null) {
                continue; // an object or array opened: its first member comes next
            }
            while (true) { // a complete value: into its container, then what follows it
                Open top = open.peek();
                if (top == null) {
                    skipSpace();
                    if (pos < text.length()) {
                        throw syntax(pos, "unexpected " + found(pos) + " after the end of the JSON value");
                    }
                    return value;
                }
                top.add(value);
                skipSpace();
                if (pos >= text.length()) {
                    throw syntax(pos, "the body ends inside " + (top.object != null ? "an object" : "an array")
                            + "; expected ',' or '" + top.close() + "'");
                }
                char c = text.charAt(pos);
                if (c == ',') {
                    pos++;
                    if (top.object != null) {
                        readKey(top);
                    }
                    break;
                }
                if (c != top.close()) {
                    throw syntax(pos, "expected ',' or '" + top.close() + "' but found " + found(pos));
                }
                pos++;
                open.pop();
                value = top.element();
            }
        }
    }

    /** A scalar or an empty object/array; null when it opened a non-empty object or array. */
    private JsonElement valueOrOpen() {
        skipSpace();
        if (pos >= text.length()) {
            throw syntax(pos, open.isEmpty() ? "no JSON value" : "the body ends where a value was expected");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{', '[' -> {
                if (open.size() >= MAX_DEPTH) {
                    throw refused(pos, "objects and arrays nested deeper than " + MAX_DEPTH + " levels");
                }
                pos++;
                Open o = c == '{' ? new Open(new JsonObject(), null) : new Open(null, new JsonArray());
                skipSpace();
                if (pos < text.length() && text.charAt(pos) == o.close()) {
                    pos++;
                    return o.element();
                }
                open.push(o);
                if (o.object != null) {
                    readKey(o);
                }
                return null;
            }
            case '"' -> {
                return new JsonPrimitive(string());
            }
            case 't' -> {
                return literal("true", new JsonPrimitive(true));
            }
            case 'f' -> {
                return literal("false", new JsonPrimitive(false));
            }
            case 'n' -> {
                return literal("null", JsonNull.INSTANCE);
            }
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw syntax(pos, "expected a value but found " + found(pos));
            }
        }
    }

    private void readKey(Open o) {
        o.key = null;
        skipSpace();
        if (pos >= text.length() || text.charAt(pos) != '"') {
            throw syntax(pos, "expected a field name in double quotes but found " + found(pos));
        }
        int at = pos;
        String key = string();
        skipSpace();
        if (pos >= text.length() || text.charAt(pos) != ':') {
            throw syntax(pos, "expected ':' after the field name but found " + found(pos));
        }
        pos++;
        if (o.object.has(key)) {
            o.key = key;
            throw refused(at, "a duplicate key (JSON readers disagree on which one counts)");
        }
        o.key = key;
    }

    private JsonElement literal(String word, JsonElement value) {
        if (!text.startsWith(word, pos)) {
            throw syntax(pos, "expected a value but found " + found(pos));
        }
        pos += word.length();
        return value;
    }

    private String string() {
        int start = pos++;
        StringBuilder sb = null;
        int chunk = pos;
        while (true) {
            if (pos >= text.length()) {
                throw syntax(start, "a string that is never closed");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                String s = sb == null ? text.substring(chunk, pos) : sb.append(text, chunk, pos).toString();
                pos++;
                return s;
            }
            if (c < 0x20) {
                throw syntax(pos, String.format("a control character (U+%04X) in a string; write it as an escape", (int) c));
            }
            if (c != '\\') {
                pos++;
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder();
            }
            sb.append(text, chunk, pos);
            sb.append(escape());
            chunk = pos;
        }
    }

    /** At a backslash: the escaped character(s); a surrogate only as a pair. */
    private String escape() {
        int at = pos;
        if (pos + 1 >= text.length()) {
            throw syntax(at, "the body ends inside a string");
        }
        char e = text.charAt(pos + 1);
        pos += 2;
        switch (e) {
            case '"', '\\', '/' -> {
                return String.valueOf(e);
            }
            case 'b' -> {
                return "\b";
            }
            case 'f' -> {
                return "\f";
            }
            case 'n' -> {
                return "\n";
            }
            case 'r' -> {
                return "\r";
            }
            case 't' -> {
                return "\t";
            }
            case 'u' -> {
                char c = hex4(at);
                if (Character.isLowSurrogate(c)) {
                    throw refused(at, String.format("an unpaired surrogate \\u%04x in a string (it is no character)", (int) c));
                }
                if (!Character.isHighSurrogate(c)) {
                    return String.valueOf(c);
                }
                if (text.startsWith("\\u", pos)) {
                    int low = pos;
                    pos += 2;
                    char d = hex4(low);
                    if (Character.isLowSurrogate(d)) {
                        return new String(new char[] {c, d});
                    }
                }
                throw refused(at, String.format("an unpaired surrogate \\u%04x in a string (it is no character)", (int) c));
            }
            default -> throw syntax(at, "an invalid escape " + found(at + 1) + " after '\\' in a string");
        }
    }

    /** After {@code \}{@code u}: four hex digits. */
    private char hex4(int escapeAt) {
        if (pos + 4 > text.length()) {
            throw syntax(escapeAt, "\\u must be followed by four hex digits");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos + i), 16);
            if (d < 0 || text.charAt(pos + i) > 'f') {
                throw syntax(escapeAt, "\\u must be followed by four hex digits");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private JsonElement number() {
        int start = pos;
        if (text.charAt(pos) == '-') {
            pos++;
        }
        int intStart = pos;
        if (digits() == 0) {
            throw syntax(start, "a number needs a digit after '-'");
        }
        if (text.charAt(intStart) == '0' && pos - intStart > 1) {
            throw syntax(start, "a number must not start with 0");
        }
        boolean decimal = false;
        if (pos < text.length() && text.charAt(pos) == '.') {
            pos++;
            decimal = true;
            if (digits() == 0) {
                throw syntax(start, "a number needs digits after '.'");
            }
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            pos++;
            decimal = true;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            if (digits() == 0) {
                throw syntax(start, "a number needs digits in its exponent");
            }
        }
        if (pos - start > MAX_NUMBER_CHARS) {
            throw refused(start, "a number of " + (pos - start) + " characters; at most " + MAX_NUMBER_CHARS + " are accepted");
        }
        String literal = text.substring(start, pos);
        if (decimal) {
            double d = Double.parseDouble(literal);
            boolean zero = literal.chars().takeWhile(ch -> ch != 'e' && ch != 'E').allMatch(ch -> ch < '1' || ch > '9');
            if (Double.isInfinite(d) || (d == 0 && !zero)) {
                throw refused(start, "the number " + quote(literal) + " is beyond the range of a 64-bit float "
                        + "(the worker would read " + (d == 0 ? "0" : "infinity") + ")");
            }
        }
        return new JsonPrimitive(new JsonNumber(literal));
    }

    private int digits() {
        int from = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos - from;
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private String found(int at) {
        if (at >= text.length()) {
            return "the end of the body";
        }
        char c = text.charAt(at);
        return c > 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private PoolerException syntax(int at, String problem) {
        return bad("the body is not valid JSON: " + problem + where(at));
    }

    private PoolerException refused(int at, String problem) {
        return bad("the body is refused: " + problem + where(at));
    }

    /** " at line L, column C (in args.x[2])". */
    private String where(int at) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < Math.min(at, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        StringBuilder path = new StringBuilder();
        for (Iterator<Open> it = open.descendingIterator(); it.hasNext(); ) {
            Open o = it.next();
            if (o.object != null) {
                if (o.key != null) { // null: the object's first key is the problem
                    path.append(path.length() == 0 ? "" : ".").append(quote(o.key));
                }
            } else {
                path.append('[').append(o.array.size()).append(']');
            }
        }
        String in = path.length() <= 2 * QUOTE_CHARS ? path.toString() : path.substring(0, 2 * QUOTE_CHARS) + "…";
        return " at line " + line + ", column " + (at - lineStart + 1) + (in.isEmpty() ? "" : " (in " + in + ")");
    }
}
