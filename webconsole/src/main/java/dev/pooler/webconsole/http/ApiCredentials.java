package dev.pooler.webconsole.http;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's own credentials, read from its configuration ({@value #PID}: {@code user}, {@code .password.hash}),
 * or why they cannot be used. Only a hashed password is taken, and admin/admin never.
 *
 * @param credentials the usable credentials, or null
 * @param refusal     why the configuration cannot be used, or null
 */
public record ApiCredentials(ConsoleCredentials credentials, String refusal) {

    public static final String PID = "dev.pooler.api.credentials";
    static final String USER = "user";
    /** Private (leading dot): DS never copies it into service properties. */
    static final String PASSWORD_HASH = ".password.hash";
    private static final Pattern HASHED = Pattern.compile("\\{([A-Za-z0-9-]{1,32})\\}[^\\s]+");

    /** No configuration: the API falls back to the Web Console's credentials. */
    public static final ApiCredentials ABSENT = new ApiCredentials(null, null);

    /** Reads a configuration's properties; null or without either key: {@link #ABSENT}. */
    public static ApiCredentials from(Map<String, ?> properties) {
        Object user = properties == null ? null : properties.get(USER);
        Object hash = properties == null ? null : properties.get(PASSWORD_HASH);
        if (user == null && hash == null) {
            return ABSENT;
        }
        if (user == null || user.toString().isBlank()) {
            return refused(USER + " is missing");
        }
        if (hash == null || hash.toString().isBlank()) {
            return refused(PASSWORD_HASH + " is missing");
        }
        Matcher m = HASHED.matcher(hash.toString().trim());
        if (!m.matches()) {
            return refused(PASSWORD_HASH + " must be hashed as {algorithm}salt-iterations-base64 (a plain password is refused)");
        }
        try {
            MessageDigest.getInstance(m.group(1));
        } catch (NoSuchAlgorithmException e) {
            return refused(PASSWORD_HASH + ": unknown algorithm '" + m.group(1) + "'");
        }
        ConsoleCredentials c = new ConsoleCredentials(user.toString().trim(), hash.toString().trim());
        if (c.isDefault()) {
            return refused("admin/admin is never accepted");
        }
        return new ApiCredentials(c, null);
    }

    private static ApiCredentials refused(String why) {
        return new ApiCredentials(null, "configuration " + PID + " refused: " + why + "; the Pooler API is closed");
    }

    public boolean absent() {
        return credentials == null && refusal == null;
    }
}
