package dev.pooler.webconsole.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiCredentialsTest {

    /** The Web Console's hashed form, made as a user would (see the README). */
    static String hashed(String salt, int iterations, String password) throws Exception {
        return "{sha-256}" + salt + "-" + iterations + "-"
                + Base64.getEncoder().encodeToString(ConsoleCredentials.hash("sha-256", salt, password, iterations));
    }

    @Test
    void aUserAndAHashedPasswordAreTheOnlyCredentialsAccepted() throws Exception {
        ApiCredentials c = ApiCredentials.from(Map.of("user", "ops", ".password.hash", hashed("5a1t", 1000, "correct horse")));
        assertNull(c.refusal());
        assertTrue(c.credentials().accept("ops", "correct horse"));
        assertFalse(c.credentials().accept("ops", "wrong"));
        assertFalse(c.credentials().accept("admin", "correct horse"));
    }

    @Test
    void withoutTheConfigurationTheApiFallsBack() {
        assertTrue(ApiCredentials.from(null).absent());
        assertTrue(ApiCredentials.from(Map.of("service.pid", ApiCredentials.PID)).absent());
    }

    @Test
    void aBadConfigurationClosesTheApiAndSaysWhichField() throws Exception {
        assertRefused(Map.of(".password.hash", hashed("s", 1, "x")), "user is missing");
        assertRefused(Map.of("user", "ops"), ".password.hash is missing");
        assertRefused(Map.of("user", "ops", ".password.hash", "plain-secret"), ".password.hash must be hashed");
        assertRefused(Map.of("user", "ops", ".password.hash", "{nosuchdigest}s-1-AAAA"), "unknown algorithm 'nosuchdigest'");
        assertRefused(Map.of("user", "admin", ".password.hash", hashed("s", 3, "admin")), "admin/admin is never accepted");
    }

    private static void assertRefused(Map<String, ?> properties, String why) {
        ApiCredentials c = ApiCredentials.from(properties);
        assertNull(c.credentials());
        assertTrue(c.refusal().contains(why) && c.refusal().contains(ApiCredentials.PID), c.refusal());
        assertFalse(c.absent());
        assertEquals(true, c.refusal().endsWith("the Pooler API is closed"));
    }
}
