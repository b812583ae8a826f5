package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleCredentialsTest {

    @TempDir
    Path home;

    private Settings settings(Map<String, String> env) {
        Properties sys = new Properties();
        sys.setProperty(Settings.HOME, home.toString());
        return new Settings(env, sys);
    }

    @Test
    void generatesOnceStoresOwnerOnlyAndReuses() throws Exception {
        ConsoleCredentials first = ConsoleCredentials.resolve(settings(Map.of()));
        assertEquals(ConsoleCredentials.Source.GENERATED, first.source);
        assertEquals("pooler", first.user);
        assertTrue(first.password.length() >= 20, first.password);
        Path file = home.resolve("console.password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        ConsoleCredentials second = ConsoleCredentials.resolve(settings(Map.of()));
        assertEquals(ConsoleCredentials.Source.STORED, second.source);
        assertEquals(first.password, second.password);
    }

    @Test
    void tightensAStoredFileReadableByOthers() throws Exception {
        Path file = home.resolve("console.password");
        Files.writeString(file, "my own long password\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        ConsoleCredentials stored = ConsoleCredentials.resolve(settings(Map.of()));
        assertEquals("my own long password", stored.password);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void environmentPasswordWinsAndWritesNothing() throws Exception {
        ConsoleCredentials env = ConsoleCredentials.resolve(settings(
                Map.of("POOLER_CONSOLE_USER", "ops", "POOLER_CONSOLE_PASSWORD", "correct horse")));
        assertEquals(ConsoleCredentials.Source.ENVIRONMENT, env.source);
        assertEquals("ops", env.user);
        assertFalse(Files.exists(home.resolve("console.password")));
    }

    @Test
    void aWeakEnvironmentPasswordStopsTheLaunchAndSaysHowToFixIt() {
        for (Map<String, String> env : java.util.List.of(
                Map.of("POOLER_CONSOLE_USER", "admin", "POOLER_CONSOLE_PASSWORD", "ADMIN"),
                Map.of("POOLER_CONSOLE_USER", "operations-team", "POOLER_CONSOLE_PASSWORD", "operations-team"),
                Map.of("POOLER_CONSOLE_PASSWORD", "s3cret-pw"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ConsoleCredentials.resolve(settings(env)), env.toString());
            String message = e.getMessage();
            assertTrue(message.startsWith("POOLER_CONSOLE_PASSWORD is too weak: "), message);
            assertTrue(message.contains("Set POOLER_CONSOLE_PASSWORD to 12 or more characters"), message);
            assertTrue(message.contains("or unset it to have a strong one generated"), message);
            assertFalse(message.contains("s3cret-pw"), message);
            assertFalse(Files.exists(home.resolve("console.password")));
        }
    }

    @Test
    void aWeakPasswordFileStopsTheLaunchAndSaysHowToFixIt() throws Exception {
        Path file = home.resolve("console.password");
        Files.writeString(file, "admin\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConsoleCredentials.resolve(settings(Map.of("POOLER_CONSOLE_USER", "admin"))));
        assertTrue(e.getMessage().startsWith(file + " holds a weak Web Console password: admin/admin"), e.getMessage());
        assertTrue(e.getMessage().contains("or delete it to have a strong one generated"), e.getMessage());
        assertEquals("admin\n", Files.readString(file), "the user's file is left as it is");
    }

    /** The salted form we pass must be accepted by the Web Console we ship (its own Password class). */
    @Test
    void hashedPasswordIsUnderstoodByTheWebConsole() throws Exception {
        ConsoleCredentials c = ConsoleCredentials.resolve(settings(Map.of("POOLER_CONSOLE_PASSWORD", "p{a}ss wörd 1234")));
        String hashed = c.hashedPassword();
        assertTrue(hashed.startsWith("{sha-256}"), hashed);
        assertFalse(hashed.contains("p{a}ss"), "the plain password never becomes a framework property");
        assertNotEquals(hashed, c.hashedPassword(), "salted");

        Class<?> type = Class.forName("org.apache.felix.webconsole.internal.servlet.Password");
        Constructor<?> constructor = type.getDeclaredConstructor(String.class);
        constructor.setAccessible(true);
        Object password = constructor.newInstance(hashed);
        Method matches = type.getDeclaredMethod("matches", byte[].class);
        matches.setAccessible(true);
        assertTrue((Boolean) matches.invoke(password, (Object) "p{a}ss wörd 1234".getBytes(StandardCharsets.UTF_8)));
        assertFalse((Boolean) matches.invoke(password, (Object) "admin".getBytes(StandardCharsets.UTF_8)));
    }
}
