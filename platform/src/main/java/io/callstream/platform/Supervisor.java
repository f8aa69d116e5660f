package io.callstream.platform;

import io.callstream.ingest.web.ReadinessCheck;
import io.callstream.processor.CallProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Watches the processor and the sink tasks of the one-process platform: a part that has failed is
 * reported (a console line, and {@code /ready} DOWN through {@link #readiness}) and restarted with a
 * backoff that doubles from 1 s to {@link #MAX_BACKOFF}; the backoff starts again once the part
 * has run for {@link #HEALTHY_AFTER}. When a restart itself fails {@link #MAX_FAILED_RESTARTS}
 * times in a row the platform gives up ({@code onGiveUp}), so that {@code ./callstream up} exits
 * non-zero instead of running without it.
 */
final class Supervisor implements AutoCloseable {

    static final Duration CHECK_EVERY = Duration.ofSeconds(2);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    static final Duration HEALTHY_AFTER = Duration.ofMinutes(2);
    static final int MAX_FAILED_RESTARTS = 10;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "platform-supervisor");
        thread.setDaemon(true);
        return thread;
    });
    private final Consumer<String> console;
    private final Runnable onGiveUp;
    private final Map<String, Boolean> up = new ConcurrentHashMap<>();
    private volatile CallProcessor processor;
    private Supplier<CallProcessor> processorFactory;
    private EmbeddedConnect connect;
    private List<String> connectors = List.of();
    private final Map<String, Attempts> attempts = new ConcurrentHashMap<>();

    Supervisor(Consumer<String> console, Runnable onGiveUp) {
        this.console = console;
        this.onGiveUp = onGiveUp;
    }

    void watchProcessor(CallProcessor running, Supplier<CallProcessor> restart) {
        this.processor = running;
        this.processorFactory = restart;
        up.put("processor", true);
    }

    void watchSinks(EmbeddedConnect worker, List<String> names) {
        this.connect = worker;
        this.connectors = List.copyOf(names);
        up.put("sinks", true);
    }

    void start() {
        timer.scheduleWithFixedDelay(
                this::check, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The watched parts, for the ingest service's {@code /ready}. */
    List<ReadinessCheck> readiness() {
        return up.keySet().stream()
                .map(name -> (ReadinessCheck) new ReadinessCheck() {
                    @Override
                    public String name() {
                        return name;
                    }

                    @Override
                    public boolean isUp() {
                        return up.getOrDefault(name, false);
                    }
                })
                .toList();
    }

    /** The processor now running (it changes when one is restarted). */
    CallProcessor processor() {
        return processor;
    }

    private void check() {
        try {
            checkProcessor();
            checkSinks();
        } catch (RuntimeException e) {
            console.accept("Supervisor check failed: " + e);
        }
    }

    private void checkProcessor() {
        if (processorFactory == null) {
            return;
        }
        KafkaStreams.State state = processor == null ? KafkaStreams.State.NOT_RUNNING : processor.state();
        if (state != KafkaStreams.State.ERROR && state != KafkaStreams.State.NOT_RUNNING) {
            healthy("processor");
            return;
        }
        Attempts due = failed("processor", "Kafka Streams is " + state);
        if (due == null) {
            return;
        }
        try {
            if (processor != null) {
                processor.close();
                processor = null;
            }
            processor = processorFactory.get();
            console.accept("Processor restarted");
            due.restarted();
        } catch (RuntimeException e) {
            due.restartFailed(e);
        }
    }

    private void checkSinks() {
        if (connect == null) {
            return;
        }
        boolean allUp = true;
        for (String name : connectors) {
            for (int task : connect.failedTasks(name)) {
                allUp = false;
                String part = "sink " + name + " task " + task;
                Attempts due = failed(part, connect.failure(name, task));
                if (due != null) {
                    connect.restartTask(name, task);
                    console.accept("Restarted " + part);
                    due.restarted();
                }
            }
        }
        if (allUp) {
            up.put("sinks", true);
            attempts.keySet()
                    .removeIf(part ->
                            part.startsWith("sink ") && attempts.get(part).calm());
        } else {
            up.put("sinks", false);
        }
    }

    private void healthy(String part) {
        up.put(part, true);
        Attempts previous = attempts.get(part);
        if (previous != null && previous.calm()) {
            attempts.remove(part);
        }
    }

    /** Records a failure; the attempts when a restart is due now, else null (still backing off). */
    private Attempts failed(String part, String reason) {
        if (!part.startsWith("sink ")) {
            up.put(part, false);
        }
        Attempts state = attempts.computeIfAbsent(part, Attempts::new);
        if (state.announced < state.restarts + 1) {
            console.accept(part + " FAILED (" + reason + "); restarting in "
                    + state.backoff().toSeconds() + " s");
            state.announced = state.restarts + 1;
        }
        return state.due() ? state : null;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Restarts of one part: the backoff, and failed restarts in a row. */
    private final class Attempts {
        final String part;
        final long firstFailure = System.nanoTime();
        int restarts;
        int failedRestarts;
        int announced;
        long lastRestart = System.nanoTime();

        Attempts(String part) {
            this.part = part;
        }

        Duration backoff() {
            long seconds = Math.min(MAX_BACKOFF.toSeconds(), 1L << Math.min(restarts, 6));
            return Duration.ofSeconds(seconds);
        }

        boolean due() {
            long since = restarts == 0 ? firstFailure : lastRestart;
            return System.nanoTime() - since >= backoff().toNanos();
        }

        void restarted() {
            restarts++;
            failedRestarts = 0;
            lastRestart = System.nanoTime();
        }

        void restartFailed(RuntimeException e) {
            restarts++;
            failedRestarts++;
            lastRestart = System.nanoTime();
            console.accept(
                    "Restarting " + part + " failed (" + failedRestarts + " of " + MAX_FAILED_RESTARTS + "): " + e);
            if (failedRestarts >= MAX_FAILED_RESTARTS) {
                console.accept("Giving up on " + part + ": stopping callstream");
                onGiveUp.run();
            }
        }

        boolean calm() {
            return System.nanoTime() - lastRestart > HEALTHY_AFTER.toNanos();
        }
    }
}
