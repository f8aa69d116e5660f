package io.callstream.connect.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.callstream.connect.duckdb.DuckDbDatabases;
import io.callstream.connect.sink.JdbcSelect;
import io.callstream.connect.sink.Table;
import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.schema.Call;
import io.callstream.schema.CallLeg;
import io.callstream.schema.CallOutcome;
import io.callstream.schema.DeadLetter;
import io.callstream.schema.FailureCategory;
import io.callstream.schema.HangupSide;
import io.callstream.schema.Leg;
import io.callstream.testkit.TestPlatform;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Kafka Connect worker (standalone, in-process) with callstream's Avro converter and the
 * DuckDB and PostgreSQL sinks, against the real broker and registry: calls arrive as rows, a newer
 * version replaces an older one, bad records go to the dead-letter queue with the reason, and a
 * worker restarted resumes at the offsets its sinks committed (the first run's bad records are not
 * dead-lettered again), losing and duplicating nothing.
 */
class ConnectWorkerIT {

    static final Instant T0 = Instant.parse("2024-05-01T02:00:00Z");

    final TestPlatform platform = TestPlatform.shared();
    final String suffix = UUID.randomUUID().toString().substring(0, 8);
    final String callsTopic = "calls-" + suffix;
    final String deadLetterTopic = "sink-dead-letters-" + suffix;

    @TempDir
    Path dir;

    @Test
    void shouldWriteCallsThroughARealWorkerAndResumeAfterARestart() throws Exception {
        String duckdb = "jdbc:duckdb:" + dir.resolve("calls.duckdb");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
            String postgresUrl = postgres.getJdbcUrl("postgres", "postgres");
            List<Object> first = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                first.add(call("c" + i, 1, 30));
            }
            produce(first);
            produceRaw("not avro at all".getBytes(StandardCharsets.UTF_8));
            produce(List.of(deadLetter()), "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy");

