package dev.pooler.webconsole.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import org.junit.jupiter.api.Test;

class ErrorStatusTest {

    @Test
    void everyKindHasItsStatus() {
        assertEquals(503, ErrorStatus.of(new PoolerException(ErrorKind.POOL_OVERLOADED, "full")));
        assertEquals(504, ErrorStatus.of(new PoolerException(ErrorKind.TIMEOUT, "slow")));
        assertEquals(404, ErrorStatus.of(new PoolerException(ErrorKind.NO_CAPABLE_POOL, "none")));
        assertEquals(400, ErrorStatus.of(new PoolerException(ErrorKind.BAD_REQUEST, "bad")));
        assertEquals(502, ErrorStatus.of(new PoolerException(ErrorKind.WORKER_CRASHED, "died")));
        assertEquals(503, ErrorStatus.of(new PoolerException(ErrorKind.SHUTTING_DOWN, "stopping")));
        for (ErrorKind k : ErrorKind.values()) {
            ErrorStatus.of(k); // every kind is mapped: the switch is exhaustive
        }
    }

    @Test
    void aWorkersOwnErrorIs422AndAnUnexpectedFailure500() {
        assertEquals(422, ErrorStatus.of(new PoolerException(ErrorKind.WORKER_ERROR, "unknown command 'x'", "general_pool")));
        assertEquals(500, ErrorStatus.of(PoolerException.of(new IllegalStateException("bug"))));
    }

    @Test
    void errorBodiesAreTyped() {
        var body = JsonReplies.error(new PoolerException(ErrorKind.TIMEOUT, "took too long", "general_pool"));
        assertEquals(false, body.get("ok").getAsBoolean());
        assertEquals("TIMEOUT", body.getAsJsonObject("error").get("kind").getAsString());
        assertEquals("took too long", body.getAsJsonObject("error").get("message").getAsString());
        assertEquals("general_pool", body.getAsJsonObject("error").get("pool").getAsString());
    }
}
