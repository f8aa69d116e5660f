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
 * and the sustained rate of calls from webhook to row.
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
                            new TrafficSimulator.Options(ingest, rate, Duration.ofSeconds(seconds), null, 2),
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
            System.out.printf(
                    "%n%,d calls sent at %.0f/s (%,d pushes, %,d failed); %,d of them visible in DuckDB%n",
                    run.expected().calls(), rate, run.pushes(), run.failed(), visible);
            System.out.printf(
                    "webhook to DuckDB row: %.0f calls/s sustained (first push to last row: %.1f s)%n",
                    visible / wall, wall);
            System.out.printf(
                    "latency from the last acknowledgement to the row: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms"
                            + " (rows polled every 50 ms)%n",
                    latency.getValueAtPercentile(50) / 1000.0,
                    latency.getValueAtPercentile(90) / 1000.0,
                    latency.getValueAtPercentile(99) / 1000.0,
                    latency.getMaxValue() / 1000.0);
            return visible == run.expected().calls() ? 0 : 1;
        }
    }

    private static void poll(
            String url,
            Map<String, Long> acknowledged,
            Set<String> seen,
            Histogram latency,
            AtomicBoolean polling,
            long[] lastRowNanos) {
        try (Connection connection = DuckDbDatabases.connect(url)) {
            while (polling.get()) {
                long now = System.nanoTime();
                LocalDateTime since = LocalDateTime.ofInstant(Instant.now().minusSeconds(60), ZoneOffset.UTC);
                try (PreparedStatement recent = connection.prepareStatement(
                        "SELECT vendor || ':' || call_id FROM calls WHERE finalised_at >= ?")) {
                    recent.setTimestamp(1, Timestamp.valueOf(since));
                    try (ResultSet rows = recent.executeQuery()) {
                        while (rows.next()) {
                            String key = rows.getString(1);
                            Long acked = acknowledged.get(key);
                            if (acked != null && seen.add(key)) {
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
