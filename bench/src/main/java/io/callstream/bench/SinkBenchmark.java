package io.callstream.bench;

import io.callstream.connect.clickhouse.LocalClickHouseServer;
import io.callstream.connect.converter.AvroConverter;
import io.callstream.connect.duckdb.DuckDbDatabases;
import io.callstream.connect.jdbc.JdbcRowWriter;
import io.callstream.connect.postgres.PostgresWriter;
import io.callstream.connect.sink.Row;
import io.callstream.connect.sink.RowMapper;
import io.callstream.connect.sink.SinkSettings;
import io.callstream.connect.sink.Table;
import io.callstream.platform.EmbeddedConnect;
import io.callstream.platform.EmbeddedPlatform;
import io.callstream.platform.EmbeddedPlatform.Settings;
import io.callstream.processor.domain.CallJoiner;
import io.callstream.processor.domain.CodeTable;
import io.callstream.processor.domain.TariffTable;
import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.schema.Call;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.sink.SinkRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The sink connectors on a real Connect worker (in-process, broker co-located) from a topic of
 * generated call records (joined by the processor's own {@link CallJoiner}), timed from connector
 * creation until the store holds every call; beside each, the store's fastest plain bulk load of the
 * same rows (PostgreSQL COPY, DuckDB's appender, one big ClickHouse HTTP insert per table).
 */
@Command(name = "sinks", mixinStandardHelpOptions = true, description = "Benchmarks the sink connectors.")
final class SinkBenchmark implements Callable<Integer> {

    static final String TOPIC = "bench-calls";
    static final int CHUNK = 50_000;

    @Option(
            names = "--calls",
            defaultValue = "1000000",
            description = "Call records to generate (default ${DEFAULT-VALUE}).")
    int calls;

    @Option(
            names = "--targets",
            split = ",",
            defaultValue = "duckdb,postgres,clickhouse",
            description = "Stores, in order (default ${DEFAULT-VALUE}).")
    List<String> targets;

    @Option(
            names = "--batch-size",
            description = "The connectors' batch.size (default: the connectors' default, 10000 rows).")
    Integer batchSize;

    @Override
    public Integer call() throws Exception {
        Path data = Files.createTempDirectory("callstream-sink-bench-");
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(
                new Settings(data, 0, 0, 0, -1, 3, false), line -> System.out.println("  " + line))) {
            produce(platform);
            System.out.printf(
                    "%n%-11s %9s %10s %12s %12s %14s %7s%n",
                    "store", "calls", "rows", "sink s", "sink rows/s", "bulk rows/s", "ratio");
            for (String target : targets) {
                try (Store store = Store.start(target, data)) {
                    Duration sink = runConnector(platform, store, data);
                    Duration bulk = bulkLoad(platform, store);
                    long rows = 3L * calls;
                    double sinkRate = rows / seconds(sink);
                    double bulkRate = rows / seconds(bulk);
                    System.out.printf(
                            "%-11s %9d %10d %12.1f %12.0f %14.0f %7.2f%n",
                            target, calls, rows, seconds(sink), sinkRate, bulkRate, sinkRate / bulkRate);
                }
            }
            return 0;
        }
    }

    private void produce(EmbeddedPlatform platform) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
        }
        long started = System.nanoTime();
        try (KafkaProducer<String, Object> producer = BulkProducer.open(platform)) {
            for (int n = 0; n < calls; n++) {
                Call call = call(n);
                producer.send(new ProducerRecord<>(TOPIC, call.getVendor() + ":" + call.getCallId(), call));
                if (n > 0 && n % 200_000 == 0) {
                    System.out.printf("  generated %,d call records%n", n);
                }
            }
        }
        System.out.printf("  generated %,d call records in %.1f s%n", calls, (System.nanoTime() - started) / 1e9);
    }

    private final CallEventsGenerator events = new CallEventsGenerator();
    private final CallJoiner joiner = new CallJoiner(CodeTable.bundled(), TariffTable.empty());

    /** Call {@code n}, joined from the generated events as the processor would. */
    private Call call(int n) {
        return joiner.join(
                events.call(n), false, 1, Instant.parse("2026-11-01T00:00:00Z").plusMillis(n));
    }

    private Duration runConnector(EmbeddedPlatform platform, Store store, Path data) throws Exception {
        long started = System.nanoTime();
        try (EmbeddedConnect connect = EmbeddedConnect.start(
                platform.bootstrapServers(),
                platform.schemaRegistryUrl(),
                data.resolve("connect-" + store.name + ".offsets"))) {
            String name = "bench-" + store.name;
            connect.addConnector(
                    name,
                    Map.of(
                            "connector.class",
                            store.connectorClass,
                            "tasks.max",
                            "3",
                            "topics",
                            TOPIC,
                            "connection.url",
                            store.sinkUrl,
                            "consumer.override.auto.offset.reset",
                            "earliest",
                            "consumer.override.max.poll.records",
                            "5000",
                            "batch.size",
                            batchSize == null ? "10000" : batchSize.toString()),
                    Duration.ofSeconds(60));
            long last = -1;
            long lastPrint = System.nanoTime();
            while (true) {
                long stored = store.countCalls(store.sinkUrl);
                if (stored >= calls) {
                    break;
                }
                if (System.nanoTime() - lastPrint > 10_000_000_000L) {
                    System.out.printf(
                            "  %s: %,d of %,d calls stored %s%n", store.name, stored, calls, connect.taskStates(name));
                    lastPrint = System.nanoTime();
                    if (stored == last && connect.taskStates(name).contains("FAILED")) {
                        throw new IllegalStateException(store.name + " sink failed: " + connect.taskStates(name));
                    }
                    last = stored;
                }
                Thread.sleep(200);
            }
            return Duration.ofNanos(System.nanoTime() - started);
        }
    }

    /** Loads the same rows with the store's fastest plain path; only the loading is timed. */
    private Duration bulkLoad(EmbeddedPlatform platform, Store store) throws Exception {
        Map<String, Object> serdes = Map.of("schema.registry.url", platform.schemaRegistryUrl());
        KafkaAvroSerializer serializer = new KafkaAvroSerializer();
        serializer.configure(serdes, false);
        AvroConverter converter = new AvroConverter();
        converter.configure(serdes, false);
        RowMapper mapper = new RowMapper(new SinkSettings(Map.of("connection.url", "unused")).tables());
        store.prepareBulk();
        long loading = 0;
        for (int first = 0; first < calls; first += CHUNK) {
            List<Row> rows = new ArrayList<>();
            for (int n = first; n < Math.min(calls, first + CHUNK); n++) {
                SchemaAndValue value = converter.toConnectData(TOPIC, serializer.serialize(TOPIC, call(n)));
                rows.addAll(mapper.rows(new SinkRecord(TOPIC, 0, null, null, value.schema(), value.value(), n)));
            }
            long started = System.nanoTime();
            store.bulk(rows);
            loading += System.nanoTime() - started;
        }
        long stored = store.countCalls(store.bulkUrl);
        if (stored != calls) {
            throw new IllegalStateException(store.name + " bulk load stored " + stored + " calls, expected " + calls);
        }
        return Duration.ofNanos(loading);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    /** A store under test: where the connector writes, where the bulk load writes, how to count. */
    abstract static class Store implements AutoCloseable {
        final String name;
        final String connectorClass;
        String sinkUrl;
        String bulkUrl;

        Store(String name, String connectorClass) {
            this.name = name;
            this.connectorClass = connectorClass;
        }

        static Store start(String name, Path data) throws Exception {
            return switch (name) {
                case "duckdb" -> new DuckDb(data);
                case "postgres" -> new Postgres();
                case "clickhouse" -> new ClickHouse();
                default ->
                    throw new IllegalArgumentException(
                            "unknown target '" + name + "'; known: duckdb, postgres, clickhouse");
            };
        }

        abstract long countCalls(String url) throws Exception;

        /** Creates the tables the bulk load fills. */
        abstract void prepareBulk() throws Exception;

        abstract void bulk(List<Row> rows) throws Exception;

        @Override
        public abstract void close() throws java.io.IOException, java.sql.SQLException;
    }

    static final class DuckDb extends Store {
        DuckDb(Path data) {
            super("duckdb", "io.callstream.connect.duckdb.DuckDbSinkConnector");
            sinkUrl = "jdbc:duckdb:" + data.resolve("sink.duckdb");
            bulkUrl = "jdbc:duckdb:" + data.resolve("bulk.duckdb");
        }

        @Override
        long countCalls(String url) throws Exception {
            try (Connection connection = DuckDbDatabases.connect(url)) {
                return JdbcCount.calls(connection);
            } catch (java.sql.SQLException notYet) {
                return 0;
            }
        }

        @Override
        void prepareBulk() throws Exception {
            JdbcCount.createTables(
                    new io.callstream.connect.duckdb.DuckDbWriter(new SinkSettings(Map.of("connection.url", bulkUrl))));
        }

        @Override
        void bulk(List<Row> rows) throws Exception {
            try (Connection connection = DuckDbDatabases.connect(bulkUrl)) {
                org.duckdb.DuckDBConnection duck = connection.unwrap(org.duckdb.DuckDBConnection.class);
                for (Table.Kind kind : List.of(Table.Kind.CALLS, Table.Kind.CALL_LEGS)) {
                    try (org.duckdb.DuckDBAppender appender = duck.createAppender("main", kind.defaultName())) {
                        for (Row row : rows) {
                            if (row.table().kind() != kind) {
                                continue;
                            }
                            appender.beginRow();
                            for (Object value : row.values()) {
                                io.callstream.connect.duckdb.DuckDbWriter.append(appender, value);
                            }
                            appender.endRow();
                        }
                    }
                }
            }
        }

        @Override
        public void close() throws java.sql.SQLException {
            DuckDbDatabases.close(sinkUrl);
            DuckDbDatabases.close(bulkUrl);
        }
    }

    static final class Postgres extends Store {
        private final EmbeddedPostgres postgres;

        Postgres() throws Exception {
            super("postgres", "io.callstream.connect.postgres.PostgresSinkConnector");
            postgres = EmbeddedPostgres.start();
            try (Connection admin = postgres.getPostgresDatabase().getConnection();
                    Statement statement = admin.createStatement()) {
                statement.execute("CREATE DATABASE sink");
                statement.execute("CREATE DATABASE bulk");
            }
            sinkUrl = postgres.getJdbcUrl("postgres", "sink");
            bulkUrl = postgres.getJdbcUrl("postgres", "bulk");
        }

        @Override
        long countCalls(String url) throws Exception {
            try (Connection connection = java.sql.DriverManager.getConnection(url)) {
                return JdbcCount.calls(connection);
            } catch (java.sql.SQLException notYet) {
                return 0;
            }
        }

        @Override
        void prepareBulk() throws Exception {
            JdbcCount.createTables(new PostgresWriter(new SinkSettings(Map.of("connection.url", bulkUrl))));
        }

        @Override
        void bulk(List<Row> rows) throws Exception {
            try (Connection connection = java.sql.DriverManager.getConnection(bulkUrl)) {
                org.postgresql.copy.CopyManager copy =
                        connection.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
                for (Table.Kind kind : List.of(Table.Kind.CALLS, Table.Kind.CALL_LEGS)) {
                    StringBuilder csv = new StringBuilder();
                    for (Row row : rows) {
                        if (row.table().kind() == kind) {
                            Csv.append(csv, row);
                        }
                    }
                    copy.copyIn(
                            "COPY " + kind.defaultName() + " FROM STDIN (FORMAT csv)",
                            new java.io.StringReader(csv.toString()));
                }
            }
        }

        @Override
        public void close() throws java.io.IOException {
            postgres.close();
        }
    }

    static final class ClickHouse extends Store {
        private final LocalClickHouseServer server;

        ClickHouse() throws Exception {
            super("clickhouse", "io.callstream.connect.clickhouse.ClickHouseSinkConnector");
            server = LocalClickHouseServer.start();
            server.query("CREATE DATABASE sink");
            server.query("CREATE DATABASE bulk");
            sinkUrl = server.url() + "/?database=sink";
            bulkUrl = server.url() + "/?database=bulk";
        }

        @Override
        long countCalls(String url) throws Exception {
            String database = url.substring(url.indexOf("database=") + "database=".length());
            try {
                return Long.parseLong(server.query("SELECT count() FROM " + database + ".calls")
                        .trim());
            } catch (java.io.IOException notYet) {
                return 0;
            }
        }

        private io.callstream.connect.clickhouse.ClickHouseWriter bulkWriter;

        @Override
        void prepareBulk() throws Exception {
            bulkWriter = new io.callstream.connect.clickhouse.ClickHouseWriter(
                    new SinkSettings(Map.of("connection.url", bulkUrl)));
            bulkWriter.createTables();
        }

        @Override
        void bulk(List<Row> rows) throws Exception {
            // One JSONEachRow insert per table (the plain HTTP bulk path), no buffering or retries.
            bulkWriter.write(rows);
        }

        @Override
        public void close() throws java.io.IOException {
            server.close();
        }
    }

    /** Counting and table creation shared by the JDBC stores. */
    static final class JdbcCount {
        private JdbcCount() {}

        static long calls(Connection connection) throws java.sql.SQLException {
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT count(*) FROM calls")) {
                result.next();
                return result.getLong(1);
            }
        }

        static void createTables(JdbcRowWriter writer) throws Exception {
            try (writer) {
                writer.createTables();
            }
        }
    }

    /** CSV for PostgreSQL's COPY: nulls as empty unquoted fields, every text quoted. */
    static final class Csv {
        private Csv() {}

        static void append(StringBuilder out, Row row) {
            Object[] values = row.values();
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                Object value = values[i];
                if (value == null) {
                    continue;
                }
                String text = value instanceof Instant instant ? instant.toString() : value.toString();
                out.append('"').append(text.replace("\"", "\"\"")).append('"');
            }
            out.append('\n');
        }
    }
}
