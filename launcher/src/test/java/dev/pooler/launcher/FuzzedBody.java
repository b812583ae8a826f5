package dev.pooler.launcher;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * One body for {@code POST /pooler/api/execute} that must be refused, made from a seed and its index alone (so a
 * failing case is reproduced by its number), with what the refusal must say.
 *
 * <p>No body can run a command that does anything: the commands are unknown to the workers ({@code fz_…}), so a body
 * that happens to be valid reaches a worker and comes back as a 422 {@code WORKER_ERROR}.
 */
record FuzzedBody(int index, String category, byte[] body, String contentType, boolean chunked,
                  int status, String kind, String says, boolean expectContinue) {

    /** Sent at once, not after a {@code 100 Continue}. */
    FuzzedBody(int index, String category, byte[] body, String contentType, boolean chunked, int status, String kind, String says) {
        this(index, category, body, contentType, chunked, status, kind, says, false);
    }

    static final int LIMIT = 1 << 20;
    /** The pools of the fuzzed launcher's conf/. */
    static final List<String> POOLS = List.of("general_pool", "embedding_pool");
    private static final String JSON = "application/json";
    private static final List<String> FIELDS = List.of("command", "args", "session", "pool", "strategy", "priority");
    private static final String[] CATEGORIES = {
        "truncated", "mutated", "deep nesting", "huge number", "invalid UTF-8", "wrong type", "unknown field",
        "unknown command", "unknown pool", "unknown strategy", "content type", "empty", "not an object",
        "random bytes", "strict JSON", "bad session"};
    /** How often each category comes, out of the sum; oversized bodies (MBs each) are few. */
    private static final int[] WEIGHTS = {8, 14, 5, 5, 8, 10, 6, 8, 4, 4, 4, 2, 3, 5, 10, 3};
    private static final int OVERSIZED_PER_MILLE = 6;
    private static final String MUTATIONS = "{}[]\":,\\0-.eE nul";

    /** The body number {@code index} of the run with this seed. */
    static FuzzedBody make(long seed, int index) {
        Random r = new Random(seed * 1_000_003L + index);
        if (r.nextInt(1000) < OVERSIZED_PER_MILLE) {
            return oversized(r, index);
        }
        int total = 0;
        for (int w : WEIGHTS) {
            total += w;
        }
        int pick = r.nextInt(total);
        int c = 0;
        while (pick >= WEIGHTS[c]) {
            pick -= WEIGHTS[c++];
        }
        return switch (CATEGORIES[c]) {
            case "truncated" -> {
                String base = validBody(r);
                yield bad(index, "truncated", base.substring(0, 1 + r.nextInt(base.length() - 1)), "the body is not valid JSON");
            }
            case "mutated" -> mutated(r, index);
            case "deep nesting" -> deep(r, index);
            case "huge number" -> hugeNumber(r, index);
            case "invalid UTF-8" -> invalidUtf8(r, index);
            case "wrong type" -> wrongType(r, index);
            case "unknown field" -> {
                String drawn = name(r);
                String name = FIELDS.contains(drawn) ? drawn + "_" : drawn;
                String base = validBody(r);
                yield bad(index, "unknown field", "{" + quote(name) + ":" + value(r, 0) + "," + base.substring(1), "unknown field '");
            }
            case "unknown command" -> unknownCommand(r, index);
            case "unknown pool" -> new FuzzedBody(index, "unknown pool", utf8("{\"command\":" + quote(unknownCommand(r))
                    + ",\"pool\":" + quote(unknownName(r)) + "}"), JSON, r.nextBoolean(), 0, null, null);
            case "unknown strategy" -> new FuzzedBody(index, "unknown strategy", utf8("{\"command\":" + quote(unknownCommand(r))
                    + ",\"strategy\":" + quote(unknownName(r)) + "}"), JSON, r.nextBoolean(), 0, null, null);
            case "content type" -> {
                String[] types = {null, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                    "application/jsonp", "application/json; charset=iso-8859-1", "application/xml", "*/*", "json"};
                String type = types[r.nextInt(types.length)];
                yield new FuzzedBody(index, "content type", utf8(validBody(r)), type, r.nextBoolean(), 400, "BAD_REQUEST", "Content-Type",
                        r.nextInt(3) == 0);
            }
            case "empty" -> bad(index, "empty", List.of("", " ", "\r\n", "\t \n ").get(r.nextInt(4)), "the body is empty");
            case "not an object" -> bad(index, "not an object", List.of("[]", "[{\"command\":\"echo\"}]", "\"echo\"", "42", "null",
                    "true", "-0.5e3", "[" + value(r, 0) + "]", quote(name(r))).get(r.nextInt(9)), "the body must be a JSON object, not ");
            case "random bytes" -> {
                byte[] b = new byte[r.nextInt(300) + 1];
                if (r.nextBoolean()) {
                    r.nextBytes(b);
                } else {
                    String alphabet = "{}[]\":,0123456789.-eEtrufalsn \\u\n";
                    for (int i = 0; i < b.length; i++) {
                        b[i] = (byte) alphabet.charAt(r.nextInt(alphabet.length()));
                    }
                }
                yield new FuzzedBody(index, "random bytes", b, JSON, r.nextBoolean(), 400, "BAD_REQUEST", null);
            }
            case "strict JSON" -> strictJson(r, index);
            case "bad session" -> bad(index, "bad session", "{\"command\":\"echo\",\"session\":"
                    + quote(r.nextBoolean() ? "" : "s".repeat(257 + r.nextInt(5000))) + "}", "session: must be 1-256 characters");
            default -> throw new IllegalStateException(CATEGORIES[c]);
        };
    }

    private static FuzzedBody oversized(Random r, int index) {
        if (r.nextInt(5) == 0) { // exactly at the limit: read whole, parsed, refused by the worker
            String command = unknownCommand(r);
            String head = "{\"command\":" + quote(command) + ",\"args\":{\"s\":\"";
            String body = head + "a".repeat(LIMIT - head.length() - 3) + "\"}}";
            return new FuzzedBody(index, "at the limit", utf8(body), JSON, r.nextBoolean(), 0, null, command);
        }
        int size = LIMIT + 1 + r.nextInt(r.nextBoolean() ? 16 : LIMIT);
        byte[] b = new byte[size];
        if (r.nextBoolean()) {
            byte[] head = utf8("{\"command\":\"echo\",\"args\":{\"s\":\"");
            System.arraycopy(head, 0, b, 0, head.length);
            java.util.Arrays.fill(b, head.length, size - 3, (byte) 'a');
            b[size - 3] = '"';
            b[size - 2] = '}';
            b[size - 1] = '}';
        } else {
            r.nextBytes(b);
        }
        return new FuzzedBody(index, "oversized", b, JSON, r.nextBoolean(), 413, "PAYLOAD_TOO_LARGE", "larger than", r.nextInt(3) == 0);
    }

    private static FuzzedBody mutated(Random r, int index) {
        byte[] base = utf8(validBody(r));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(base);
        byte[] b = out.toByteArray();
        for (int m = 1 + r.nextInt(4); m > 0; m--) {
            int at = r.nextInt(b.length);
            b = switch (r.nextInt(4)) {
                case 0 -> splice(b, at, 1, new byte[0]);                                    // delete a byte
                case 1 -> splice(b, at, 0, new byte[] {(byte) MUTATIONS.charAt(r.nextInt(MUTATIONS.length()))});
                case 2 -> splice(b, at, 1, new byte[] {(byte) r.nextInt(256)});             // replace a byte
                default -> splice(b, at, 0, java.util.Arrays.copyOfRange(b, r.nextInt(b.length), b.length)); // duplicate a tail
            };
            if (b.length == 0) {
                b = new byte[] {'{'};
            }
        }
        return new FuzzedBody(index, "mutated", b, JSON, r.nextBoolean(), 0, null, null);
    }

    private static FuzzedBody deep(Random r, int index) {
        int depth = List.of(129, 200, 1000, 100_000).get(r.nextInt(4));
        String open = r.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        StringBuilder s = new StringBuilder("{\"command\":\"echo\",\"args\":{\"x\":");
        s.append(open.repeat(depth)).append("1");
        if (r.nextBoolean()) {
            s.append(close.repeat(depth)).append("}}");
        }
        return bad(index, "deep nesting", s.toString(), "nested deeper than 128 levels");
    }

    private static FuzzedBody hugeNumber(Random r, int index) {
        String number = switch (r.nextInt(4)) {
            case 0 -> (r.nextBoolean() ? "-" : "") + (1 + r.nextInt(9)) + digits(r, 1000 + r.nextInt(4000));
            case 1 -> "0." + digits(r, 1000 + r.nextInt(4000));
            case 2 -> "1" + digits(r, 5) + "e" + (r.nextBoolean() ? "" : "+") + (309 + r.nextInt(1_000_000_000));
            default -> "-7.5e-" + (330 + r.nextInt(1_000_000));
        };
        String where = switch (r.nextInt(4)) {
            case 0 -> "{\"command\":" + number + "}";
            case 1 -> "{\"command\":\"echo\",\"priority\":" + number + "}";
            case 2 -> "{\"command\":\"echo\",\"args\":[" + number + "]}";
            default -> "{\"command\":\"echo\",\"args\":{\"n\":" + number + "}}";
        };
        boolean tooLong = number.length() > 1000;
        return bad(index, "huge number", where, tooLong ? "a number of " + number.length() + " characters" : "beyond the range of a 64-bit float");
    }

    private static FuzzedBody invalidUtf8(Random r, int index) {
        byte[][] sequences = {
            {(byte) 0xff}, {(byte) 0xfe}, {(byte) 0x80}, {(byte) 0xbf}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xc1, (byte) 0xbf},
            {(byte) 0xe2, (byte) 0x82}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xe0, (byte) 0x80, (byte) 0xaf}, {(byte) 0xc3}};
        byte[] base = utf8(validBody(r));
        int at;
        do {
            at = r.nextInt(base.length + 1);
        } while (at < base.length && (base[at] & 0xc0) == 0x80); // on a character's first byte: the error is exactly there
        byte[] b = splice(base, at, 0, sequences[r.nextInt(sequences.length)]);
        return new FuzzedBody(index, "invalid UTF-8", b, JSON, r.nextBoolean(), 400, "BAD_REQUEST",
                "the body is not valid UTF-8 at byte " + at + " ");
    }

    private static FuzzedBody wrongType(Random r, int index) {
        String field = FIELDS.get(r.nextInt(FIELDS.size()));
        String[] wrong = field.equals("args")
                ? new String[] {"[]", "[1,2]", "\"text\"", "7", "true", "false", "-0.0"}
                : new String[] {"[]", "[\"echo\"]", "{}", "{\"name\":\"echo\"}", "7", "-1.5e3", "true", "false"};
        String value = wrong[r.nextInt(wrong.length)];
        String body = field.equals("command") ? "{\"command\":" + value + "}" : "{\"command\":\"echo\"," + quote(field) + ":" + value + "}";
        if (field.equals("command") && r.nextInt(4) == 0) {
            return bad(index, "wrong type", r.nextBoolean() ? "{\"command\":null}" : "{\"args\":{}}", "command: missing");
        }
        if (field.equals("priority") && r.nextInt(3) == 0) {
            return bad(index, "wrong type", "{\"command\":\"echo\",\"priority\":" + quote(name(r) + "!") + "}", "priority: unknown value");
        }
        return bad(index, "wrong type", body, field + ": must be a");
    }

    private static FuzzedBody unknownCommand(Random r, int index) {
        if (r.nextInt(3) == 0) { // not even a command name: refused before any worker sees it
            String name = List.of("", " ", "rm -rf /", "echo;ls", "1abc", "é", "x".repeat(129), "a/b", "\u0000", "echo\n")
                    .get(r.nextInt(10));
            return bad(index, "unknown command", "{\"command\":" + quote(name) + "}", "command: must be 1-128 characters");
        }
        String command = unknownCommand(r);
        String args = r.nextBoolean() ? value(r, 0) : "{\"deep\":" + "[".repeat(120) + "1" + "]".repeat(120)
                + ",\"big\":" + "9".repeat(1000) + ",\"s\":\"\\u0000\\ud83d\\ude00<&>'\"}";
        if (!args.startsWith("{")) {
            args = "{\"v\":" + args + "}";
        }
        // a worker answers 422 WORKER_ERROR naming the command (or a router that knows better, a 4xx naming it)
        return new FuzzedBody(index, "unknown command", utf8("{\"command\":" + quote(command) + ",\"args\":" + args + "}"),
                JSON, r.nextBoolean(), 0, null, command);
    }

    private static FuzzedBody strictJson(Random r, int index) {
        String[] bodies = {
            "{command:\"echo\"}", "{'command':'echo'}", "{\"command\":'echo'}", "{\"command\":\"echo\",}",
            "{\"command\":\"echo\"}}", "{\"command\":\"echo\"} {\"command\":\"echo\"}", "{\"command\":\"echo\"}//c",
            "/*c*/{\"command\":\"echo\"}", "# c\n{\"command\":\"echo\"}", "{\"command\":\"echo\",\"args\":{\"x\":NaN}}",
            "{\"command\":\"echo\",\"args\":{\"x\":Infinity}}", "{\"command\":\"echo\",\"args\":{\"x\":-Infinity}}",
            "{\"command\":\"echo\",\"args\":{\"x\":01}}", "{\"command\":\"echo\",\"args\":{\"x\":.5}}",
            "{\"command\":\"echo\",\"args\":{\"x\":+1}}", "{\"command\":\"echo\",\"args\":{\"x\":0x10}}",
            "{\"command\":\"echo\",\"args\":{\"x\":1.}}", "{\"command\":\"echo\",\"args\":{\"x\":[1,2,]}}",
            "{\"command\":\"echo\",\"args\":{\"x\":undefined}}", "{\"command\":\"echo\";\"args\":{}}",
            "{\"command\"=\"echo\"}", "{\"command\"=>\"echo\"}", ")]}'\n{\"command\":\"echo\"}", "\uFEFF{\"command\":\"echo\"}",
            "{\"command\":\"ec\u0001ho\"}", "{\"command\":\"echo\",\"args\":{\"s\":\"a\tb\"}}", "{\"command\":\"ec\\xho\"}",
            "{\"command\":\"echo\",\"args\":{\"s\":\"\\u12G4\"}}", "{\"command\":\"echo\",\"args\":{\"s\":\"\\ud800\"}}",
            "{\"command\":\"echo\",\"args\":{\"s\":\"\\udfff\\ud800\"}}", "{\"command\":\"echo\",\"command\":\"crash\"}",
            "{\"command\":\"echo\",\"args\":{\"a\":1,\"a\":2}}", "{\"command\":\"echo\",\"args\":{\"x\":tRue}}",
            "{\"command\":\"echo\",\"args\":{\"x\":nul}}", "{\"command\":\"echo\" \"args\":{}}", "{\"command\" \"echo\"}",
            "{\"command\":\"echo\",\"args\":{\"x\":1 2}}", "{\"command\":\"echo\",\"args\":{\"x\":\"a\" \"b\"}}",
            "{\"command\":\"echo\",\"args\":{\"x\":--1}}", "{\"command\":\"echo\",\"args\":{\"x\":1e}}",
            "{\"command\":\"echo\",\"args\":{\"x\":1e+}}", "{\"command\":\"echo\",\"args\":{1:2}}", "{,}", "{\"command\"}",
            "{\"command\":}", "{:\"echo\"}", "{\"\":\"echo\"}"};
        String body = bodies[r.nextInt(bodies.length)];
        String says = body.equals("{\"\":\"echo\"}") ? "unknown field" : null;
        return new FuzzedBody(index, "strict JSON", utf8(body), JSON, r.nextBoolean(), 400, "BAD_REQUEST", says);
    }

    // ------------------------------------------------------------------ pieces

    /** A valid request for a command no worker has, with varied arguments. */
    private static String validBody(Random r) {
        StringBuilder s = new StringBuilder("{\"command\":").append(quote(unknownCommand(r)));
        s.append(",\"args\":{");
        for (int i = r.nextInt(4); i > 0; i--) {
            s.append(quote("a" + i)).append(':').append(value(r, 0)).append(i > 1 ? "," : "");
        }
        s.append('}');
        if (r.nextBoolean()) {
            s.append(",\"session\":").append(quote("s-" + r.nextInt(1000)));
        }
        if (r.nextBoolean()) {
            s.append(",\"priority\":").append(quote(List.of("high", "normal", "low").get(r.nextInt(3))));
        }
        if (r.nextInt(4) == 0) {
            s.append(",\"pool\":\"general_pool\"");
        }
        return s.append('}').toString();
    }

    /** {@code fz_} and letters: never the name of a command. */
    private static String unknownCommand(Random r) {
        StringBuilder s = new StringBuilder("fz_");
        for (int i = 3 + r.nextInt(10); i > 0; i--) {
            s.append((char) ('a' + r.nextInt(26)));
        }
        return s.toString();
    }

    /** Neither a pool nor a strategy (those are lower case with '_' only). */
    private static String unknownName(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> "";
            case 1 -> "General_Pool";
            case 2 -> "x".repeat(300 + r.nextInt(3000));
            case 3 -> "pool \"quoted\" <b>&amp;</b>";
            case 4 -> name(r) + "-" + r.nextInt(100);
            default -> "général_😀";
        };
    }

    private static String name(Random r) {
        StringBuilder s = new StringBuilder();
        for (int i = 1 + r.nextInt(12); i > 0; i--) {
            s.appendCodePoint(r.nextInt(5) == 0 ? 0xe0 + r.nextInt(0x100) : 'a' + r.nextInt(26));
        }
        return s.toString();
    }

    private static String value(Random r, int depth) {
        return switch (r.nextInt(depth > 2 ? 6 : 8)) {
            case 0 -> "null";
            case 1 -> r.nextBoolean() ? "true" : "false";
            case 2 -> Long.toString(r.nextLong());
            case 3 -> Double.toString(r.nextGaussian() * Math.pow(10, r.nextInt(200) - 100));
            case 4 -> quote(name(r));
            case 5 -> quote("\u0000 \" \\ \n 😀 é <script>");
            case 6 -> {
                StringBuilder s = new StringBuilder("[");
                for (int i = r.nextInt(4); i > 0; i--) {
                    s.append(value(r, depth + 1)).append(i > 1 ? "," : "");
                }
                yield s.append(']').toString();
            }
            default -> {
                StringBuilder s = new StringBuilder("{");
                for (int i = r.nextInt(4); i > 0; i--) {
                    s.append(quote("k" + i)).append(':').append(value(r, depth + 1)).append(i > 1 ? "," : "");
                }
                yield s.append('}').toString();
            }
        };
    }

    private static String digits(Random r, int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append((char) ('0' + r.nextInt(10)));
        }
        return s.toString();
    }

    /** A JSON string literal. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    private static FuzzedBody bad(int index, String category, String body, String says) {
        return new FuzzedBody(index, category, utf8(body), JSON, index % 2 == 0, 400, "BAD_REQUEST", says);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The start of the body, printable, for a report. */
    String excerpt() {
        String text = new String(body, 0, Math.min(body.length, 160), StandardCharsets.UTF_8);
        StringBuilder s = new StringBuilder();
        text.codePoints().forEach(cp -> s.append(cp < 0x20 || cp == 0xfffd ? String.format("\\x%02x", cp & 0xff) : Character.toString(cp)));
        return s + (body.length > 160 ? "… (" + body.length + " bytes)" : "");
    }
}
