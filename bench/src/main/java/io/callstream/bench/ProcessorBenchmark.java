package io.callstream.bench;

import io.callstream.platform.EmbeddedPlatform;
import io.callstream.platform.EmbeddedPlatform.Settings;
import io.callstream.processor.CallProcessor;
import io.callstream.processor.ProcessorSettings;
import io.callstream.registry.serde.KafkaAvroDeserializer;
import io.callstream.schema.CallEvent;
import io.callstream.schema.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The processor's topology on the embedded broker over a large generated call-events topic: leg
 * events/s until the application has caught up (its committed offsets reach the end), with
 * exactly-once at two commit intervals and at-least-once, each beside its ceiling (the
 * {@link MinimalStatefulApp} with the same Streams configuration), and a plain consumer that only
 * reads and decodes the same topic.
 */
@Command(name = "processor", mixinStandardHelpOptions = true, description = "Benchmarks the processor.")
final class ProcessorBenchmark implements Callable<Integer> {

    @Option(
            names = "--events",
            defaultValue = "1000000",
            description = "Call events to generate (default ${DEFAULT-VALUE}).")
    long events;

    @Option(
            names = "--runs",
            split = ",",
            defaultValue = "eos-100ms,eos-1s,alos-1s",
            description = "Which runs, in order (default ${DEFAULT-VALUE}).")
    List<String> runs;

    @Override
    public Integer call() throws Exception {
        Path data = Files.createTempDirectory("callstream-bench-");
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(
                new Settings(data, 0, 0, 0, -1, 3, false), line -> System.out.println("  " + line))) {
            long produced = produce(platform);
            System.out.printf("%d call events on %s%n%n", produced, Topics.CALL_EVENTS);
            System.out.printf("%-34s %10s %9s %12s%n", "run", "events", "seconds", "events/s");
            Duration plain = consumeOnly(platform, produced);
            row("plain consumer (read + decode)", produced, plain);
            Map<String, Run> known = Map.of(
                    "eos-100ms", new Run("exactly_once_v2, commit 100 ms", "exactly_once_v2", 100),
                    "eos-1s", new Run("exactly_once_v2, commit 1 s", "exactly_once_v2", 1_000),
                    "alos-1s", new Run("at_least_once, commit 1 s", "at_least_once", 1_000));
            for (String name : runs) {
                Run run = known.get(name);
                if (run == null) {
                    throw new IllegalArgumentException("unknown run '" + name + "'; known: " + known.keySet());
                }
                Duration full = process(platform, run, data);
                row(run.name(), produced, full);
                Duration minimal = minimal(platform, run, data);
                row("  minimal stateful app, same config", produced, minimal);
                System.out.printf(
                        "  %-32s %.2f of the minimal stateful app, %.2f of the plain consumer%n",
                        "full topology:",
                        minimal.toNanos() / (double) full.toNanos(),
                        plain.toNanos() / (double) full.toNanos());
            }
            return 0;
        }
    }

    private record Run(String name, String guarantee, long commitMs) {}

    private long produce(EmbeddedPlatform platform) {
        CallEventsGenerator generator = new CallEventsGenerator();
        long count = 0;
        long started = System.nanoTime();
        try (KafkaProducer<String, Object> producer = BulkProducer.open(platform)) {
            for (long call = 0; count < events; call++) {
                for (CallEvent event : generator.call(call)) {
                    producer.send(new ProducerRecord<>(Topics.CALL_EVENTS, CallEventsGenerator.key(event), event));
                    count++;
                }
                if (call % 100_000 == 0 && call > 0) {
                    System.out.printf("  generated %,d events%n", count);
                }
            }
        }
        System.out.printf("  generated %,d events in %.1f s%n", count, (System.nanoTime() - started) / 1e9);
        return count;
    }

    private Duration consumeOnly(EmbeddedPlatform platform, long expected) {
        KafkaAvroDeserializer values = new KafkaAvroDeserializer();
        values.configure(
                Map.of("schema.registry.url", platform.schemaRegistryUrl(), "specific.avro.reader", true), false);
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "plain-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        long started = System.nanoTime();
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.CALL_EVENTS));
            while (read < expected) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    values.deserialize(record.topic(), record.value());
                    read++;
                }
            }
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private Duration process(EmbeddedPlatform platform, Run run, Path data) throws Exception {
        String applicationId = "bench-" + UUID.randomUUID();
        ProcessorSettings settings = settings(platform, run, data, applicationId);
        long started = System.nanoTime();
        try (CallProcessor processor = CallProcessor.start(settings, Duration.ofMinutes(2));
                Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrapServers()))) {
            awaitCaughtUp(admin, applicationId, run, processor::state);
            return Duration.ofNanos(System.nanoTime() - started);
        }
    }

    /**
     * The {@link MinimalStatefulApp} over the same topic, with the processor's own Streams
     * configuration for this run (guarantee, commit interval, threads, state directory).
     */
    private Duration minimal(EmbeddedPlatform platform, Run run, Path data) throws Exception {
        String applicationId = "bench-minimal-" + UUID.randomUUID();
        String sink = applicationId + "-out";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrapServers()))) {
            int partitions = EndOffsets.of(admin, Topics.CALL_EVENTS).size();
            admin.createTopics(List.of(new NewTopic(sink, partitions, (short) 1)))
                    .all()
                    .get();
            long started = System.nanoTime();
            try (KafkaStreams streams = MinimalStatefulApp.create(
                    CallProcessor.streamsConfig(settings(platform, run, data, applicationId)),
                    Topics.CALL_EVENTS,
                    sink)) {
                streams.start();
                awaitCaughtUp(admin, applicationId, run, streams::state);
                return Duration.ofNanos(System.nanoTime() - started);
            }
        }
    }

    private void awaitCaughtUp(Admin admin, String applicationId, Run run, Supplier<KafkaStreams.State> state)
            throws Exception {
        Map<TopicPartition, Long> ends = EndOffsets.of(admin, Topics.CALL_EVENTS);
        while (!caughtUp(admin, applicationId, ends)) {
            if (state.get() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("the application failed during " + run.name());
            }
            Thread.sleep(250);
        }
    }

    private static ProcessorSettings settings(EmbeddedPlatform platform, Run run, Path data, String applicationId) {
        return ProcessorSettings.fromEnvironment(Map.of(
                "CALLSTREAM_PROCESSOR_BOOTSTRAP_SERVERS", platform.bootstrapServers(),
                "CALLSTREAM_PROCESSOR_SCHEMA_REGISTRY_URL", platform.schemaRegistryUrl(),
                "CALLSTREAM_PROCESSOR_APPLICATION_ID", applicationId,
                "CALLSTREAM_PROCESSOR_STATE_DIR", data.resolve(applicationId).toString(),
                "CALLSTREAM_PROCESSOR_PROCESSING_GUARANTEE", run.guarantee(),
                "CALLSTREAM_PROCESSOR_METRICS_PORT", "0",
                "CALLSTREAM_PROCESSOR_COMMIT_INTERVAL_MS", String.valueOf(run.commitMs())));
    }

    /** Whether the group has committed every partition up to {@code ends}. */
    static boolean caughtUp(Admin admin, String group, Map<TopicPartition, Long> ends) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
        return ends.entrySet().stream().allMatch(end -> {
            OffsetAndMetadata offset = committed.get(end.getKey());
            return offset != null && offset.offset() >= end.getValue();
        });
    }

    private static void row(String name, long count, Duration elapsed) {
        System.out.printf(
                "%-34s %10d %9.1f %12.0f%n",
                name, count, elapsed.toMillis() / 1000.0, count / (elapsed.toNanos() / 1e9));
    }
}
