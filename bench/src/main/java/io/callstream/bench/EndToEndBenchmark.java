package io.callstream.bench;

import io.callstream.connect.duckdb.DuckDbDatabases;
import io.callstream.platform.EmbeddedPlatform;
import io.callstream.platform.EmbeddedPlatform.Settings;
import io.callstream.platform.simulate.TrafficSimulator;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole pipeline on the embedded platform (ingest, processor exactly-once, Connect with the
 * DuckDB sink), fed by the simulator at a fixed rate of calls: the latency from the ingest
 * acknowledging a call's last push to the call's row being visible in DuckDB (polled every 50 ms),
 * and the sustained rate of calls from webhook to row; with {@code --find-max}, the highest rate at
 * which every call arrives with p99 under a limit (1 s by default).
 */
@Command(name = "e2e", mixinStandardHelpOptions = true, description = "Benchmarks webhook to DuckDB row.")
final class EndToEndBenchmark implements Callable<Integer> {

    @Option(names = "--rate", defaultValue = "500", description = "Calls per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--seconds", defaultValue = "60", description = "Seconds of traffic (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--warmup-seconds",
            defaultValue = "20",
            description = "Traffic before measuring, same rate (default ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(
            names = "--find-max",
            description = "Step the rate up from --rate by --step (each step --seconds long) until p99 from"
                    + " acknowledgement to row exceeds --p99-ms or a call is not seen; print the highest rate"
                    + " that met it.")
    boolean findMax;

    @Option(names = "--step", defaultValue = "500", description = "Calls/s added per step (default ${DEFAULT-VALUE}).")
    double step;

    @Option(
            names = "--p99-ms",
            defaultValue = "1000",
            description = "The p99 a step must stay under (default ${DEFAULT-VALUE}).")
    long p99Limit;

    /** What one rate measured. */
    private record Measurement(
            double rate, long calls, long visible, double sustained, double wallSeconds, Histogram latency) {

        double p99Millis() {
            return latency.getValueAtPercentile(99) / 1000.0;
        }

        boolean meets(long p99Limit) {
            return visible == calls && p99Millis() <= p99Limit;
        }

        String row() {
            return String.format(
                    "%9.0f %9d %9d %11.0f %8.0f %8.0f %8.0f %8.0f",
                    rate,
                    calls,
                    visible,
                    sustained,
                    latency.getValueAtPercentile(50) / 1000.0,
                    latency.getValueAtPercentile(90) / 1000.0,
                    p99Millis(),
                    latency.getMaxValue() / 1000.0);
        }

        static String header() {
            return String.format(
                    "%9s %9s %9s %11s %8s %8s %8s %8s",
                    "calls/s", "calls", "visible", "sustained/s", "p50 ms", "p90 ms", "p99 ms", "max ms");
        }
    }

