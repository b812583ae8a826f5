package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void defaults() {
        Settings s = new Settings(Map.of(), new Properties());
        assertEquals(Path.of("").toAbsolutePath(), s.home);
        assertEquals(8080, s.httpPort);
        assertEquals("127.0.0.1", s.httpHost);
        assertEquals("pooler", s.consoleUser);
        assertTrue(s.consolePassword.isEmpty());
        assertEquals("python3", s.python);
        assertEquals("http://127.0.0.1:8080/system/console", s.consoleUrl());
    }

    @Test
    void environmentThenSystemPropertiesOverride() {
        Map<String, String> env = Map.of("POOLER_HOME", "/srv/pooler", "POOLER_HTTP_PORT", "9090",
                "POOLER_HTTP_HOST", "0.0.0.0", "POOLER_CONSOLE_USER", "ops",
                "POOLER_CONSOLE_PASSWORD", "s3cret", "POOLER_PYTHON", "/usr/bin/python3.11");
        Properties sys = new Properties();
        sys.setProperty("pooler.http.port", "9191");
        Settings s = new Settings(env, sys);
        assertEquals(Path.of("/srv/pooler"), s.home);
        assertEquals(9191, s.httpPort);
        assertEquals("0.0.0.0", s.httpHost);
        assertEquals("ops", s.consoleUser);
        assertEquals("s3cret", s.consolePassword.orElseThrow());
        assertEquals("/usr/bin/python3.11", s.python);
        assertEquals("http://127.0.0.1:9191/system/console", s.consoleUrl(), "a wildcard bind is shown as loopback");
    }

    @Test
    void refusesABadPortAndAHomeWithAComma() {
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                () -> new Settings(Map.of("POOLER_HTTP_PORT", "http"), new Properties()));
        assertTrue(port.getMessage().contains("POOLER_HTTP_PORT"), port.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Settings(Map.of("POOLER_HOME", "/tmp/a,b"), new Properties()));
    }

    @Test
    void aPasswordOnTheCommandLineIsRefused() {
        for (String key : new String[] {"pooler.console.password", "felix.webconsole.password", "POOLER_CONSOLE_PASSWORD"}) {
            Properties sys = new Properties();
            sys.setProperty(Settings.HOME, "/srv/pooler");
            sys.setProperty(key, "a-long-enough-secret");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Settings(Map.of("POOLER_CONSOLE_PASSWORD", "another-long-secret"), sys), key);
            assertTrue(e.getMessage().startsWith("-D" + key + " puts the Web Console password on the command line"), e.getMessage());
            assertTrue(e.getMessage().contains("(ps)"), e.getMessage());
            assertTrue(e.getMessage().contains("set POOLER_CONSOLE_PASSWORD in the environment"), e.getMessage());
            assertTrue(e.getMessage().contains("/srv/pooler/console.password"), e.getMessage());
            assertFalse(e.getMessage().contains("a-long-enough-secret"), "the message never repeats the password");
        }
    }

    @Test
    void theConsoleUserMayStillBeASystemProperty() {
        Properties sys = new Properties();
        sys.setProperty("pooler.console.user", "ops");
        assertEquals("ops", new Settings(Map.of(), sys).consoleUser);
    }
}
