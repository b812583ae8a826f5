package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BannerTest {

    @TempDir
    Path home;

    private Settings settings() {
        Properties sys = new Properties();
        sys.setProperty(Settings.HOME, home.toString());
        return new Settings(Map.of(), sys);
    }

    @Test
    void aGeneratedPasswordIsShownAtATerminal() throws Exception {
        ConsoleCredentials generated = ConsoleCredentials.resolve(settings());
        assertEquals(ConsoleCredentials.Source.GENERATED, generated.source);
        String text = Banner.text(settings(), generated, true);
        assertTrue(text.contains("password: " + generated.password), text);
    }

    @Test
    void withoutATerminalTheBannerNamesTheFileNotThePassword() throws Exception {
        ConsoleCredentials generated = ConsoleCredentials.resolve(settings());
        String text = Banner.text(settings(), generated, false);
        assertFalse(text.contains(generated.password), text);
        assertTrue(text.contains(home.resolve("console.password").toString()), text);
    }
}
