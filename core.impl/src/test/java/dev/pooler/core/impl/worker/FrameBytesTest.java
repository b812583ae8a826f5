package dev.pooler.core.impl.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameBytesTest {

    private static String text(FrameBytes f) {
        return new String(Arrays.copyOf(f.bytes(), f.length()), StandardCharsets.UTF_8);
    }

    @Test
    void buildsTheSameBytesAsAStringWouldEncode() {
        FrameBytes f = new FrameBytes();
        String big = "x".repeat(70_000);
        for (long n : new long[] {0, 7, -7, 1234567890123L, Long.MAX_VALUE, Long.MIN_VALUE}) {
            f.reset().append("{\"id\":").append(n).append(",\"args\":").append("{\"s\":\"héllo 😀 ok\"}").append('}');
            assertEquals("{\"id\":" + n + ",\"args\":{\"s\":\"héllo 😀 ok\"}}", text(f));
        }
        f.reset().append(big).append("é");
        assertEquals(big + "é", text(f));
        f.reset().append("after a big one");
        assertEquals("after a big one", text(f));
    }
}
