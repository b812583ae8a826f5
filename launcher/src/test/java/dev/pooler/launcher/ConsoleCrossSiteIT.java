package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * The Felix Web Console's own pages change state on a POST (bundles, configurations). A browser logged
 * in to the console attaches its Basic credentials to a form another site makes it post, so the
 * launcher's console must refuse cross-site writes, while its own pages, reads and non-browser clients
 * keep working.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConsoleCrossSiteIT {

    private static final String USER = "ops";
    private static final String PASSWORD = "cross-site-test-password";
    private static final String AUTH = USER + ":" + PASSWORD;
    private static final String BUNDLE = "dev.pooler.strategies.load";
    private static final String EVIL = "http://evil.example";

    @TempDir
    Path tmp;

    private LaunchedPooler pooler;

    @AfterEach
    void kill() {
        if (pooler != null) {
            pooler.kill();
        }
    }

    @Test
    void crossSiteWritesAreRefusedAndTheConsoleStillWorksForItsOwnPages() throws Exception {
        Path home = LaunchedPooler.homeWithOneWorker(tmp.resolve("home"));
        pooler = LaunchedPooler.start(tmp, home, LaunchedPooler.freePort(), 1,
                Map.of("POOLER_CONSOLE_USER", USER, "POOLER_CONSOLE_PASSWORD", PASSWORD), List.of());
        pooler.awaitConsole();
        String self = "http://127.0.0.1:" + pooler.port;
        String bundle = "/system/console/bundles/" + bundleId(BUNDLE);
        String config = "/system/console/configMgr/dev.pooler.loadbalancing";
        pooler.awaitTrue(() -> "round_robin".equals(strategyInConfigAdmin()), "conf/ in ConfigAdmin");

        Map<String, Map<String, String>> crossSite = new LinkedHashMap<>();
        crossSite.put("a foreign Origin", Map.of("Origin", EVIL));
        crossSite.put("a foreign Origin, same-site by Sec-Fetch-Site", Map.of("Origin", EVIL, "Sec-Fetch-Site", "same-site"));
        crossSite.put("an opaque Origin (sandboxed frame, data: URL)", Map.of("Origin", "null"));
        crossSite.put("another port of this host", Map.of("Origin", "http://127.0.0.1:1"));
        crossSite.put("a foreign Referer and no Origin", Map.of("Referer", EVIL + "/page.html"));
        crossSite.put("Sec-Fetch-Site: cross-site and neither Origin nor Referer", Map.of("Sec-Fetch-Site", "cross-site"));
        for (var attack : crossSite.entrySet()) {
            HttpResponse<String> stop = pooler.send("POST", bundle, AUTH, attack.getValue(), "action=stop");
            assertEquals(403, stop.statusCode(), attack.getKey() + ": " + stop.body());
            assertTrue(stop.body().startsWith("Forbidden: cross-origin request refused"), stop.body());
            assertEquals("Active", bundleState(BUNDLE), attack.getKey() + ": the bundle must not have stopped");
            HttpResponse<String> edit = pooler.send("POST", config, AUTH, attack.getValue(),
                    "apply=true&propertylist=strategy&strategy=p2c");
            assertEquals(403, edit.statusCode(), attack.getKey() + ": " + edit.body());
        }
        for (String method : List.of("PUT", "DELETE")) {
            assertEquals(403, pooler.status(method, config, AUTH, Map.of("Origin", EVIL)), method);
        }
        assertEquals("round_robin", strategyInConfigAdmin(), "no cross-site edit reached ConfigAdmin");
        assertEquals(401, pooler.status("POST", bundle, null, Map.of("Origin", EVIL)), "the login comes first");
        assertEquals(200, pooler.status("GET", "/system/console/bundles.json", AUTH,
                Map.of("Origin", EVIL, "Sec-Fetch-Site", "cross-site")), "reads stay open (the browser keeps the answer)");

        // The console's own pages: a browser sends its own origin, and Sec-Fetch-Site: same-origin.
        Map<String, String> sameOrigin = Map.of("Origin", self, "Sec-Fetch-Site", "same-origin", "Referer", self + bundle);
        assertEquals(200, pooler.send("POST", bundle, AUTH, sameOrigin, "action=stop").statusCode());
        assertEquals("Resolved", bundleState(BUNDLE));
        assertEquals(200, pooler.send("POST", bundle, AUTH, sameOrigin, "action=start").statusCode());
        assertEquals("Active", bundleState(BUNDLE));
        int edited = pooler.send("POST", config, AUTH, sameOrigin, "apply=true&propertylist=strategy&strategy=p2c").statusCode();
        assertTrue(edited == 200 || edited == 302, "a same-origin configuration edit, got " + edited);
        assertEquals("p2c", strategyInConfigAdmin());
        HttpResponse<String> action = pooler.send("POST", "/system/console/pooler/action", AUTH,
                Map.of("Origin", self, "Sec-Fetch-Site", "same-origin", "Content-Type", "application/json"),
                "{\"action\":\"rebalance\"}");
        assertTrue(action.statusCode() != 403, "the Pools page's own actions pass: " + action.body());
        assertEquals(403, pooler.send("POST", "/system/console/pooler/action", AUTH,
                Map.of("Origin", EVIL, "Content-Type", "application/json"), "{\"action\":\"rebalance\"}").statusCode());

        // A client that is not a browser (curl, scripts) is judged by its credentials alone.
        assertEquals(200, pooler.send("POST", bundle, AUTH, Map.of(), "action=stop").statusCode());
        assertEquals("Resolved", bundleState(BUNDLE));
        assertEquals(200, pooler.send("POST", bundle, AUTH, Map.of(), "action=start").statusCode());
        assertEquals("Active", bundleState(BUNDLE));
    }

    private long bundleId(String symbolicName) {
        return bundle(symbolicName).get("id").getAsLong();
    }

    private String bundleState(String symbolicName) {
        return bundle(symbolicName).get("state").getAsString();
    }

    private JsonObject bundle(String symbolicName) {
        String text = pooler.body("/system/console/bundles.json", AUTH);
        for (var e : JsonParser.parseString(text).getAsJsonObject().getAsJsonArray("data")) {
            JsonObject b = e.getAsJsonObject();
            if (symbolicName.equals(b.get("symbolicName").getAsString())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    /** The strategy in ConfigAdmin's dev.pooler.loadbalancing, as the console reports it. */
    private String strategyInConfigAdmin() {
        String text = pooler.body("/system/console/status-Configurations.txt", AUTH);
        int at = text == null ? -1 : text.indexOf("PID = dev.pooler.loadbalancing");
        if (at < 0) {
            return null;
        }
        int end = text.indexOf("\nPID = ", at + 1);
        return text.substring(at, end < 0 ? text.length() : end).lines().map(String::strip)
                   .filter(s -> s.startsWith("strategy = ")).map(s -> s.substring("strategy = ".length()))
                   .findFirst().orElse(null);
    }
}
