package dev.pooler.core.impl.adapters;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Loads an unpacked adapter in a real interpreter the way a worker would (the runtime's own
 * {@code load_adapter}: import, a {@code COMMANDS} dict of callables, {@code setup} if any), so a
 * broken version is refused before any pool restarts on it.
 */
final class AdapterCheck {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_OUTPUT = 64 * 1024;
    private static final String SCRIPT = String.join("\n",
            "import sys",
            "from pooler_worker.runtime import load_adapter, AdapterLoadError",
            "try:",
            "    load_adapter(sys.argv[1])",
            "except AdapterLoadError as e:",
            "    sys.stderr.write('\\n' + str(e) + '\\n')",
            "    sys.exit(3)");

    /** What the check said. */
    record Outcome(boolean ok, String error, String output) {
    }

    private AdapterCheck() {
    }

    /** Runs the check for adapter {@code name} described by {@code tableJson} ({@code POOLER_ADAPTERS}). */
    static Outcome run(String python, Path runtimeDir, String name, String tableJson) {
        ProcessBuilder pb = new ProcessBuilder(python, "-c", SCRIPT, name).redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", runtimeDir.toString());
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        pb.environment().put(BundledAdapters.ENV, tableJson);
        pb.environment().put("POOLER_WORKER_GUARDIAN", "0");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Outcome(false, "cannot run " + python + ": " + e.getMessage(), "");
        }
        try {
            p.getOutputStream().close();
            String output = readBounded(p.getInputStream());
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Outcome(false, "loading it did not finish within " + TIMEOUT.toSeconds() + " s", output);
            }
            if (p.exitValue() == 0) {
                return new Outcome(true, null, output);
            }
            return new Outcome(false, lastLine(output, "the check exited with code " + p.exitValue()), output);
        } catch (IOException e) {
            p.destroyForcibly();
            return new Outcome(false, "the check failed: " + e.getMessage(), "");
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Outcome(false, "the check was interrupted", "");
        }
    }

    private static String readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) >= 0; ) {
            if (out.size() < MAX_OUTPUT) {
                out.write(buf, 0, Math.min(n, MAX_OUTPUT - out.size()));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String lastLine(String output, String otherwise) {
        String[] lines = output.strip().split("\n");
        String last = lines.length == 0 ? "" : lines[lines.length - 1].strip();
        return last.isEmpty() ? otherwise : last;
    }
}
