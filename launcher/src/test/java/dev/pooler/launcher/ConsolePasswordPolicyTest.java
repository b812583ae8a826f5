package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class ConsolePasswordPolicyTest {

    /** What the Web Console falls back to without configuration: admin, unsalted SHA-256. */
    private static final String FELIX_DEFAULT_HASH = "{sha-256}jGl25bVBBBW96Qi9Te4V37Fnqchz/Eu4qB9vKrRIqRg=";

    private static String why(String user, String password) {
        return ConsolePasswordPolicy.weakness(user, password).orElseThrow(
                () -> new AssertionError(user + "/" + password + " should be refused"));
    }

    @Test
    void adminAdminInAnyCaseIsRefused() {
        for (String[] c : new String[][] {{"admin", "admin"}, {"ADMIN", "Admin"}, {"Admin", "aDmIn"}}) {
            assertTrue(why(c[0], c[1]).contains("admin/admin"), c[0] + "/" + c[1]);
        }
    }

    @Test
    void aPasswordEqualToTheUserNameIsRefused() {
        assertTrue(why("operations-team", "operations-team").contains("user name"));
        assertTrue(why("operations-team", "OPERATIONS-TEAM").contains("user name"));
    }

    @Test
    void aPasswordShorterThanTwelveCharactersIsRefused() {
        assertTrue(why("pooler", "s3cret").contains("shorter than 12"));
        assertTrue(why("pooler", "elevenchars").contains("shorter than 12"));
        assertTrue(why("pooler", "ünïcödé✓✓✓✓").contains("shorter than 12"), "counted in characters, not bytes");
        assertEquals(Optional.empty(), ConsolePasswordPolicy.weakness("pooler", "twelve chars"));
        assertEquals(Optional.empty(), ConsolePasswordPolicy.weakness("admin", "correct horse battery"),
                "admin as a user name is fine with a strong password");
    }

    @Test
    void theReasonNeverQuotesThePassword() {
        assertFalse(why("pooler", "hunter2").contains("hunter2"));
    }

    @Test
    void aHashedPasswordIsCheckedForWhatCanBeRecognised() {
        assertTrue(why("admin", FELIX_DEFAULT_HASH).contains("admin/admin"), "the console's own default hash");
        assertTrue(why("Admin", salted("ADMIN")).contains("admin/admin"));
        assertTrue(why("operations", salted("operations")).contains("user name"));
        assertEquals(Optional.empty(), ConsolePasswordPolicy.weakness("admin", salted("correct horse battery")));
        assertTrue(why("pooler", "{no-such-digest}abc").contains("no-such-digest"), "unusable: no one could log in");
    }

    private static String salted(String password) {
        return "{sha-256}0a1b2c3d4e5f6a7b-1000-" + ConsoleCredentials.hash("sha-256", "0a1b2c3d4e5f6a7b", password, 1000);
    }
}
