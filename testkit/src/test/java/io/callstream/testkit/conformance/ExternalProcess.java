package io.callstream.testkit.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a client written by others as a child process and returns what it printed. */
record ExternalProcess(int exitCode, String stdout, String stderr) {

    static ExternalProcess run(Path workingDirectory, Duration timeout, List<String> command)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within " + timeout);
        }
        return new ExternalProcess(process.exitValue(), out.join(), err.join());
    }

    /** The standard output, or an assertion error naming the command's failure and its stderr. */
    String successfulOutput(String what) {
        if (exitCode != 0) {
            throw new AssertionError(what + " exited with " + exitCode + ":\n" + stderr + stdout);
        }
        return stdout;
    }

    private static String read(java.io.InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }
}
