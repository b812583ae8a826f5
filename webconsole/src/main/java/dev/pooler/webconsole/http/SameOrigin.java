package dev.pooler.webconsole.http;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses state-changing requests that a browser sends on behalf of another site (CSRF): the browser
 * would attach the cached Basic credentials, so credentials alone do not prove intent. A request whose
 * {@code Origin} (or, without one, {@code Referer}) names another host than its {@code Host} header is
 * refused, and so is one whose {@code Sec-Fetch-Site} says cross-site. A request with none of these
 * headers does not come from a browser page (curl, scripts) and is judged by its credentials alone.
 */
public final class SameOrigin {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private SameOrigin() {
    }

    /** Whether the method changes state and so needs the check. */
    public static boolean changesState(String method) {
        return !SAFE_METHODS.contains(method.toUpperCase(Locale.ROOT));
    }

    /** Why the request must be refused, or empty when it may proceed. */
    public static Optional<String> violation(HttpServletRequest request) {
        return violation(request.getMethod(), request.getHeader("Origin"), request.getHeader("Referer"),
                request.getHeader("Sec-Fetch-Site"), request.getHeader("Host"), request.getScheme());
    }

    /**
     * Why the request must be refused, or empty when it may proceed.
     *
     * @param scheme the request's scheme ({@code http}, {@code https}), for default ports
     */
    public static Optional<String> violation(String method, String origin, String referer, String secFetchSite,
                                             String host, String scheme) {
        if (!changesState(method)) {
            return Optional.empty();
        }
        if (secFetchSite != null && !secFetchSite.equalsIgnoreCase("same-origin") && !secFetchSite.equalsIgnoreCase("none")) {
            return Optional.of("cross-origin request refused (Sec-Fetch-Site: " + secFetchSite + ")");
        }
        String source;
        String header;
        if (origin != null && !origin.isBlank()) {
            if (origin.trim().equals("null")) {
                return Optional.of("cross-origin request refused (Origin: null)");
            }
            source = origin.trim();
            header = "Origin";
        } else if (referer != null && !referer.isBlank()) {
            source = referer.trim();
            header = "Referer";
        } else {
            return Optional.empty();
        }
        if (host == null || host.isBlank()) {
            return Optional.of("request refused: no Host header to compare its " + header + " with");
        }
        String from = authority(source);
        if (from == null) {
            return Optional.of("cross-origin request refused: unreadable " + header);
        }
        String to = normalize(host.trim(), scheme == null ? "http" : scheme.toLowerCase(Locale.ROOT));
        if (!from.equals(to)) {
            return Optional.of("cross-origin request refused: " + header + " " + from + " does not match Host " + to);
        }
        return Optional.empty();
    }

    /** {@code host:port} of an origin or URL, with the scheme's default port made explicit; null if unreadable. */
    static String authority(String url) {
        try {
            URI u = new URI(url);
            if (u.getScheme() == null || u.getRawAuthority() == null) {
                return null;
            }
            String authority = u.getRawAuthority();
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                authority = authority.substring(at + 1);
            }
            return normalize(authority, u.getScheme().toLowerCase(Locale.ROOT));
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static String normalize(String hostPort, String scheme) {
        String hp = hostPort.toLowerCase(Locale.ROOT);
        boolean hasPort = hp.startsWith("[") ? hp.contains("]:") : hp.contains(":");
        if (!hasPort) {
            hp = hp + ":" + ("https".equals(scheme) ? 443 : 80);
        }
        return hp;
    }
}