    @Override
    public Integer call() throws Exception {
        Path data = Files.createTempDirectory("callstream-e2e-bench-");
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(
                new Settings(data, 0, 0, 0, -1, 3, true), line -> System.out.println("  " + line))) {
            String ingest = platform.ingestUrl().replaceAll("/$", "");
            if (warmupSeconds > 0) {
                System.out.printf("warm-up: %d s at %.0f calls/s%n", warmupSeconds, rate);
                new TrafficSimulator()
                        .run(
                                new TrafficSimulator.Options(ingest, rate, Duration.ofSeconds(warmupSeconds), null, 1),
                                new PrintStream(PrintStream.nullOutputStream()));
            }
            if (!findMax) {
                Measurement result = measure(platform, ingest, rate, 2);
                System.out.printf(
                        "%n%,d calls sent at %.0f/s; %,d of them visible in DuckDB%n",
                        result.calls(), rate, result.visible());
                System.out.printf(
                        "webhook to DuckDB row: %.0f calls/s sustained (first push to last row: %.1f s)%n",
                        result.sustained(), result.wallSeconds());
                System.out.printf(
                        "latency from the last acknowledgement to the row: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms"
                                + " (rows polled every 50 ms)%n",
                        result.latency().getValueAtPercentile(50) / 1000.0,
                        result.latency().getValueAtPercentile(90) / 1000.0,
                        result.p99Millis(),
                        result.latency().getMaxValue() / 1000.0);
                return result.visible() == result.calls() ? 0 : 1;
            }
            List<Measurement> steps = new ArrayList<>();
            Measurement best = null;
            for (double next = rate; ; next += step) {
                Measurement result = measure(platform, ingest, next, 2 + steps.size());
                steps.add(result);
                System.out.println(Measurement.header());
                steps.forEach(done -> System.out.println(done.row()));
                if (!result.meets(p99Limit)) {
                    break;
                }
                best = result;
            }
            System.out.printf(
                    "%nhighest rate with every call seen and p99 <= %d ms: %s%n",
                    p99Limit,
                    best == null ? "none (the first step missed)" : String.format("%.0f calls/s", best.rate()));
            return 0;
        }
    }

    private Measurement measure(EmbeddedPlatform platform, String ingest, double rate, long seed) throws Exception {
        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean polling = new AtomicBoolean(true);
        long[] lastRowNanos = {0};
        Thread poller = Thread.ofPlatform()
                .name("e2e-poller")
                .start(() -> poll(platform.duckDbUrl(), acknowledged, seen, latency, polling, lastRowNanos));
        System.out.printf("measuring: %d s at %.0f calls/s%n", seconds, rate);
        long started = System.nanoTime();
        TrafficSimulator.Summary run = new TrafficSimulator()
                .run(
                        new TrafficSimulator.Options(ingest, rate, Duration.ofSeconds(seconds), null, seed),
                        System.out,
                        (vendor, callId, nanos) -> acknowledged.put(vendor + ":" + callId, nanos));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (seen.containsAll(acknowledged.keySet()) == false && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        polling.set(false);
        poller.join();
        long visible = acknowledged.keySet().stream().filter(seen::contains).count();
        double wall = (lastRowNanos[0] - started) / 1e9;
        if (run.failed() > 0) {
            System.out.printf("  %,d pushes failed%n", run.failed());
        }
        return new Measurement(rate, run.expected().calls(), visible, visible / wall, wall, latency);
    }

    /**
     * How far back each poll looks (by the row's finalisation time): a call whose row appears later
     * than this after its finalisation is not seen, and its step fails, as it should.
     */
    private static final long RECENT_SECONDS = 20;

    private static void poll(
            String url,
            Map<String, Long> acknowledged,
            Set<String> seen,
            Histogram latency,
            AtomicBoolean polling,
            long[] lastRowNanos) {
        Set<String> early = new java.util.HashSet<>();
        try (Connection connection = DuckDbDatabases.connect(url)) {
            while (polling.get()) {
                long now = System.nanoTime();
                LocalDateTime since =
                        LocalDateTime.ofInstant(Instant.now().minusSeconds(RECENT_SECONDS), ZoneOffset.UTC);
                try (PreparedStatement recent = connection.prepareStatement(
                        "SELECT vendor || ':' || call_id FROM calls WHERE finalised_at >= ?")) {
                    recent.setTimestamp(1, Timestamp.valueOf(since));
                    try (ResultSet rows = recent.executeQuery()) {
                        while (rows.next()) {
                            String key = rows.getString(1);
                            if (!seen.contains(key)) {
                                early.add(key);
                            }
                        }
                    }
                    // (a row can be there before its call's last push is acknowledged: a late or
                    // retried push that changes nothing; it is counted once that push is, and must
                    // not be missed when the row's finalisation falls out of the polled window)
                    for (var keys = early.iterator(); keys.hasNext(); ) {
                        String key = keys.next();
                        Long acked = acknowledged.get(key);
                        if (acked != null) {
                            keys.remove();
                            if (seen.add(key)) {
                                latency.recordValue(Math.max(0, (now - acked) / 1000));
                                lastRowNanos[0] = now;
                            }
                        }
                    }
                } catch (java.sql.SQLException notYet) {
                    // the sink has not created its tables yet
                }
                Thread.sleep(50);
            }
        } catch (Exception e) {
            throw new IllegalStateException("polling DuckDB failed", e);
        }
    }
}
