package dev.pooler.webconsole.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardFilterPattern;

/**
 * The {@link SameOrigin} check in front of the whole Felix Web Console (5.0.18 has none of its own):
 * its bundle, configuration and shell pages change state on a POST that any site could make a logged-in
 * browser send. Runs after the console's own login, inside its servlet context, so it sees every page
 * and plugin under the console's root, wherever that is.
 */
@Component(service = Filter.class)
@HttpWhiteboardContextSelect(ConsoleSameOriginFilter.CONSOLE_CONTEXT)
@HttpWhiteboardFilterPattern("/*")
public class ConsoleSameOriginFilter implements Filter {

    /** The servlet context the Web Console registers its servlet in. */
    static final String CONSOLE_CONTEXT = "(osgi.http.whiteboard.context.name=org.apache.felix.webconsole)";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Optional<String> crossOrigin = request instanceof HttpServletRequest http
                ? SameOrigin.violation(http) : Optional.empty();
        if (crossOrigin.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletResponse http = (HttpServletResponse) response;
        http.setStatus(HttpServletResponse.SC_FORBIDDEN);
        http.setContentType("text/plain;charset=UTF-8");
        http.setHeader("Cache-Control", "no-store");
        http.setHeader("X-Content-Type-Options", "nosniff");
        byte[] body = ("Forbidden: " + crossOrigin.get() + "\n").getBytes(StandardCharsets.UTF_8);
        http.setContentLength(body.length);
        http.getOutputStream().write(body);
    }
}
