package dev.pooler.webconsole.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ConsoleSameOriginFilterTest {

    private final ConsoleSameOriginFilter filter = new ConsoleSameOriginFilter();
    private final AtomicBoolean passed = new AtomicBoolean();
    private final FilterChain chain = (req, resp) -> passed.set(true);
    private final Map<String, Object> sent = new HashMap<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    @Test
    void aCrossSitePostToTheConsoleGets403AndNeverReachesIt() throws Exception {
        filter.doFilter(request("POST", Map.of("Origin", "http://evil.example")), response(), chain);
        assertFalse(passed.get());
        assertEquals(403, sent.get("status"));
        assertTrue(body.toString(StandardCharsets.UTF_8).startsWith("Forbidden: cross-origin request refused"), body.toString());

        filter.doFilter(request("DELETE", Map.of("Sec-Fetch-Site", "cross-site")), response(), chain);
        assertFalse(passed.get(), "Sec-Fetch-Site alone, without Origin or Referer");
        filter.doFilter(request("PUT", Map.of("Referer", "http://evil.example/page")), response(), chain);
        assertFalse(passed.get(), "by Referer");
    }

    @Test
    void sameOriginUseReadsAndNonBrowserClientsPass() throws Exception {
        filter.doFilter(request("POST", Map.of("Origin", "http://127.0.0.1:8080", "Sec-Fetch-Site", "same-origin")),
                response(), chain);
        assertTrue(passed.getAndSet(false), "the console's own pages");
        filter.doFilter(request("GET", Map.of("Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site")), response(), chain);
        assertTrue(passed.getAndSet(false), "reads are never refused");
        filter.doFilter(request("POST", Map.of()), response(), chain);
        assertTrue(passed.get(), "curl: judged by its credentials alone");
        assertFalse(sent.containsKey("status"));
    }

    private static HttpServletRequest request(String method, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("Host", "127.0.0.1:8080");
        return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getScheme" -> "http";
                    case "getHeader" -> all.get((String) args[0]);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private HttpServletResponse response() {
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public void write(int b) {
                body.write(b);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
            }
        };
        return (HttpServletResponse) Proxy.newProxyInstance(HttpServletResponse.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "setStatus" -> sent.put("status", args[0]);
                    case "setContentType", "setHeader", "setContentLength" -> sent.put(m.getName(), args[args.length - 1]);
                    case "getOutputStream" -> out;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
