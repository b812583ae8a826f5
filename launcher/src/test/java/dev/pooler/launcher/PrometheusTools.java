package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code prometheus} package: {@code promtool} and the {@code prometheus} server, found on the
 * PATH. Absent, the tests that need them fail and say how to install them: {@code .ci/run} installs them,
 * so a silent skip would only hide a broken machine.
 */
final class PrometheusTools {

    /** The rule file and its tests, shipped in the repository. */
    static final Path RULES_DIR = Path.of("..", "docs", "prometheus").toAbsolutePath().normalize();

    private PrometheusTools() {
    }

    static Path binary(String name) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return fail(name + " is not on the PATH. It comes with Debian's 'prometheus' package: "
                + "apt-get install -y prometheus (.ci/run installs it; the service need not run).");
    }

    record Result(int exitCode, String output) {
    }

    /** Runs a tool to its end (at most two minutes), stdin from {@code input} when not null. */
    static Result run(Path workDir, Path input, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(workDir.toFile()).redirectErrorStream(true);
        if (input != null) {
            pb.redirectInput(input.toFile());
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), String.join(" ", command) + " did not end");
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static List<String> command(String tool, String... args) {
        List<String> c = new ArrayList<>();
        c.add(binary(tool).toString());
        c.addAll(List.of(args));
        return c;
    }
}
