package dev.pooler.webconsole.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.RequestPriority;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExecuteCallTest {

    private static final String MUTATIONS = "{}[],:\"\\01-e.tnf \u0000é";

    @Test
    void readsEveryField() {
        Request r = ExecuteCall.parse("{\"command\":\"embed\",\"args\":{\"text\":\"hi\"},\"session\":\"s1\","
                + "\"pool\":\"embedding_pool\",\"strategy\":\"p2c\",\"priority\":\"high\",\"retryable\":true}");
        assertEquals("embed", r.command());
        assertEquals("hi", r.args().get("text").getAsString());
        assertEquals("s1", r.sessionId());
        assertEquals("embedding_pool", r.pool());
        assertEquals("p2c", r.strategy());
        assertEquals(RequestPriority.HIGH, r.priority());
        assertTrue(r.retryable());
    }

    @Test
    void onlyTheCommandIsRequired() {
        Request r = ExecuteCall.parse("{\"command\":\"echo\"}");
        assertEquals(0, r.args().size());
        assertNull(r.pool());
        assertEquals(RequestPriority.NORMAL, r.priority());
        assertFalse(r.retryable());
    }

    @Test
    void aBadBodySaysWhatIsWrong() {
        assertMessage("", "the body is empty");
        assertMessage("{\"command\":", "the body is not valid JSON");
        assertMessage("[1,2]", "the body must be a JSON object, not an array");
        assertMessage("{}", "command: missing");
        assertMessage("{\"command\":5}", "command: must be a string, not a number");
        assertMessage("{\"command\":\"echo\",\"args\":[1]}", "args: must be a JSON object, not an array");
        assertMessage("{\"command\":\"echo\",\"priority\":\"urgent\"}", "priority: unknown value 'urgent'");
        assertMessage("{\"comand\":\"echo\"}", "unknown field 'comand'");
        assertMessage("{\"command\":\"echo\",\"retryable\":\"yes\"}", "retryable: must be true or false, not a string");
        assertMessage("{\"command\":\"echo\",\"retryable\":1}", "retryable: must be true or false, not a number");
        assertMessage("{\"command\":\"rm -rf /\"}", "command: must be 1-128 characters");
        for (String field : new String[] {"session", "pool", "strategy", "priority"}) {
            assertMessage("{\"command\":\"echo\",\"" + field + "\":[]}", field + ": must be a string, not an array");
            assertMessage("{\"command\":\"echo\",\"" + field + "\":true}", field + ": must be a string, not a boolean");
        }
    }

    @Test
    void onlyStrictJsonIsAccepted() {
        assertMessage("{command:\"echo\"}", "the body is not valid JSON: expected a field name in double quotes but found 'c' at line 1, column 2");
        assertMessage("{'command':'echo'}", "the body is not valid JSON: expected a field name in double quotes but found '''");
        assertMessage("{\"command\":\"echo\",\"args\":{\"x\":NaN}}", "the body is not valid JSON: expected a value but found 'N' at line 1, column 31 (in args.x)");
        assertMessage("{\"command\":\"echo\",\"args\":{\"x\":[1,]}}", "the body is not valid JSON: expected a value but found ']'");
        assertMessage("{\"command\":\"echo\",}", "the body is not valid JSON: expected a field name in double quotes but found '}'");
        assertMessage("{\"command\":\"echo\"} {}", "the body is not valid JSON: unexpected '{' after the end of the JSON value");
        assertMessage("{\"command\":\"echo\"}/*c*/", "the body is not valid JSON: unexpected '/' after the end");
        assertMessage("{\"command\":\"echo\",\"args\":{\"x\":01}}", "the body is not valid JSON: a number must not start with 0");
        assertMessage("{\"command\":\"echo\",\"args\":{\"x\":1.}}", "the body is not valid JSON: a number needs digits after '.'");
        assertMessage("{\"command\":\"echo\",\"args\":{\"x\":-}}", "the body is not valid JSON: a number needs a digit after '-'");
        assertMessage("{\"command\":\"echo\",\"args\":{\"x\":1e}}", "the body is not valid JSON: a number needs digits in its exponent");
        assertMessage("{\"command\":\"echo\",\"args\":{\"x\":tru}}", "the body is not valid JSON: expected a value but found 't'");
        assertMessage("{\"command\":\"ec\nho\"}", "the body is not valid JSON: a control character (U+000A) in a string");
        assertMessage("{\"command\":\"ec\\qho\"}", "the body is not valid JSON: an invalid escape 'q'");
        assertMessage("{\"command\":\"ec\\u12\"}", "the body is not valid JSON: \\u must be followed by four hex digits");
        assertMessage("{\"command\":\"echo", "the body is not valid JSON: a string that is never closed");
        assertMessage("{\"command\":\"echo\"", "the body is not valid JSON: the body ends inside an object; expected ',' or '}'");
        assertMessage("{\"command\"  \"echo\"}", "the body is not valid JSON: expected ':' after the field name");
        assertMessage("\uFEFF{\"command\":\"echo\"}", "the body is not valid JSON: expected a value but found U+FEFF");
        assertMessage("{\"command\":\"echo\",\n \"args\": {\"a\": [1, 2 3]}}", "the body is not valid JSON: expected ',' or ']' but found '3' at line 2, column 22 (in args.a[2])");
    }

    @Test
    void deepNestingIsRefusedWithoutRecursion() {
        String deep = "{\"command\":\"echo\",\"args\":{\"x\":" + "[".repeat(100_000);
        assertMessage(deep, "the body is refused: objects and arrays nested deeper than 128 levels at line 1, column 157 (in args.x[0][0]");
        String allowed = "{\"command\":\"echo\",\"args\":{\"x\":" + "[".repeat(126) + "]".repeat(126) + "}}";
        assertEquals(126, depth(ExecuteCall.parse(allowed).args().get("x")));
        assertMessage("{\"command\":\"echo\",\"args\":{\"x\":" + "[".repeat(127) + "]".repeat(127) + "}}", "the body is refused: objects and arrays nested deeper than 128");
    }

    @Test
    void numbersReachTheWorkerAsWrittenOrAreRefused() {
        JsonObject args = ExecuteCall.parse("{\"command\":\"echo\",\"args\":{\"a\":-0.0,\"b\":1E+2,\"c\":12345678901234567890123,"
                + "\"d\":0.1,\"e\":-7,\"f\":0e-999}}").args();
        assertEquals("{\"a\":-0.0,\"b\":1E+2,\"c\":12345678901234567890123,\"d\":0.1,\"e\":-7,\"f\":0e-999}", JsonReplies.toJson(args));
        assertEquals(-7, args.get("e").getAsInt());
        assertEquals(100.0, args.get("b").getAsDouble());
        assertEquals(new BigInteger("12345678901234567890123"), args.get("c").getAsBigInteger());
        assertEquals(new JsonPrimitive(100), args.get("b"), "equal to the same number however written");

        String longest = "9".repeat(ExecuteCall.MAX_NUMBER_CHARS);
        assertEquals(longest, ExecuteCall.parse("{\"command\":\"echo\",\"args\":{\"x\":" + longest + "}}").args().get("x").toString());
        assertMessage("{\"command\":\"echo\",\"args\":{\"x\":" + "9".repeat(5000) + "}}",
                "the body is refused: a number of 5000 characters; at most 1000 are accepted at line 1, column 31 (in args.x)");
        assertMessage("{\"command\":\"echo\",\"args\":{\"x\":1e400}}", "the body is refused: the number 1e400 is beyond the range of a 64-bit float (the worker would read infinity)");
        assertMessage("{\"command\":\"echo\",\"args\":{\"x\":-1.5e99999999999}}", "the body is refused: the number -1.5e99999999999 is beyond the range");
        assertMessage("{\"command\":\"echo\",\"args\":{\"x\":1e-400}}", "the body is refused: the number 1e-400 is beyond the range of a 64-bit float (the worker would read 0)");
    }

    @Test
    void stringsAreNeverAltered() {
        JsonObject args = ExecuteCall.parse("{\"command\":\"echo\",\"args\":{\"s\":\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00ü😀\"}}").args();
        assertEquals("a\"\\/\b\f\n\r\té😀ü😀", args.get("s").getAsString());
        assertMessage("{\"command\":\"echo\",\"args\":{\"s\":\"\\ud800\"}}", "the body is refused: an unpaired surrogate \\ud800 in a string (it is no character) at line 1, column 32 (in args.s)");
        assertMessage("{\"command\":\"echo\",\"args\":{\"s\":\"\\ud800\\u0041\"}}", "the body is refused: an unpaired surrogate \\ud800");
        assertMessage("{\"command\":\"echo\",\"args\":{\"s\":\"x\\udc00\"}}", "the body is refused: an unpaired surrogate \\udc00");
    }

    @Test
    void aDuplicateKeyIsRefusedWhereverItIs() {
        assertMessage("{\"command\":\"echo\",\"command\":\"crash\"}", "the body is refused: a duplicate key (JSON readers disagree on which one counts) at line 1, column 19 (in command)");
        assertMessage("{\"command\":\"echo\",\"args\":{\"x\":{\"y\":1,\"y\":2}}}", "the body is refused: a duplicate key (JSON readers disagree on which one counts) at line 1, column 38 (in args.x.y)");
    }

    @Test
    void messagesQuoteOnlyABitOfWhatTheyWereGiven() {
        String key = "k".repeat(1 << 20);
        PoolerException e = assertThrows(PoolerException.class, () -> ExecuteCall.parse("{\"" + key + "\":1}"));
        assertTrue(e.getMessage().length() < 300, e.getMessage().length() + " characters");
        assertTrue(e.getMessage().startsWith("unknown field 'kkkk"), e.getMessage());
        String message = JsonReplies.error("NO_CAPABLE_POOL", "no pool '" + "x".repeat(1 << 20) + "'; pools: [a, b]")
                .getAsJsonObject("error").get("message").getAsString();
        assertTrue(message.length() < JsonReplies.MAX_MESSAGE_CHARS + 50, message.length() + " characters");
        assertTrue(message.startsWith("no pool 'xxx"), message);
        assertTrue(message.contains(" …(1046601 characters left out)… "), message);
        assertTrue(message.endsWith("xxx'; pools: [a, b]"), "the end, which often matters, is kept: " + message);
    }

    /** Whatever JSON Gson writes, the strict reader reads back equal; mutations of it are read or refused, nothing else. */
    @Test
    void readsWhatGsonWritesAndRefusesMutationsCleanly() {
        Random random = new Random(20240601L);
        for (int i = 0; i < 3000; i++) {
            JsonObject args = new JsonObject();
            for (int k = random.nextInt(5); k > 0; k--) {
                args.add("k" + random.nextInt(1000) + (char) ('a' + random.nextInt(26)), randomValue(random, 0));
            }
            String body = "{\"command\":\"echo\",\"args\":" + JsonReplies.REPLY_GSON.toJson(args) + "}";
            assertEquals(args, ExecuteCall.parse(body).args(), body);
            assertEquals(JsonParser.parseString(body).getAsJsonObject().get("args"), ExecuteCall.parse(body).args(), body);
            for (int m = 0; m < 10; m++) {
                StringBuilder mutated = new StringBuilder(body);
                int at = random.nextInt(mutated.length());
                switch (random.nextInt(3)) {
                    case 0 -> mutated.deleteCharAt(at);
                    case 1 -> mutated.insert(at, MUTATIONS.charAt(random.nextInt(MUTATIONS.length())));
                    default -> mutated.setLength(at);
                }
                try {
                    ExecuteCall.parse(mutated.toString());
                } catch (PoolerException e) {
                    assertEquals(ErrorKind.BAD_REQUEST, e.kind(), mutated.toString());
                    assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), mutated.toString());
                } catch (RuntimeException | StackOverflowError e) {
                    fail("'" + mutated + "' threw " + e, e);
                }
            }
        }
    }

    @Test
    void aBodyOverTheLimitIsRefused() throws Exception {
        byte[] big = new byte[2048];
        assertThrows(BoundedBody.TooLargeException.class, () -> BoundedBody.read(new ByteArrayInputStream(big), 2048, 1024));
        assertThrows(BoundedBody.TooLargeException.class, () -> BoundedBody.read(new ByteArrayInputStream(big), -1, 1024),
                "also without a Content-Length");
        assertEquals("{\"a\":\"ü\"}", BoundedBody.read(new ByteArrayInputStream("{\"a\":\"ü\"}".getBytes(StandardCharsets.UTF_8)), -1, 1024));
        BoundedBody exact = new BoundedBody(-1, 4);
        exact.append(new byte[] {'a', 'b'}, 0, 2);
        exact.append(new byte[] {'c', 'd'}, 0, 2);
        assertEquals("abcd", exact.text(), "exactly the limit is fine");
        assertThrows(BoundedBody.TooLargeException.class, () -> exact.append(new byte[] {'e'}, 0, 1));
    }

    @Test
    void aBodyThatIsNotUtf8IsRefusedAtItsFirstBadByte() {
        assertUtf8Refused(new byte[] {'{', '"', 'a', '"', (byte) 0xff, '}'}, "the body is not valid UTF-8 at byte 4 (0xff)");
        assertUtf8Refused(new byte[] {'a', (byte) 0xc3}, "the body is not valid UTF-8 at byte 1 (0xc3)"); // cut short
        assertUtf8Refused(new byte[] {'a', (byte) 0xc0, (byte) 0x80}, "the body is not valid UTF-8 at byte 1 (0xc0)"); // overlong
        assertUtf8Refused(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, "the body is not valid UTF-8 at byte 0 (0xed)"); // a surrogate
        assertEquals("é😀", BoundedBody.utf8("é😀".getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertUtf8Refused(byte[] bytes, String message) {
        PoolerException e = assertThrows(PoolerException.class, () -> BoundedBody.read(new ByteArrayInputStream(bytes), bytes.length, 1024));
        assertEquals(ErrorKind.BAD_REQUEST, e.kind());
        assertEquals(message, e.getMessage());
    }

    private static void assertMessage(String body, String start) {
        PoolerException e = assertThrows(PoolerException.class, () -> ExecuteCall.parse(body));
        assertEquals(ErrorKind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    private static int depth(JsonElement e) {
        int d = 0;
        while (e.isJsonArray()) {
            d++;
            e = e.getAsJsonArray().size() == 0 ? JsonNull.INSTANCE : e.getAsJsonArray().get(0);
        }
        return d;
    }

    private static JsonElement randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 4 ? 6 : 8);
        return switch (kind) {
            case 0 -> JsonNull.INSTANCE;
            case 1 -> new JsonPrimitive(random.nextBoolean());
            case 2 -> new JsonPrimitive(random.nextLong());
            case 3 -> new JsonPrimitive(random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20));
            case 4 -> new JsonPrimitive(new BigInteger(random.nextInt(900) + 1, random));
            case 5 -> {
                StringBuilder s = new StringBuilder();
                for (int i = random.nextInt(12); i > 0; i--) {
                    s.appendCodePoint(random.nextInt(4) == 0 ? random.nextInt(0x20) : random.nextInt(3) == 0 ? 0x1F600 + random.nextInt(50) : 0x20 + random.nextInt(0x3000));
                }
                yield new JsonPrimitive(s.toString());
            }
            case 6 -> {
                JsonArray a = new JsonArray();
                for (int i = random.nextInt(4); i > 0; i--) {
                    a.add(randomValue(random, depth + 1));
                }
                yield a;
            }
            default -> {
                JsonObject o = new JsonObject();
                for (int i = random.nextInt(4); i > 0; i--) {
                    o.add("f" + i, randomValue(random, depth + 1));
                }
                yield o;
            }
        };
    }
}
