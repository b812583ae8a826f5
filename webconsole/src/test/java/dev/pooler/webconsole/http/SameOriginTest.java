package dev.pooler.webconsole.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SameOriginTest {

    static final String HOST = "127.0.0.1:8080";

    @Test
    void readsAreNeverRefused() {
        assertEquals(Optional.empty(), SameOrigin.violation("GET", "http://evil.example", null, "cross-site", HOST, "http"));
    }

    @Test
    void aSameOriginPostPasses() {
        assertEquals(Optional.empty(), SameOrigin.violation("POST", "http://127.0.0.1:8080", null, "same-origin", HOST, "http"));
        assertEquals(Optional.empty(), SameOrigin.violation("POST", null, "http://127.0.0.1:8080/system/console/pooler", null, HOST, "http"));
        assertEquals(Optional.empty(), SameOrigin.violation("POST", "http://localhost", null, null, "LOCALHOST:80", "http"));
        assertEquals(Optional.empty(), SameOrigin.violation("POST", "https://pooler.example", null, null, "pooler.example", "https"));
    }

    @Test
    void aCrossOriginPostIsRefused() {
        assertTrue(SameOrigin.violation("POST", "http://evil.example", null, null, HOST, "http").orElseThrow()
                .contains("does not match Host 127.0.0.1:8080"));
        assertTrue(SameOrigin.violation("POST", "http://127.0.0.1:9999", null, null, HOST, "http").isPresent(), "another port");
        assertTrue(SameOrigin.violation("POST", null, "http://evil.example/page", null, HOST, "http").isPresent(), "by Referer");
        assertTrue(SameOrigin.violation("POST", "null", null, null, HOST, "http").isPresent(), "opaque origin");
        assertTrue(SameOrigin.violation("POST", null, null, "cross-site", HOST, "http").isPresent(), "Sec-Fetch-Site");
        assertTrue(SameOrigin.violation("DELETE", "http://evil.example", null, null, HOST, "http").isPresent());
        assertTrue(SameOrigin.violation("POST", "http://127.0.0.1:8080@evil.example", null, null, HOST, "http").isPresent(),
                "user-info tricks name the real host");
    }

    @Test
    void aClientThatIsNotABrowserIsJudgedByItsCredentials() {
        assertEquals(Optional.empty(), SameOrigin.violation("POST", null, null, null, HOST, "http"));
    }
}
