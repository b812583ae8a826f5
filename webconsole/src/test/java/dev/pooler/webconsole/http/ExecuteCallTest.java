package dev.pooler.webconsole.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.RequestPriority;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExecuteCallTest {

    @Test
    void readsEveryField() {
        Request r = ExecuteCall.parse("{\"command\":\"embed\",\"args\":{\"text\":\"hi\"},\"session\":\"s1\","
                + "\"pool\":\"embedding_pool\",\"strategy\":\"p2c\",\"priority\":\"high\"}");
        assertEquals("embed", r.command());
        assertEquals("hi", r.args().get("text").getAsString());
        assertEquals("s1", r.sessionId());
        assertEquals("embedding_pool", r.pool());
        assertEquals("p2c", r.strategy());
        assertEquals(RequestPriority.HIGH, r.priority());
    }

    @Test
    void onlyTheCommandIsRequired() {
        Request r = ExecuteCall.parse("{\"command\":\"echo\"}");
        assertEquals(0, r.args().size());
        assertNull(r.pool());
        assertEquals(RequestPriority.NORMAL, r.priority());
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
        assertMessage("{\"command\":\"rm -rf /\"}", "command: must be 1-128 characters");
    }

    private static void assertMessage(String body, String start) {
        PoolerException e = assertThrows(PoolerException.class, () -> ExecuteCall.parse(body));
        assertEquals(ErrorKind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    @Test
    void aBodyOverTheLimitIsRefused() throws Exception {
        byte[] big = new byte[2048];
        assertThrows(BoundedBody.TooLargeException.class, () -> BoundedBody.read(new ByteArrayInputStream(big), 2048, 1024));
        assertThrows(BoundedBody.TooLargeException.class, () -> BoundedBody.read(new ByteArrayInputStream(big), -1, 1024),
                "also without a Content-Length");
        assertEquals("{\"a\":\"ü\"}", BoundedBody.read(new ByteArrayInputStream("{\"a\":\"ü\"}".getBytes(StandardCharsets.UTF_8)), -1, 1024));
    }
}
