package io.callstream.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs a tool to its end within a time limit. Its output goes to a file read after it exits, so the
 * limit holds even when the tool hangs without closing its output (reading a pipe first would wait
 * for it forever).
 */
public final class BoundedProcess {

    /** How the tool ended: its exit code and its output (standard output, and errors when merged). */
    public record Result(int exitCode, String output) {}

    private BoundedProcess() {}

    /**
     * Starts {@code builder} (its output redirected to a temporary file) and waits at most {@code
     * limit}; a tool still running then is killed and fails with {@link AssertionError}.
     */
    public static Result run(ProcessBuilder builder, Duration limit) throws IOException, InterruptedException {
        Path output = Files.createTempFile("callstream-tool-", ".out");
        try {
            Process process = builder.redirectOutput(output.toFile()).start();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(builder.command().getFirst() + " did not finish within " + limit + ": "
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
