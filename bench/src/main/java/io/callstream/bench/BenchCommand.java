package io.callstream.bench;

import io.callstream.platform.EmbeddedPlatform;
import io.callstream.platform.EmbeddedPlatform.Settings;
import io.callstream.schema.Topics;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench/run <benchmark>}: callstream's benchmarks. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        subcommands = {
            BenchCommand.Ingest.class,
            ProcessorBenchmark.class,
            SinkBenchmark.class,
            EndToEndBenchmark.class,
            ClusterBenchmark.class
        })
public final class BenchCommand {

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    /**
     * The ingest service on the embedded platform (broker co-located), driven over HTTP with the
     * vendor mix: maximum sustained rate, latency at a fixed rate, and two baselines in the same
     * service: storing the raw body only ({@link RawArchiveController}, the ceiling) and a trivial
     * endpoint.
     */
    @Command(name = "ingest", mixinStandardHelpOptions = true, description = "Benchmarks the ingest service.")
    static final class Ingest implements Callable<Integer> {

        @Option(
                names = "--duration",
                defaultValue = "60s",
                description = "Each measured phase (default ${DEFAULT-VALUE}).")
        String duration;

        @Option(
                names = "--warmup",
                defaultValue = "20s",
                description = "Warm-up before measuring (default ${DEFAULT-VALUE}).")
        String warmup;

        @Option(
                names = "--connections",
                defaultValue = "64",
                description = "Concurrent connections (default ${DEFAULT-VALUE}).")
        int connections;

        @Option(
                names = "--rate",
                defaultValue = "2000",
                description = "Fixed rate, pushes/s (default ${DEFAULT-VALUE}).")
        int rate;

        @Override
        public Integer call() throws Exception {
            Path data = Files.createTempDirectory("callstream-bench-");
            try (EmbeddedPlatform platform = EmbeddedPlatform.start(
                    new Settings(data, 0, 0, 0, -1, 3, false), line -> System.out.println("  " + line))) {
                URI ingest = URI.create(platform.ingestUrl());
                InetSocketAddress address = new InetSocketAddress(ingest.getHost(), ingest.getPort());
                AtomicLong sequence = new AtomicLong();
                LoadRun pushes = new LoadRun(address, null, sequence);
                LoadRun archive = new LoadRun(address, "/bench/archive/mix", sequence);
                LoadRun noop = new LoadRun(address, "/bench/noop", sequence);
                Duration measured = parse(duration);

                System.out.printf("Warming up for %s ...%n", warmup);
                pushes.closedLoop("warm-up", connections, parse(warmup));
                archive.closedLoop("warm-up", connections, parse(warmup).dividedBy(3));
                noop.closedLoop("warm-up", connections, parse(warmup).dividedBy(3));
                long archivedBefore = endOffset(platform, Topics.WEBHOOKS_RAW);

                System.out.printf("Measuring (%s each) ...%n", duration);
                var max = pushes.closedLoop("webhooks, max (" + connections + " conns)", connections, measured);
                var fixed = pushes.fixedRate("webhooks, fixed " + rate + "/s", connections, rate, measured);
                long webhooksArchived = endOffset(platform, Topics.WEBHOOKS_RAW) - archivedBefore;
                var ceiling = archive.closedLoop("raw archive only, max", connections, measured);
                var baseline = noop.closedLoop("trivial endpoint, max", connections, measured);

                System.out.println();
                System.out.println(LoadRun.Result.header());
                List.of(max, fixed, ceiling, baseline).forEach(result -> System.out.println(result.row()));
                System.out.printf(
                        "%nwebhook rate / raw-archive rate = %.2f, / trivial endpoint rate = %.2f%n",
                        max.perSecond() / ceiling.perSecond(), max.perSecond() / baseline.perSecond());
                long accepted = max.requests() - max.failures() + fixed.requests() - fixed.failures();
                System.out.printf(
                        "accepted pushes %d, archived on %s %d (%s)%n",
                        accepted,
                        Topics.WEBHOOKS_RAW,
                        webhooksArchived,
                        accepted == webhooksArchived ? "every acknowledged push is stored" : "MISMATCH");
                return accepted == webhooksArchived ? 0 : 1;
            }
        }

        private static long endOffset(EmbeddedPlatform platform, String topic) throws Exception {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrapServers()))) {
                return EndOffsets.of(admin, topic).values().stream()
                        .mapToLong(Long::longValue)
                        .sum();
            }
        }

        private static Duration parse(String text) {
            return Duration.parse("PT" + text.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
