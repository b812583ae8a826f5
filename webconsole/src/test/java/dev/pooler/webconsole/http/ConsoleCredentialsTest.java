package dev.pooler.webconsole.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Hashtable;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleCredentialsTest {

    /** The console's salted form, as the launcher writes it. */
    static String hashed(String salt, int iterations, String password) throws Exception {
        byte[] hash = ConsoleCredentials.hash("sha-256", salt, password, iterations);
        return "{sha-256}" + salt + "-" + iterations + "-" + Base64.getEncoder().encodeToString(hash);
    }

    static ConsoleCredentials resolve(Map<String, String> framework, Hashtable<String, Object> config) {
        return ConsoleCredentials.resolve(framework::get, config).orElseThrow();
    }

    @Test
    void acceptsTheHashedPasswordTheLauncherSets() throws Exception {
        ConsoleCredentials c = resolve(Map.of(ConsoleCredentials.USER_PROPERTY, "pooler",
                ConsoleCredentials.PASSWORD_PROPERTY, hashed("0a1b2c3d4e5f6a7b", 1000, "s3cret")), null);
        assertTrue(c.accept("pooler", "s3cret"));
        assertFalse(c.accept("pooler", "s3cret "));
        assertFalse(c.accept("admin", "s3cret"));
        assertFalse(c.accept("pooler", "admin"));
    }

    @Test
    void acceptsTheOlderHashFormsAndPlainPasswords() throws Exception {
        String unsalted = "{sha-256}" + Base64.getEncoder().encodeToString(ConsoleCredentials.hash("sha-256", null, "pw", 1));
        assertTrue(new ConsoleCredentials("u", unsalted).accept("u", "pw"));
        String salted = "{sha-256}abcd-" + Base64.getEncoder().encodeToString(ConsoleCredentials.hash("sha-256", "abcd", "pw", 1));
        assertTrue(new ConsoleCredentials("u", salted).accept("u", "pw"));
        assertTrue(new ConsoleCredentials("u", "plain-pw").accept("u", "plain-pw"));
        assertFalse(new ConsoleCredentials("u", "{nosuch-algo}abc").accept("u", "abc"));
    }

    @Test
    void theConsolesConfigurationTakesPrecedence() {
        Hashtable<String, Object> config = new Hashtable<>();
        config.put("username", "ops");
        config.put("password", "from-config");
        ConsoleCredentials c = resolve(Map.of(ConsoleCredentials.USER_PROPERTY, "pooler",
                ConsoleCredentials.PASSWORD_PROPERTY, "from-framework"), config);
        assertTrue(c.accept("ops", "from-config"));
        assertFalse(c.accept("pooler", "from-framework"));
    }

    @Test
    void noPasswordMeansNoCredentialsAndAdminAdminNeverWorks() throws Exception {
        assertTrue(ConsoleCredentials.resolve(Map.<String, String>of()::get, null).isEmpty());
        assertTrue(ConsoleCredentials.resolve(Map.of(ConsoleCredentials.USER_PROPERTY, "pooler")::get, null).isEmpty());
        ConsoleCredentials defaults = resolve(Map.of(ConsoleCredentials.PASSWORD_PROPERTY, "admin"), null);
        assertTrue(defaults.isDefault());
        assertFalse(defaults.accept("admin", "admin"));
        ConsoleCredentials hashedDefaults = resolve(Map.of(ConsoleCredentials.PASSWORD_PROPERTY, hashed("ab12", 1000, "admin")), null);
        assertFalse(hashedDefaults.accept("admin", "admin"));
    }

    @Test
    void parsesBasicAuthorization() {
        String header = "Basic " + Base64.getEncoder().encodeToString("pooler:pa:ss".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(new String[] {"pooler", "pa:ss"}, ConsoleCredentials.parseBasic(header).orElseThrow());
        assertTrue(ConsoleCredentials.parseBasic("Bearer abc").isEmpty());
        assertTrue(ConsoleCredentials.parseBasic("Basic !!!").isEmpty());
        assertTrue(ConsoleCredentials.parseBasic(null).isEmpty());
        assertEquals("ConsoleCredentials[user=u, password=***]", new ConsoleCredentials("u", "secret").toString());
    }
}
