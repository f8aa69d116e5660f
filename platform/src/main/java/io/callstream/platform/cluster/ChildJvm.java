package io.callstream.platform.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One component of the local cluster in its own JVM: {@code callstream <args>} with this JVM's class
 * path, its own environment (nothing inherited of callstream's, Kafka's or the registry's variables,
 * so a developer's settings do not leak in) and its output appended to a log file. It can be killed
 * ({@code SIGKILL}: no shutdown hook runs, as when a machine dies), stopped ({@code SIGTERM}) and
 * started again with the same settings.
 */
public final class ChildJvm {

    private static final List<String> NOT_INHERITED = List.of("CALLSTREAM_", "KAFKA_", "SCHEMA_REGISTRY_", "CONNECT_");

    private static final String STARTED = "==== callstream cluster: starting ";

    private final String name;
    private final List<String> arguments;
    private final Map<String, String> environment;
    private final String heap;
    private final Path log;
    private Process process;

    ChildJvm(String name, String heap, List<String> arguments, Map<String, String> environment, Path log) {
        this.name = name;
        this.heap = heap;
        this.arguments = List.copyOf(arguments);
        this.environment = Map.copyOf(environment);
        this.log = log;
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    /** Starts the JVM (does nothing when it runs). */
    public synchronized ChildJvm start() {
        if (isAlive()) {
            return this;
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx" + heap);
        command.add("-Xss512k");
        command.add("-XX:+UseSerialGC");
        command.add("--sun-misc-unsafe-memory-access=allow");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.callstream");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.callstream.platform.CallstreamCommand");
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment()
                .keySet()
                .removeIf(variable -> NOT_INHERITED.stream().anyMatch(variable::startsWith));
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(
                    log,
                    STARTED + name + " at " + Instant.now() + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
        return this;
    }

    /** Kills the JVM at once ({@code SIGKILL}) and waits until it is gone. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(30));
        }
    }

    /** Asks the JVM to stop ({@code SIGTERM}: shutdown hooks run), killing it after {@code grace}. */
    public synchronized void stop(Duration grace) {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!waitForExit(grace)) {
                kill();
            }
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Waits until {@code ready} holds, failing early (with the log's tail) when the JVM exits. */
    public void await(String what, BooleanSupplier ready, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!ready.getAsBoolean()) {
            if (!isAlive()) {
                throw new IllegalStateException(name + " exited before " + what + ":\n" + tail(40));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(name + ": not " + what + " within " + timeout + ":\n" + tail(40));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + name, e);
            }
        }
    }

    /** Whether the log has {@code text} since the JVM was last started. */
    public boolean logged(String text) {
        try {
            String content = Files.readString(log, StandardCharsets.UTF_8);
            int start = content.lastIndexOf(STARTED);
            return content.indexOf(text, Math.max(0, start)) >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** The last lines of the log. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return name + (isAlive() ? " (pid " + pid() + ")" : " (stopped)");
    }
}
