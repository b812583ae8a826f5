package dev.pooler.webconsole.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Web Console's user and password, so that the HTTP API asks for the same credentials. Taken as the
 * console takes them: its ConfigAdmin configuration ({@value #CONSOLE_PID}, {@code username} and
 * {@code password}) first, else the framework properties {@value #USER_PROPERTY} and
 * {@value #PASSWORD_PROPERTY}. Unlike the console there is no default: without a configured password,
 * or with admin/admin, nothing is accepted.
 *
 * <p>The password may be stored plain or in the console's hashed form
 * {@code {algorithm}salt-iterations-base64(hash)} (also {@code {algorithm}salt-base64} and
 * {@code {algorithm}base64}), where the hash is the algorithm applied {@code iterations} times to the
 * UTF-8 bytes of salt followed by the password.
 *
 * @param user     the user name
 * @param password the stored password, plain or hashed
 */
public record ConsoleCredentials(String user, String password) {

    public static final String USER_PROPERTY = "felix.webconsole.username";
    public static final String PASSWORD_PROPERTY = "felix.webconsole.password";
    /** With mandatory security providers the console does not accept its basic credentials; neither do we. */
    public static final String PROVIDERS_PROPERTY = "felix.webconsole.security.providers";
    public static final String CONSOLE_PID = "org.apache.felix.webconsole.internal.servlet.OsgiManager";
    private static final String DEFAULT_USER = "admin";
    private static final String DEFAULT_PASSWORD = "admin";

    /**
     * The credentials in force, or empty when none are configured.
     *
     * @param frameworkProperty reads a framework property
     * @param consoleConfig     the console's configuration properties, or null
     */
    public static Optional<ConsoleCredentials> resolve(Function<String, String> frameworkProperty, Dictionary<String, ?> consoleConfig) {
        String user = value(consoleConfig, "username");
        String password = value(consoleConfig, "password");
        if (user == null) {
            user = blankToNull(frameworkProperty.apply(USER_PROPERTY));
        }
        if (password == null) {
            password = blankToNull(frameworkProperty.apply(PASSWORD_PROPERTY));
        }
        if (password == null) {
            return Optional.empty();
        }
        return Optional.of(new ConsoleCredentials(user == null ? DEFAULT_USER : user, password));
    }

    /** Whether these are the console's factory defaults, admin/admin, which never open anything. */
    public boolean isDefault() {
        return DEFAULT_USER.equals(user) && passwordMatches(DEFAULT_PASSWORD);
    }

    /** Whether the given user and plain password are these credentials (and not admin/admin). */
    public boolean accept(String givenUser, String givenPassword) {
        if (givenUser == null || givenPassword == null || isDefault()) {
            return false;
        }
        boolean userOk = MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8), givenUser.getBytes(StandardCharsets.UTF_8));
        return passwordMatches(givenPassword) & userOk;
    }

    boolean passwordMatches(String given) {
        int end = password.startsWith("{") ? password.indexOf('}') : -1;
        if (end <= 0) {
            return MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
        }
        String algorithm = password.substring(1, end);
        String rest = password.substring(end + 1);
        String salt = null;
        int iterations = 1;
        int dash = rest.indexOf('-');
        if (dash >= 0) {
            salt = rest.substring(0, dash);
            int next = rest.indexOf('-', dash + 1);
            if (next >= 0) {
                try {
                    iterations = Integer.parseInt(rest.substring(dash + 1, next));
                } catch (NumberFormatException e) {
                    iterations = 1;
                }
            }
        }
        String expected = rest.substring(rest.lastIndexOf('-') + 1);
        byte[] hash;
        try {
            hash = hash(algorithm, salt, given, iterations);
        } catch (NoSuchAlgorithmException e) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                Base64.getEncoder().encodeToString(hash).getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] hash(String algorithm, String salt, String password, int iterations) throws NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance(algorithm);
        byte[] bytes = ((salt == null ? "" : salt) + password).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < Math.max(1, iterations); i++) {
            md.reset();
            bytes = md.digest(bytes);
        }
        return bytes;
    }

    /** The user and password of a {@code Basic} Authorization header, or empty. */
    public static Optional<String[]> parseBasic(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String h = authorization.trim();
        int blank = h.indexOf(' ');
        if (blank <= 0 || !h.substring(0, blank).equalsIgnoreCase("Basic")) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(h.substring(blank + 1).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        return Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
    }

    private static String value(Dictionary<String, ?> d, String key) {
        if (d == null) {
            return null;
        }
        Object v = d.get(key);
        return v == null ? null : blankToNull(v.toString());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public String toString() {
        return "ConsoleCredentials[user=" + user + ", password=***]";
    }
}
