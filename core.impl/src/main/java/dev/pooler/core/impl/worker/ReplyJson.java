package dev.pooler.core.impl.worker;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;

/**
 * Parses the result of a reply on the hot path into the same tree Gson's {@code JsonParser} builds, without its
 * per-call cost: a {@code JsonReader} allocates about 2.5 KB of buffers for every value it parses, most of what a
 * request allocated in the JVM. Strict JSON only (what the runtime's {@code json.dumps} writes); anything else —
 * {@code NaN}, deeper than {@link #MAX_DEPTH}, a syntax error — answers {@code null}, and the caller parses with Gson
 * as before, so what is accepted and what is refused does not change. Numbers keep their text as Gson's do.
 */
final class ReplyJson {

    static final int MAX_DEPTH = 64;

    private final String s;
    private final int end;
    private int pos;

    private ReplyJson(String s, int start, int end) {
        this.s = s;
        this.pos = start;
        this.end = end;
    }

    /** The JSON value {@code s[start, end)}, or null where this parser declines (see the class comment). */
    static JsonElement parse(String s, int start, int end) {
        ReplyJson p = new ReplyJson(s, start, end);
        try {
            JsonElement v = p.value(0);
            p.skipSpace();
            return v != null && p.pos == end ? v : null;
        } catch (RuntimeException e) { // an index past the end, a bad number: Gson says what was wrong
            return null;
        }
    }

    private void skipSpace() {
        while (pos < end) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private JsonElement value(int depth) {
        skipSpace();
        if (pos >= end || depth > MAX_DEPTH) {
            return null;
        }
        char c = s.charAt(pos);
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"': {
                String str = string();
                return str == null ? null : new JsonPrimitive(str);
            }
            case 't':
                return literal("true") ? new JsonPrimitive(true) : null;
            case 'f':
                return literal("false") ? new JsonPrimitive(false) : null;
            case 'n':
                return literal("null") ? JsonNull.INSTANCE : null;
            default:
                return c == '-' || (c >= '0' && c <= '9') ? number() : null;
        }
    }

    private boolean literal(String word) {
        if (s.startsWith(word, pos)) {
            pos += word.length();
            return pos >= end || !Character.isLetterOrDigit(s.charAt(pos));
        }
        return false;
    }

    private JsonElement object(int depth) {
        pos++; // {
        JsonObject o = new JsonObject();
        skipSpace();
        if (pos < end && s.charAt(pos) == '}') {
            pos++;
            return o;
        }
        while (true) {
            skipSpace();
            if (pos >= end || s.charAt(pos) != '"') {
                return null;
            }
            String key = string();
            skipSpace();
            if (key == null || pos >= end || s.charAt(pos) != ':') {
                return null;
            }
            pos++;
            JsonElement v = value(depth + 1);
            if (v == null) {
                return null;
            }
            o.add(key, v);
            skipSpace();
            if (pos >= end) {
                return null;
            }
            char c = s.charAt(pos++);
            if (c == '}') {
                return o;
            }
            if (c != ',') {
                return null;
            }
        }
    }

    private JsonElement array(int depth) {
        pos++; // [
        JsonArray a = new JsonArray();
        skipSpace();
        if (pos < end && s.charAt(pos) == ']') {
            pos++;
            return a;
        }
        while (true) {
            JsonElement v = value(depth + 1);
            if (v == null) {
                return null;
            }
            a.add(v);
            skipSpace();
            if (pos >= end) {
                return null;
            }
            char c = s.charAt(pos++);
            if (c == ']') {
                return a;
            }
            if (c != ',') {
                return null;
            }
        }
    }

    /** A string at {@code pos} (its opening quote), unescaped; null if malformed. */
    private String string() {
        int from = ++pos;
        while (pos < end) {
            char c = s.charAt(pos);
            if (c == '"') {
                return s.substring(from, pos++);
            }
            if (c == '\\') {
                return escaped(from);
            }
            if (c < 0x20) {
                return null;
            }
            pos++;
        }
        return null;
    }

    private String escaped(int from) {
        StringBuilder sb = new StringBuilder(pos - from + 16).append(s, from, pos);
        while (pos < end) {
            char c = s.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                return null;
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= end) {
                return null;
            }
            char e = s.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > end) {
                        return null;
                    }
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int d = Character.digit(s.charAt(pos++), 16);
                        if (d < 0) {
                            return null;
                        }
                        code = code * 16 + d;
                    }
                    sb.append((char) code);
                }
                default -> {
                    return null;
                }
            }
        }
        return null;
    }

    /** A number in JSON's grammar, kept as its text; null if malformed. */
    private JsonElement number() {
        int from = pos;
        if (s.charAt(pos) == '-') {
            pos++;
        }
        int intStart = pos;
        while (pos < end && isDigit(s.charAt(pos))) {
            pos++;
        }
        int intDigits = pos - intStart;
        if (intDigits == 0 || (intDigits > 1 && s.charAt(intStart) == '0')) {
            return null;
        }
        if (pos < end && s.charAt(pos) == '.') {
            pos++;
            int fracStart = pos;
            while (pos < end && isDigit(s.charAt(pos))) {
                pos++;
            }
            if (pos == fracStart) {
                return null;
            }
        }
        if (pos < end && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            pos++;
            if (pos < end && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                pos++;
            }
            int expStart = pos;
            while (pos < end && isDigit(s.charAt(pos))) {
                pos++;
            }
            if (pos == expStart) {
                return null;
            }
        }
        return new JsonPrimitive(new TextNumber(s.substring(from, pos)));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * A number as written, converted when asked: what Gson's parser makes of a JSON number too, so a result reads,
     * compares and is written back the same whichever parser read it.
     */
    static final class TextNumber extends Number {
        private static final long serialVersionUID = 1L;
        private final String text;

        TextNumber(String text) {
            this.text = text;
        }

        @Override
        public int intValue() {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                try {
                    return (int) Long.parseLong(text);
                } catch (NumberFormatException e2) {
                    return new BigDecimal(text).intValue();
                }
            }
        }

        @Override
        public long longValue() {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                return new BigDecimal(text).longValue();
            }
        }

        @Override
        public float floatValue() {
            return Float.parseFloat(text);
        }

        @Override
        public double doubleValue() {
            return Double.parseDouble(text);
        }

        @Override
        public String toString() {
            return text;
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            return o == this || (o instanceof TextNumber t && text.equals(t.text));
        }
    }
}
