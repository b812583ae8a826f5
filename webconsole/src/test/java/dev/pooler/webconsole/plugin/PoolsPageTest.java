package dev.pooler.webconsole.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PoolsPageTest {

    @Test
    void escapesEveryMarkupCharacter() {
        assertEquals("&lt;img src=x onerror=alert(1)&gt;", Html.escape("<img src=x onerror=alert(1)>"));
        assertEquals("&quot;&#39;&amp;&#36;{x}", Html.escape("\"'&${x}"));
        assertEquals("", Html.escape(null));
        assertEquals("plain text", Html.escape("plain text"));
    }

    @Test
    void thePageCarriesNoDataAndEscapesItsRoot() {
        String html = PoolsPage.render("/system/console/pooler\"><script>alert(1)</script>");
        assertFalse(html.contains("<script>alert"), html);
        assertTrue(html.contains("data-root=\"/system/console/pooler&quot;&gt;&lt;script&gt;"));
        // The console substitutes ${...} in HTML output: the page must not offer it any.
        assertFalse(html.contains("${"));
    }

    @Test
    void theScriptAndTheTablesComeFromThisBundle() {
        String html = PoolsPage.render("/system/console/pooler");
        assertTrue(html.contains("<script src=\"/system/console/pooler/res/pooler.js\"></script>"));
        for (String id : new String[] {"pools-table", "workers-table", "decisions-table", "chart", "strategy-select",
                "strategy-apply", "rebalance", "sections"}) {
            assertTrue(html.contains("id=\"" + id + "\""), id);
        }
        assertFalse(html.contains("http://") || html.contains("https://"), "nothing is loaded from elsewhere");
    }

    @Test
    void theScriptBuildsTheDomFromText() throws Exception {
        try (var in = PoolsPlugin.class.getResourceAsStream("res/pooler.js")) {
            String js = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertFalse(js.contains("innerHTML"), "values go in through textContent, never innerHTML");
            assertFalse(js.contains("insertAdjacentHTML"));
            assertFalse(js.contains("document.write"));
            assertTrue(js.contains("textContent"));
        }
    }
}
