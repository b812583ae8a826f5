package dev.pooler.core.impl.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hot path's parser against Gson's: the same tree, read and written back the same, or it declines. */
class ReplyJsonTest {

    private static void same(String json) {
        JsonElement gson = JsonParser.parseString(json);
        JsonElement ours = ReplyJson.parse(json, 0, json.length());
        assertNotNull(ours, "declined: " + json);
        assertEquals(gson, ours, json);
        assertEquals(gson.toString(), ours.toString(), json);
    }

    @Test
    void readsWhatTheRuntimeWritesAsGsonDoes() {
        for (String json : List.of("{}", "[]", "0", "-0", "7", "-12", "3.25", "-0.5", "1e5", "1.5E-7", "2E+3",
                "12345678901234567890123", "0.0000001", "true", "false", "null", "\"\"", "\"plain\"",
                "\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00\"", "\"raw é 😀\"",
                "{\"msg\":\"hello\"}", "{\"a\":[1,2.5,{\"b\":null}],\"c\":{\"d\":[[]],\"e\":{}}}", " { \"a\" : [ 1 , 2 ] } ",
                "{\"a\":1,\"a\":2}", "[\"x\",true,false,null,-1.0e-2]")) {
            same(json);
        }
    }

    @Test
    void numbersReadTheSameWhicheverParserReadThem() {
        for (String n : List.of("42", "-7", "3000000000", "2.5", "1e3", "99999999999999999999")) {
            JsonPrimitive gson = JsonParser.parseString(n).getAsJsonPrimitive();
            JsonPrimitive ours = ReplyJson.parse(n, 0, n.length()).getAsJsonPrimitive();
            assertEquals(gson.getAsDouble(), ours.getAsDouble(), n);
            assertEquals(gson.getAsLong(), ours.getAsLong(), n);
            assertEquals(gson.getAsInt(), ours.getAsInt(), n);
            assertEquals(gson.getAsBigDecimal(), ours.getAsBigDecimal(), n);
            assertEquals(gson.hashCode(), ours.hashCode(), n);
        }
    }

    @Test
    void randomTreesRoundTrip() {
        Random r = new Random(11);
        for (int i = 0; i < 2000; i++) {
            same(tree(r, 0).toString());
        }
    }

    @Test
    void declinesWhatIsNotStrictJsonSoGsonDecides() {
        for (String json : List.of("NaN", "-Infinity", "[1,NaN]", "'single'", "{a:1}", "01", "1.", ".5", "1e", "-",
                "tru", "truex", "[1,]", "{\"a\":1,}", "[1 2]", "1,\"x\":2", "\"unterminated", "\"bad \\x escape\"",
                "\"ctl \u0001\"", "", "   ", "[" .repeat(ReplyJson.MAX_DEPTH + 2) + "]".repeat(ReplyJson.MAX_DEPTH + 2))) {
            assertNull(ReplyJson.parse(json, 0, json.length()), json);
        }
    }

    @Test
    void readsOnlyItsRegion() {
        String line = "{\"id\":5,\"ok\":true,\"result\":[1,\"a\"]}";
        int from = line.indexOf("[");
        assertEquals(JsonParser.parseString("[1,\"a\"]"), ReplyJson.parse(line, from, line.length() - 1));
    }

    private static JsonElement tree(Random r, int depth) {
        int kind = depth > 4 ? r.nextInt(4) : r.nextInt(6);
        switch (kind) {
            case 0:
                return new JsonPrimitive(r.nextBoolean() ? r.nextLong() >> r.nextInt(60) : r.nextInt(1000));
            case 1:
                return new JsonPrimitive(r.nextDouble() * Math.pow(10, r.nextInt(20) - 10) * (r.nextBoolean() ? 1 : -1));
            case 2:
                return new JsonPrimitive(text(r));
            case 3:
                return r.nextBoolean() ? new JsonPrimitive(r.nextBoolean()) : com.google.gson.JsonNull.INSTANCE;
            case 4: {
                JsonArray a = new JsonArray();
                for (int i = r.nextInt(5); i > 0; i--) {
                    a.add(tree(r, depth + 1));
                }
                return a;
            }
            default: {
                JsonObject o = new JsonObject();
                for (int i = r.nextInt(5); i > 0; i--) {
                    o.add(text(r), tree(r, depth + 1));
                }
                return o;
            }
        }
    }

    private static String text(Random r) {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(12); i > 0; i--) {
            int pick = r.nextInt(10);
            sb.append(pick < 6 ? (char) ('a' + r.nextInt(26)) : pick < 8 ? (char) r.nextInt(0x20) : pick < 9 ? '"' : (char) (0x80 + r.nextInt(0x3000)));
        }
        return sb.toString();
    }
}
