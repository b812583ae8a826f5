package dev.pooler.core.impl.worker;

import dev.pooler.api.WorkerSpec;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one worker is started as: its ids, the pool's launch spec, the runtime's folder. Builds the command
 * line and environment of a spawned worker (a fork template is started with the same environment).
 */
public record WorkerLaunch(String workerId, String ownerPool, WorkerSpec spec, String specialization, Path runtimeDir,
                           int maxReplyBytes) {

    /** Inherited environment variables that never reach a worker (the console's credentials). */
    private static final String SCRUBBED_PREFIX = "POOLER_CONSOLE_";

    /** The worker's command line. */
    List<String> command() {
        List<String> cmd = new ArrayList<>(List.of(spec.python(), "-u", "-m", "pooler_worker",
                "--adapter", spec.adapter(), "--worker-id", workerId, "--pool", ownerPool));
        if (specialization != null) {
            cmd.add("--specialization");
            cmd.add(specialization);
        }
        return cmd;
    }

    /** The worker's environment: the JVM's without the console's secrets, then the pool's own. */
    void environment(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith(SCRUBBED_PREFIX));
        env.putAll(spec.env());
        String extra = env.get("PYTHONPATH");
        env.put("PYTHONPATH", runtimeDir + (extra == null || extra.isBlank() ? "" : File.pathSeparator + extra));
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.put("POOLER_MAX_REPLY_BYTES", Integer.toString(maxReplyBytes));
    }

    /** A process builder in the runtime's folder with the worker's environment. */
    ProcessBuilder processBuilder(List<String> cmd) throws IOException {
        if (!Files.isDirectory(runtimeDir)) {
            throw new IOException("the worker runtime folder " + runtimeDir + " does not exist");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(runtimeDir.toFile());
        environment(pb.environment());
        return pb;
    }

    /** What a fork template must share with the workers it forks: they inherit its interpreter and environment. */
    Object templateKey() {
        return List.of(spec.python(), spec.adapter(), spec.env(), runtimeDir.toString(), maxReplyBytes);
    }
}
