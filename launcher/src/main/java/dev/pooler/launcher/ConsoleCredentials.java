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
import java.util.Set;

/**
 * Web Console credentials. Never admin/admin: the password comes from
 * {@code POOLER_CONSOLE_PASSWORD}, or is generated once and kept in {@code <home>/console.password}
 * (owner read/write only).
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

    static ConsoleCredentials resolve(Settings settings) throws IOException {
        Path file = settings.home.resolve(PASSWORD_FILE);
        if (settings.consolePassword.isPresent()) {
            return new ConsoleCredentials(settings.consoleUser, settings.consolePassword.get(), Source.ENVIRONMENT, file);
        }
        if (Files.exists(file)) {
            String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!stored.isEmpty()) {
                restrictToOwner(file);
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
        if (password.startsWith("{") && password.indexOf('}') > 0) {
            return password;
        }
        byte[] saltBytes = new byte[8];
        new SecureRandom().nextBytes(saltBytes);
        String salt = HexFormat.of().formatHex(saltBytes);
        return "{sha-256}" + salt + "-" + HASH_ITERATIONS + "-" + hash(salt, password, HASH_ITERATIONS);
    }

    static String hash(String salt, String password, int iterations) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] bytes = (salt + password).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < iterations; i++) {
                sha256.reset();
                bytes = sha256.digest(bytes);
            }
            return Base64.getEncoder().encodeToString(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
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