            Connect<StandaloneHerder> worker = startWorker(duckdb, postgresUrl);
            try {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                    assertThat(duckDbCalls(duckdb)).hasSize(50);
                    assertThat(postgresCalls(postgresUrl)).hasSize(50);
                });
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(records(deadLetterTopic))
                                .isEqualTo(4)); // two bad records, once per connector
                // the sinks commit what they wrote: all of the topic, so far
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(committed("duckdb-" + suffix)).isEqualTo(records(callsTopic));
                    assertThat(committed("postgres-" + suffix)).isEqualTo(records(callsTopic));
                });
            } finally {
                worker.stop();
                worker.awaitStop();
            }
            long firstRun = records(callsTopic);
            assertThat(committed("duckdb-" + suffix)).isEqualTo(firstRun);

            List<Object> second = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                second.add(call("c" + i, 2, 90)); // corrections
                second.add(call("c" + i, 1, 30)); // a vendor retry of an old version
            }
            for (int i = 50; i < 60; i++) {
                second.add(call("c" + i, 1, 30));
            }
            produce(second);

            worker = startWorker(duckdb, postgresUrl);
            try {
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    expected.add("ytx|c" + i + "|" + (i < 10 ? "2|90" : "1|30"));
                }
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                    assertThat(duckDbCalls(duckdb)).containsExactlyInAnyOrderElementsOf(expected);
                    assertThat(postgresCalls(postgresUrl)).containsExactlyInAnyOrderElementsOf(expected);
                });
                try (Connection connection = DriverManager.getConnection(postgresUrl)) {
                    assertThat(JdbcSelect.select(connection, JdbcSelect.table("call_legs"), "talk_seconds"))
                            .hasSize(120);
                }
                // resumed where the first run committed, not re-read from the start: the new records
                // are committed, and the bad records of the first run were not dead-lettered again
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(committed("duckdb-" + suffix)).isEqualTo(firstRun + second.size());
                    assertThat(committed("postgres-" + suffix)).isEqualTo(firstRun + second.size());
                });
                assertThat(records(deadLetterTopic)).isEqualTo(4);
            } finally {
                worker.stop();
                worker.awaitStop();
            }
        } finally {
            DuckDbDatabases.close(duckdb);
        }
    }

    private Connect<StandaloneHerder> startWorker(String duckdb, String postgresUrl) throws Exception {
        Map<String, String> worker = new HashMap<>();
        worker.put("bootstrap.servers", platform.bootstrapServers());
        worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("value.converter", "io.callstream.connect.converter.AvroConverter");
        worker.put("value.converter.schema.registry.url", platform.schemaRegistryUrl());
        worker.put(
                "offset.storage.file.filename", dir.resolve("connect.offsets").toString());
        worker.put("offset.flush.interval.ms", "500");
        worker.put("listeners", "http://127.0.0.1:0");
        worker.put("plugin.discovery", "service_load");
        Connect<StandaloneHerder> connect = new ConnectStandalone().startConnect(worker);
        addConnector(connect, "duckdb-" + suffix, "io.callstream.connect.duckdb.DuckDbSinkConnector", duckdb);
        addConnector(
                connect, "postgres-" + suffix, "io.callstream.connect.postgres.PostgresSinkConnector", postgresUrl);
        return connect;
    }

    private void addConnector(Connect<StandaloneHerder> connect, String name, String type, String url)
            throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put("name", name);
        config.put("connector.class", type);
        config.put("tasks.max", "1");
        config.put("topics", callsTopic);
        config.put("connection.url", url);
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", deadLetterTopic);
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        config.put("consumer.override.auto.offset.reset", "earliest");
        FutureCallback<Herder.Created<ConnectorInfo>> created = new FutureCallback<>();
        connect.herder().putConnectorConfig(name, config, true, created);
        created.get(30, TimeUnit.SECONDS);
    }

    /** The offsets a sink connector's consumer group committed on the calls topic, summed. */
    private long committed(String connector) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", platform.bootstrapServers()))) {
            return admin
                    .listConsumerGroupOffsets("connect-" + connector)
                    .partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS)
                    .entrySet()
                    .stream()
                    .filter(entry -> entry.getKey().topic().equals(callsTopic) && entry.getValue() != null)
                    .mapToLong(entry -> entry.getValue().offset())
                    .sum();
        }
    }

    /** How many records a topic holds (0 before it exists). */
    private long records(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", platform.bootstrapServers()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.listTopics().getOrDefault(topic, List.of()).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            return consumer.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    private static List<String> duckDbCalls(String url) throws Exception {
        try (Connection connection = DuckDbDatabases.connect(url)) {
            return JdbcSelect.select(connection, JdbcSelect.table(Table.Kind.CALLS.defaultName()), "talk_seconds");
        }
    }

    private static List<String> postgresCalls(String url) throws Exception {
        try (Connection connection = DriverManager.getConnection(url)) {
            return JdbcSelect.select(connection, JdbcSelect.table(Table.Kind.CALLS.defaultName()), "talk_seconds");
        }
    }

    private void produce(List<Object> values) throws Exception {
        produce(values, "io.confluent.kafka.serializers.subject.TopicNameStrategy");
    }

    private void produce(List<Object> values, String subjectStrategy) throws Exception {
        KafkaAvroSerializer serializer = new KafkaAvroSerializer();
        serializer.configure(
                Map.of(
                        "schema.registry.url",
                        platform.schemaRegistryUrl(),
                        "value.subject.name.strategy",
                        subjectStrategy),
                false);
        List<byte[]> raw = new ArrayList<>();
        for (Object value : values) {
            raw.add(serializer.serialize(callsTopic, value));
        }
        produceRaw(raw.toArray(byte[][]::new));
    }

    private void produceRaw(byte[]... values) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", platform.bootstrapServers(), "acks", "all"),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(callsTopic, "key".getBytes(StandardCharsets.UTF_8), value))
                        .get();
            }
        }
    }

    static Call call(String callId, int version, int talk) {
        CallLeg.Builder leg = CallLeg.newBuilder()
                .setPartyNumber("18610559223")
                .setFailureCategory(FailureCategory.NONE)
                .setAnswerTime(T0)
                .setEndTime(T0.plusSeconds(talk))
                .setTalkSeconds(talk);
        return Call.newBuilder()
                .setVendor("ytx")
                .setTenantId("t-1")
                .setCallId(callId)
                .setVersion(version)
                .setLegA(leg.setLeg(Leg.A).build())
                .setLegB(CallLeg.newBuilder(leg.build()).setLeg(Leg.B).build())
                .setOutcome(CallOutcome.CONNECTED)
                .setFailureCategory(FailureCategory.NONE)
                .setHangupSide(HangupSide.A)
                .setStartTime(T0)
                .setBridgeTime(T0)
                .setEndTime(T0.plusSeconds(talk))
                .setTalkSeconds(talk)
                .setBilledSeconds(((talk + 59) / 60) * 60)
                .setAmount(new BigDecimal("0.100000"))
                .setCurrency("CNY")
                .setEventCount(2)
                .setFinalisedAt(T0.plusSeconds(talk + 1))
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setDeadLetterId("d-1")
                .setComponent("test")
                .setError("not a call")
                .setFailedAt(T0)
                .setHeaders(Map.of())
                .build();
    }
}
