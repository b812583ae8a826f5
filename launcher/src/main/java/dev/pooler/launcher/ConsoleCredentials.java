package dev.pooler.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * Web Console credentials. The password comes from {@code POOLER_CONSOLE_PASSWORD}, or from
 * {@code <home>/console.password} (owner read/write only), where one is generated at first start;
 * a weak one ({@link ConsolePasswordPolicy}) stops the launch.
 */
final class ConsoleCredentials {

    static final String PASSWORD_FILE = "console.password";
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final int HASH_ITERATIONS = 1000;

    enum Source { ENVIRONMENT, GENERATED, STORED }

    final String user;
    final String password;
    final Source source;
    final Path file;

    private ConsoleCredentials(String user, String password, Source source, Path file) {
        this.user = user;
        this.password = password;
        this.source = source;
        this.file = file;
    }

    /**
     * The credentials in force.
     *
     * @throws IllegalArgumentException when the password from the environment or the file is too weak
     *                                  ({@link ConsolePasswordPolicy}), saying how to fix it
     */
    static ConsoleCredentials resolve(Settings settings) throws IOException {
        Path file = settings.home.resolve(PASSWORD_FILE);
        if (settings.consolePassword.isPresent()) {
            String password = settings.consolePassword.get();
            ConsolePasswordPolicy.weakness(settings.consoleUser, password).ifPresent(why -> {
                throw new IllegalArgumentException("POOLER_CONSOLE_PASSWORD is too weak: " + why + ". Set "
                        + "POOLER_CONSOLE_PASSWORD to " + ConsolePasswordPolicy.MIN_LENGTH + " or more characters, "
                        + "not the user name, or unset it to have a strong one generated (kept in " + file + ")");
            });
            return new ConsoleCredentials(settings.consoleUser, password, Source.ENVIRONMENT, file);
        }
        if (Files.exists(file)) {
            String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!stored.isEmpty()) {
                restrictToOwner(file);
                ConsolePasswordPolicy.weakness(settings.consoleUser, stored).ifPresent(why -> {
                    throw new IllegalArgumentException(file + " holds a weak Web Console password: " + why
                            + ". Write " + ConsolePasswordPolicy.MIN_LENGTH + " or more characters into it, not the "
                            + "user name, or delete it to have a strong one generated (or set POOLER_CONSOLE_PASSWORD)");
                });
                return new ConsoleCredentials(settings.consoleUser, stored, Source.STORED, file);
            }
            System.err.println("[pooler] " + file + " is empty: generating a new Web Console password");
            Files.delete(file);
        }
        String generated = generatePassword();
        writeOwnerOnly(file, generated + "\n");
        return new ConsoleCredentials(settings.consoleUser, generated, Source.GENERATED, file);
    }

    /**
     * The value for {@code felix.webconsole.password}: the Web Console's salted form
     * {@code {sha-256}salt-iterations-base64}, so the plain password is not a framework property
     * every bundle can read. A value already in that form is passed through.
     */
    String hashedPassword() {
        if (isHashed(password)) {
            return password;
        }
        byte[] saltBytes = new byte[8];
        new SecureRandom().nextBytes(saltBytes);
        String salt = HexFormat.of().formatHex(saltBytes);
        return "{sha-256}" + salt + "-" + HASH_ITERATIONS + "-" + hash("sha-256", salt, password, HASH_ITERATIONS);
    }

    /** Whether the value is in the Web Console's hashed form, {@code {algorithm}…}. */
    static boolean isHashed(String password) {
        return password.startsWith("{") && password.indexOf('}') > 0;
    }

    /** The digest algorithm a hashed value names, when this Java has it. */
    static Optional<String> algorithm(String hashed) {
        String algorithm = hashed.substring(1, hashed.indexOf('}'));
        try {
            MessageDigest.getInstance(algorithm);
            return Optional.of(algorithm);
        } catch (NoSuchAlgorithmException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether a hashed value ({@code {algorithm}hash}, {@code {algorithm}salt-hash} or
     * {@code {algorithm}salt-iterations-hash}, as the Web Console reads them) is the hash of the plain password.
     */
    static boolean matches(String hashed, String plain) {
        int end = hashed.indexOf('}');
        String algorithm = hashed.substring(1, end);
        String[] parts = hashed.substring(end + 1).split("-", -1);
        String salt = parts.length > 1 ? parts[0] : "";
        int iterations = 1;
        if (parts.length > 2) {
            try {
                iterations = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        try {
            return MessageDigest.isEqual(parts[parts.length - 1].getBytes(StandardCharsets.US_ASCII),
                    hash(algorithm, salt, plain, iterations).getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException unknownAlgorithm) {
            return false;
        }
    }

    /** Base64 of the digest applied {@code iterations} times to the UTF-8 bytes of salt then password. */
    static String hash(String algorithm, String salt, String password, int iterations) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            byte[] bytes = (salt + password).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < Math.max(1, iterations); i++) {
                digest.reset();
                bytes = digest.digest(bytes);
            }
            return Base64.getEncoder().encodeToString(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("no digest algorithm " + algorithm, e);
        }
    }

    static String generatePassword() {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        if (Files.getFileStore(file.getParent()).supportsFileAttributeView(PosixFileAttributeView.class)) {
            // Created with its final permissions, so it is never readable by others, not even briefly.
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(file);
            var f = file.toFile();
            f.setReadable(false, false);
            f.setWritable(false, false);
            f.setReadable(true, true);
            f.setWritable(true, true);
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static void restrictToOwner(Path file) throws IOException {
        if (!Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return;
        }
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(current)) {
            System.err.println("[pooler] " + file + " was readable by others ("
                    + PosixFilePermissions.toString(current) + "): restricting it to rw-------");
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }
}
