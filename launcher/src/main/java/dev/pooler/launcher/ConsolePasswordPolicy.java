package dev.pooler.launcher;

import java.util.Locale;
import java.util.Optional;

/**
 * Which Web Console credentials the launcher refuses to start with: admin/admin (in any case), a
 * password equal to the user name, a password shorter than {@value #MIN_LENGTH} characters. The
 * console guards bundle installs and configuration, so a guessable password is as good as none.
 */
final class ConsolePasswordPolicy {

    static final int MIN_LENGTH = 12;
    private static final String FACTORY_DEFAULT = "admin";

    private ConsolePasswordPolicy() {
    }

    /**
     * Why this user and password must not guard the console, or empty when they may. The reason
     * never quotes the password.
     *
     * @param password plain, or already in the Web Console's hashed form {@code {algorithm}…}; of a
     *                 hashed one only admin/admin and the user name can be recognised, not its length
     */
    static Optional<String> weakness(String user, String password) {
        if (ConsoleCredentials.isHashed(password)) {
            return hashedWeakness(user, password);
        }
        if (user.equalsIgnoreCase(FACTORY_DEFAULT) && password.equalsIgnoreCase(FACTORY_DEFAULT)) {
            return Optional.of(factoryDefault());
        }
        if (password.equalsIgnoreCase(user)) {
            return Optional.of(sameAsUser(user));
        }
        if (password.codePointCount(0, password.length()) < MIN_LENGTH) {
            return Optional.of("the password is shorter than " + MIN_LENGTH + " characters");
        }
        return Optional.empty();
    }

    private static Optional<String> hashedWeakness(String user, String hashed) {
        if (ConsoleCredentials.algorithm(hashed).isEmpty()) {
            return Optional.of("it starts like a hashed password, {algorithm}..., but Java knows no digest called "
                    + hashed.substring(1, hashed.indexOf('}')) + " (a plain password must not start with {...})");
        }
        if (user.equalsIgnoreCase(FACTORY_DEFAULT) && anyCaseOf(FACTORY_DEFAULT, hashed)) {
            return Optional.of(factoryDefault());
        }
        for (String candidate : new String[] {user, user.toLowerCase(Locale.ROOT), user.toUpperCase(Locale.ROOT)}) {
            if (ConsoleCredentials.matches(hashed, candidate)) {
                return Optional.of(sameAsUser(user));
            }
        }
        return Optional.empty();
    }

    /** Whether the hash is of the word in any mix of upper and lower case (the word is short). */
    private static boolean anyCaseOf(String word, String hashed) {
        for (int mask = 0; mask < 1 << word.length(); mask++) {
            StringBuilder variant = new StringBuilder(word.length());
            for (int i = 0; i < word.length(); i++) {
                char c = word.charAt(i);
                variant.append((mask & 1 << i) != 0 ? Character.toUpperCase(c) : Character.toLowerCase(c));
            }
            if (ConsoleCredentials.matches(hashed, variant.toString())) {
                return true;
            }
        }
        return false;
    }

    private static String factoryDefault() {
        return "admin/admin is the Web Console's factory default, the first thing anyone tries";
    }

    private static String sameAsUser(String user) {
        return "the password is the user name (" + user + ")";
    }
}
