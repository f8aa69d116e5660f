package io.callstream.processor;

import io.callstream.processor.domain.CodeTable;
import io.callstream.processor.topology.CallTopology;
import io.callstream.processor.topology.TopologySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the processor's topology as a Kafka Streams application. */
public final class CallProcessor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallProcessor.class);

    private final KafkaStreams streams;
    private final ProcessorMetrics metrics;

    private CallProcessor(KafkaStreams streams, ProcessorMetrics metrics) {
        this.streams = streams;
        this.metrics = metrics;
    }

    /**
     * Runs until stopped (SIGTERM, Ctrl-C); exits with status 1 when Kafka Streams fails for good, so
     * a supervisor (Docker's restart policy, systemd) starts it again.
     */
    public static void main(String[] args) throws InterruptedException {
        CallProcessor processor = start(ProcessorSettings.fromEnvironment(System.getenv()), Duration.ofMinutes(2));
        CountDownLatch stopping = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stopping.countDown();
                            processor.close();
                        },
                        "processor-stop"));
        while (!stopping.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            KafkaStreams.State state = processor.state();
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                log.error("Kafka Streams is {}: exiting so that the processor is restarted", state);
                processor.close();
                System.exit(1);
            }
        }
    }

    /** Starts the application and waits until it is running (its source topics must exist). */
    public static CallProcessor start(ProcessorSettings settings, Duration timeout) {
        Map<String, Object> serdes = Map.of("schema.registry.url", settings.schemaRegistryUrl());
        ReferenceDataLoader reference = new ReferenceDataLoader(settings.bootstrapServers(), serdes);
        reference.ensureTopics(settings.replicationFactor());
        reference.seedIfEmpty().forEach(summary -> log.info("Seeded the shipped reference data: {}", summary));
        ProcessorMetrics metrics = new ProcessorMetrics();
        if (settings.metricsPort() >= 0) {
            metrics.serve(settings.metricsHost(), settings.metricsPort());
        }
        TopologySettings topology = new TopologySettings(
                serdes,
                Set.copyOf(CodeTable.BUNDLED_VENDORS),
                settings.finaliseAfter(),
                settings.retainFor(),
                settings.lateHorizon(),
                settings.maxEventsPerCall(),
                Duration.ofSeconds(10),
                settings.alerts(),
                settings.reconciliation(),
                metrics);
        KafkaStreams streams = new KafkaStreams(CallTopology.build(topology), streamsConfig(settings));
        metrics.bind(streams);
        streams.setUncaughtExceptionHandler(new RetryingExceptionHandler(metrics));
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        Instant begin = Instant.now();
        streams.start();
        try {
            if (!running.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                streams.close(Duration.ofSeconds(5));
                metrics.close();
                throw new IllegalStateException("The processor did not reach RUNNING within " + timeout + " (state "
                        + streams.state() + "): are Kafka and the topics there?");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            streams.close(Duration.ofSeconds(5));
            metrics.close();
            throw new IllegalStateException("Interrupted while starting the processor", e);
        }
        log.info(
                "Processor {} running ({}) after {} ms",
                settings.applicationId(),
                settings.processingGuarantee(),
                Duration.between(begin, Instant.now()).toMillis());
        return new CallProcessor(streams, metrics);
    }

    /** The Kafka Streams configuration the processor runs with (also that of the benchmark's baseline). */
    public static Properties streamsConfig(ProcessorSettings settings) {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, settings.processingGuarantee());
        config.put(
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                settings.commitInterval().toMillis());
        config.put(
                StreamsConfig.STATE_DIR_CONFIG,
                settings.stateDirectory().toAbsolutePath().toString());
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, settings.replicationFactor());
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
        config.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, settings.standbyReplicas());
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int)
                settings.sessionTimeout().toMillis());
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), (int)
                Math.max(500, settings.sessionTimeout().toMillis() / 3));
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // No record stops the processor: failures of one record go to dead-letters (transient ones fail the task).
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, RecordErrorHandler.class);
        config.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, RecordErrorHandler.class);
        config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, RecordErrorHandler.class);
        config.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        config.put(BoundedRocksDbMemory.MEMORY_CONFIG, Long.toString(settings.rocksDbMemoryBytes()));
        config.put("schema.registry.url", settings.schemaRegistryUrl());
        return config;
    }

    /** The metrics in Prometheus' text format (also served on {@code METRICS_PORT}). */
    public String scrapeMetrics() {
        return metrics.scrape();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * Stops and leaves the consumer group, so a restarted instance gets its partitions at once
     * instead of after the session timeout (45 s by default) of this one.
     */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        metrics.close();
    }
}
