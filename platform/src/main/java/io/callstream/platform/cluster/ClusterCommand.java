package io.callstream.platform.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./callstream cluster up}: the distributed deployment of docker-compose.yml as local processes. */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = "The distributed shape of docker-compose.yml on this machine, without Docker.",
        subcommands = {ClusterCommand.Up.class})
public final class ClusterCommand {

    /** Starts the cluster and keeps it running until Ctrl-C, restarting what dies as compose would. */
    @Command(
            name = "up",
            mixinStandardHelpOptions = true,
            description = "Starts three Kafka brokers (RF 3, min ISR 2), the schema registry, the ingest service,"
                    + " processors sharing one application id and two distributed Connect workers with the"
                    + " PostgreSQL (embedded) and ClickHouse (when installed) sinks, each its own process, with"
                    + " docker-compose.yml's settings; runs until Ctrl-C. A component that dies (kill -9 one to"
                    + " try) is started again after 10 s, as compose's restart: unless-stopped does.")
    static final class Up implements Callable<Integer> {

        @Option(
                names = "--data-dir",
                defaultValue = "data/cluster",
                description = "Where the brokers, processors and stores keep their data and logs"
                        + " (default: ${DEFAULT-VALUE}).")
        Path directory;

        @Option(
                names = "--processors",
                defaultValue = "2",
                description = "Processor instances (default: ${DEFAULT-VALUE}).")
        int processors;

        @Option(
                names = "--connect-workers",
                defaultValue = "2",
                description = "Connect workers in one group (default: ${DEFAULT-VALUE}).")
        int connectWorkers;

        @Option(
                names = "--compose-dir",
                defaultValue = ".",
                description = "Where docker-compose.yml and deploy/ are (default: the current directory).")
        Path root;

        @Option(names = "--no-clickhouse", description = "Only the PostgreSQL sink, even if ClickHouse is installed.")
        boolean noClickHouse;

        @Option(
                names = "--processing-guarantee",
                defaultValue = "exactly_once_v2",
                description = "The processors' guarantee: exactly_once_v2 (default) or at_least_once, to compare them.")
        String processingGuarantee;

        static final Duration RESTART_AFTER = Duration.ofSeconds(10);

        @Override
        public Integer call() throws InterruptedException {
            LocalCluster.Options options = LocalCluster.Options.defaults(root, directory)
                    .withProcessors(processors)
                    .withConnectWorkers(connectWorkers)
                    .withProcessorEnvironment(Map.of("CALLSTREAM_PROCESSOR_PROCESSING_GUARANTEE", processingGuarantee))
                    .withProgress(line -> System.out.println("  " + line));
            if (noClickHouse) {
                options = options.withClickHouse(false);
            }
            System.out.println("Starting the local cluster (logs in " + directory.resolve("logs") + ") ...");
            LocalCluster cluster = LocalCluster.start(options);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                System.out.println("Stopping the local cluster ...");
                                stopped.countDown();
                                cluster.close();
                            },
                            "cluster-stop"));
            System.out.printf(
                    "%nThe local cluster is up. Press Ctrl-C to stop.%n"
                            + "  Kafka bootstrap servers  %s%n"
                            + "  Schema registry          %s%n"
                            + "  Ingest service           %s (/health, /ready, /prometheus)%n"
                            + "  PostgreSQL               %s (user %s, password %s)%n"
                            + "%s"
                            + "  Try:  ./callstream simulate --ingest-url %s --rate 100 --duration 60s%n"
                            + "  Processes (kill -9 one; it comes back after %d s):%n",
                    cluster.bootstrapServers(),
                    cluster.registryUrl(),
                    cluster.ingestUrl(),
                    cluster.postgres().jdbcUrl(),
                    cluster.postgres().readerUser(),
                    cluster.postgres().readerPassword(),
                    cluster.clickHouse() == null
                            ? ""
                            : String.format(
                                    "  ClickHouse               %s/?database=callstream%n",
                                    cluster.clickHouse().url()),
                    cluster.ingestUrl(),
                    RESTART_AFTER.toSeconds());
            cluster.children().forEach(child -> System.out.printf("    %-16s pid %d%n", child.name(), child.pid()));
            Map<ChildJvm, Long> deadSince = new HashMap<>();
            while (!stopped.await(1, TimeUnit.SECONDS)) {
                for (ChildJvm child : cluster.children()) {
                    if (child.isAlive()) {
                        deadSince.remove(child);
                        continue;
                    }
                    long since = deadSince.computeIfAbsent(child, dead -> {
                        System.out.println("  " + dead.name() + " is down; starting it again in "
                                + RESTART_AFTER.toSeconds() + " s");
                        return System.nanoTime();
                    });
                    if (System.nanoTime() - since >= RESTART_AFTER.toNanos() && stopped.getCount() > 0) {
                        child.start();
                        deadSince.remove(child);
                        System.out.println("  " + child.name() + " started again (pid " + child.pid() + ")");
                    }
                }
            }
            return 0;
        }
    }
}
