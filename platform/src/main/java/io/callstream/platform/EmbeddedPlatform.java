package io.callstream.platform;

import io.callstream.ingest.vendor.VendorAdapter;
import io.callstream.kafka.embedded.EmbeddedKafkaBroker;
import io.callstream.processor.CallProcessor;
import io.callstream.processor.ProcessorSettings;
import io.callstream.registry.server.SchemaRegistryServer;
import io.callstream.registry.server.SchemaRegistryServer.SchemaRegistryConfig;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The whole pipeline on one machine: a real KRaft broker with its data under {@code dataDirectory},
 * the schema registry storing its schemas in that broker (so a restart resumes with everything
 * intact), the ingest service taking vendor webhooks, and the processor joining them into rated
 * calls. Components start in dependency order and stop in reverse.
 */
public final class EmbeddedPlatform implements AutoCloseable {

    private final List<AutoCloseable> started = new ArrayList<>();
    private EmbeddedKafkaBroker broker;
    private SchemaRegistryServer registry;
    private EmbeddedServer ingest;
    private CallProcessor processor;

    private EmbeddedPlatform() {}

    /**
     * @param settings where data lives and which ports to use
     * @param progress receives one line per step, as it completes
     */
    public static EmbeddedPlatform start(Settings settings, Consumer<String> progress) throws InterruptedException {
        EmbeddedPlatform platform = new EmbeddedPlatform();
        try {
            platform.startKafka(settings, progress);
            platform.startRegistry(settings, progress);
            platform.startIngest(settings, progress);
            if (settings.runProcessor()) {
                platform.startProcessor(settings, progress);
            }
            return platform;
        } catch (RuntimeException | InterruptedException e) {
            platform.close();
            throw e;
        }
    }

    private void startKafka(Settings settings, Consumer<String> progress) throws InterruptedException {
        Instant begin = Instant.now();
        progress.accept(
                "Starting Kafka (KRaft, data in " + settings.dataDirectory().resolve("kafka") + ") ...");
        broker = EmbeddedKafkaBroker.builder()
                .dataDirectory(settings.dataDirectory().resolve("kafka"))
                .port(settings.kafkaPort())
                .controllerPort(settings.kafkaControllerPort())
                .build();
        started.add(broker);
        broker.start();
        int created = TopicProvisioner.provision(broker.bootstrapServers(), settings.partitions());
        progress.accept("Kafka ready at " + broker.bootstrapServers() + " in " + millisSince(begin) + " ms"
                + (created > 0 ? " (" + created + " topics created)" : ""));
    }

    private void startRegistry(Settings settings, Consumer<String> progress) throws InterruptedException {
        Instant begin = Instant.now();
        progress.accept("Starting the schema registry ...");
        registry = SchemaRegistryServer.start(
                SchemaRegistryConfig.embedded(broker.bootstrapServers()).withPort(settings.registryPort()));
        started.add(registry);
        progress.accept("Schema registry ready at " + registry.url() + " in " + millisSince(begin) + " ms");
    }

    private void startIngest(Settings settings, Consumer<String> progress) {
        Instant begin = Instant.now();
        progress.accept("Starting the ingest service ...");
        ingest = ApplicationContext.run(
                EmbeddedServer.class,
                Map.of(
                        "micronaut.server.port", settings.ingestPort(),
                        "callstream.ingest.bootstrap-servers", broker.bootstrapServers(),
                        "callstream.ingest.schema-registry-url", registry.url()));
        started.add(ingest::stop);
        progress.accept("Ingest service ready at " + ingestUrl() + " in " + millisSince(begin) + " ms");
    }

    private void startProcessor(Settings settings, Consumer<String> progress) {
        Instant begin = Instant.now();
        progress.accept("Starting the processor (exactly-once, state in "
                + settings.dataDirectory().resolve("processor") + ") ...");
        // The user's CALLSTREAM_PROCESSOR_* variables apply, but not to what the platform decides.
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.put("CALLSTREAM_PROCESSOR_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        environment.put("CALLSTREAM_PROCESSOR_SCHEMA_REGISTRY_URL", registry.url());
        environment.put(
                "CALLSTREAM_PROCESSOR_STATE_DIR",
                settings.dataDirectory().resolve("processor").toString());
        environment.put("CALLSTREAM_PROCESSOR_REPLICATION_FACTOR", "1");
        processor = CallProcessor.start(ProcessorSettings.fromEnvironment(environment), Duration.ofMinutes(2));
        started.add(processor);
        progress.accept("Processor running in " + millisSince(begin) + " ms");
    }

    /** The ingest service's base URL; vendors push to {@code <url>/webhooks/<vendor>}. */
    public String ingestUrl() {
        return ingest.getURL().toString();
    }

    /** The vendors the ingest service accepts pushes from, sorted. */
    public List<String> vendors() {
        return ingest.getApplicationContext().getBeansOfType(VendorAdapter.class).stream()
                .map(VendorAdapter::vendor)
                .sorted()
                .toList();
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String schemaRegistryUrl() {
        return registry.url();
    }

    /** Stops what was started, newest first. */
    @Override
    public void close() {
        for (AutoCloseable component : started.reversed()) {
            try {
                component.close();
            } catch (Exception e) {
                System.err.println("Error stopping " + component.getClass().getSimpleName() + ": " + e);
            }
        }
        started.clear();
    }

    private static long millisSince(Instant begin) {
        return Duration.between(begin, Instant.now()).toMillis();
    }

    /**
     * @param dataDirectory where every component keeps its data (default {@code ./data})
     * @param kafkaPort the broker's client port (default 9092; 0 picks a free one)
     * @param kafkaControllerPort the broker's KRaft controller port (default 9093; 0 picks a free one)
     * @param registryPort the schema registry's port (default 8081; 0 picks a free one)
     * @param ingestPort the ingest service's port (default 8090; -1 picks a free one)
     * @param partitions partitions of each topic created on first start (default 3)
     * @param runProcessor whether to run the processor (benchmarks of ingest alone turn it off)
     */
    public record Settings(
            Path dataDirectory,
            int kafkaPort,
            int kafkaControllerPort,
            int registryPort,
            int ingestPort,
            int partitions,
            boolean runProcessor) {}
}
