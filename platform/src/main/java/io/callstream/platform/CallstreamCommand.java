package io.callstream.platform;

import io.callstream.platform.EmbeddedPlatform.Settings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code ./callstream} command line. */
@Command(
        name = "callstream",
        mixinStandardHelpOptions = true,
        version = "callstream 0.1.0-SNAPSHOT",
        description = "Runs callstream on this machine.",
        subcommands = {CallstreamCommand.Up.class})
public final class CallstreamCommand {

    public static void main(String[] args) {
        System.exit(new CommandLine(new CallstreamCommand()).execute(args));
    }

    /** Starts the embedded platform and runs it until Ctrl-C. */
    @Command(
            name = "up",
            mixinStandardHelpOptions = true,
            description = "Starts the pipeline on its embedded default and runs it until Ctrl-C;"
                    + " a restart resumes with all data intact.")
    static final class Up implements Callable<Integer> {

        @Option(
                names = "--data-dir",
                defaultValue = "data",
                description = "Where data is kept (default: ${DEFAULT-VALUE}).")
        Path dataDirectory;

        @Option(
                names = "--kafka-port",
                defaultValue = "9092",
                description = "Kafka client port (default: ${DEFAULT-VALUE}).")
        int kafkaPort;

        @Option(
                names = "--kafka-controller-port",
                defaultValue = "9093",
                description = "Kafka KRaft controller port (default: ${DEFAULT-VALUE}).")
        int kafkaControllerPort;

        @Option(
                names = "--registry-port",
                defaultValue = "8081",
                description = "Schema registry port (default: ${DEFAULT-VALUE}).")
        int registryPort;

        @Option(
                names = "--ingest-port",
                defaultValue = "8090",
                description = "Ingest service (webhook) port (default: ${DEFAULT-VALUE}).")
        int ingestPort;

        @Option(
                names = "--partitions",
                defaultValue = "3",
                description = "Partitions of each topic created on first start (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Override
        public Integer call() throws InterruptedException {
            Settings settings = new Settings(
                    dataDirectory, kafkaPort, kafkaControllerPort, registryPort, ingestPort, partitions, true);
            EmbeddedPlatform platform = EmbeddedPlatform.start(settings, line -> System.out.println("  " + line));
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                System.out.println("Stopping callstream ...");
                                platform.close();
                                stopped.countDown();
                            },
                            "callstream-stop"));
            System.out.printf(
                    "%ncallstream is up. Press Ctrl-C to stop.%n"
                            + "  Kafka bootstrap servers  %s%n"
                            + "  Schema registry          %s%n"
                            + "  Ingest service           %s (/health, /ready, /prometheus)%n"
                            + "  Data                     %s%n%n"
                            + "Vendor webhook endpoints:%n",
                    platform.bootstrapServers(),
                    platform.schemaRegistryUrl(),
                    platform.ingestUrl(),
                    dataDirectory.toAbsolutePath());
            platform.vendors()
                    .forEach(vendor -> System.out.printf("  POST %s/webhooks/%s%n", platform.ingestUrl(), vendor));
            stopped.await();
            return 0;
        }
    }
}
