package io.callstream.platform;

import io.callstream.connect.clickhouse.ClickHouseSinkConnector;
import io.callstream.connect.duckdb.DuckDbDatabases;
import io.callstream.connect.duckdb.DuckDbSinkConnector;
import io.callstream.connect.postgres.PostgresSinkConnector;
import io.callstream.ingest.vendor.VendorAdapter;
import io.callstream.ingest.web.ReadinessCheck;
import io.callstream.kafka.embedded.EmbeddedKafkaBroker;
import io.callstream.platform.dashboard.DashboardServer;
import io.callstream.processor.CallProcessor;
import io.callstream.processor.ProcessorSettings;
import io.callstream.processor.TopicProvisioner;
import io.callstream.registry.server.SchemaRegistryServer;
import io.callstream.registry.server.SchemaRegistryServer.SchemaRegistryConfig;
import io.callstream.schema.Topics;
import io.micronaut.context.ApplicationContext;
import io.micronaut.inject.qualifiers.Qualifiers;
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
 * intact), the ingest service taking vendor webhooks, the processor joining them into rated
 * calls, KPIs and alerts, and a Kafka Connect worker writing those to DuckDB. Components start in
 * dependency order and stop in reverse.
 */
public final class EmbeddedPlatform implements AutoCloseable {

    private final List<AutoCloseable> started = new ArrayList<>();
    private EmbeddedKafkaBroker broker;
    private SchemaRegistryServer registry;
    private EmbeddedServer ingest;
    private Supervisor supervisor;
    private volatile Runnable onGiveUp = () -> {};
    private EmbeddedConnect connect;
    private String duckDbUrl;
    private DashboardServer dashboard;
    private EmbeddedPostgresStore postgresStore;

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
            if (settings.runPipeline()) {
                platform.supervisor = new Supervisor(progress, () -> platform.onGiveUp.run());
                platform.startProcessor(settings, progress);
                platform.startSinks(settings, progress);
                platform.supervise();
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
        int created = new TopicProvisioner(broker.bootstrapServers(), settings.partitions(), 1, settings.environment())
                .provisionAll();
        progress.accept("Kafka ready at " + broker.bootstrapServers() + " in " + millisSince(begin) + " ms"
                + (created > 0 ? " (" + created + " topics created)" : ""));
    }

    private void startRegistry(Settings settings, Consumer<String> progress) throws InterruptedException {
        Instant begin = Instant.now();
        progress.accept("Starting the schema registry ...");
        registry = SchemaRegistryServer.start(
                SchemaRegistryConfig.embedded(broker.bootstrapServers()).withPort(settings.registryPort()));
        started.add(() -> registry.close());
        progress.accept("Schema registry ready at " + registry.url() + " in " + millisSince(begin) + " ms");
    }

    private void startIngest(Settings settings, Consumer<String> progress) {
        Instant begin = Instant.now();
        progress.accept("Starting the ingest service ...");
        // the user's CALLSTREAM_INGEST_* variables apply only when the platform was given them
        ApplicationContext context = ApplicationContext.builder()
                .properties(Map.of(
                        "micronaut.server.port", settings.ingestPort(),
                        "callstream.ingest.bootstrap-servers", broker.bootstrapServers(),
                        "callstream.ingest.schema-registry-url", registry.url()))
                .environmentPropertySource(!settings.environment().isEmpty())
                .start();
        ingest = context.getBean(EmbeddedServer.class);
        ingest.start();
        started.add(ingest::stop);
        progress.accept("Ingest service ready at " + ingestUrl() + " in " + millisSince(begin) + " ms");
    }

    private void startProcessor(Settings settings, Consumer<String> progress) {
        Instant begin = Instant.now();
        progress.accept("Starting the processor (exactly-once, state in "
                + settings.dataDirectory().resolve("processor") + ") ...");
        // The user's CALLSTREAM_PROCESSOR_* variables apply, but not to what the platform decides.
        Map<String, String> environment = new HashMap<>(settings.environment());
        environment.put("CALLSTREAM_PROCESSOR_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        environment.put("CALLSTREAM_PROCESSOR_SCHEMA_REGISTRY_URL", registry.url());
        environment.put(
                "CALLSTREAM_PROCESSOR_STATE_DIR",
                settings.dataDirectory().resolve("processor").toString());
        environment.put("CALLSTREAM_PROCESSOR_REPLICATION_FACTOR", "1");
        environment.putIfAbsent("CALLSTREAM_PROCESSOR_METRICS_PORT", "0");
        ProcessorSettings processorSettings = ProcessorSettings.fromEnvironment(environment);
        supervisor.watchProcessor(
                CallProcessor.start(processorSettings, Duration.ofMinutes(2)),
                () -> CallProcessor.start(processorSettings, Duration.ofMinutes(2)));
        started.add(() -> {
            CallProcessor running = supervisor.processor();
            if (running != null) {
                running.close();
            }
        });
        progress.accept("Processor running in " + millisSince(begin) + " ms");
    }

    /**
     * DuckDB's own memory (buffer manager) for the database the sink and the dashboard share; its
     * default is 80% of the machine's RAM, which an embedded store beside the pipeline must not take.
     */
    private void limitDuckDbMemory(String limit) {
        if (!limit.matches("\\d+(\\.\\d+)?\\s*[KMGT]i?B")) {
            throw new IllegalArgumentException(
                    "CALLSTREAM_DUCKDB_MEMORY_LIMIT must be like 256MB or 1GB, not '" + limit + "'");
        }
        try (java.sql.Connection connection = DuckDbDatabases.connect(duckDbUrl);
                java.sql.Statement statement = connection.createStatement()) {
            statement.execute("SET memory_limit = '" + limit + "'");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("could not open DuckDB at " + duckDbUrl + ": " + e.getMessage(), e);
        }
    }

    /**
     * A Kafka Connect worker with the DuckDB sink writing calls, legs, KPIs and alerts to {@code
     * <data>/callstream.duckdb}; the PostgreSQL and ClickHouse sinks too when {@code
     * CALLSTREAM_SINK_POSTGRES_URL} (with {@code _USER}, {@code _PASSWORD}) or {@code
     * CALLSTREAM_SINK_CLICKHOUSE_URL} are set.
     */
    private void startSinks(Settings settings, Consumer<String> progress) {
        Instant begin = Instant.now();
        progress.accept("Starting Kafka Connect with the DuckDB sink ...");
        duckDbUrl = "jdbc:duckdb:" + settings.dataDirectory().toAbsolutePath().resolve("callstream.duckdb");
        String database = duckDbUrl;
        started.add(() -> DuckDbDatabases.close(database)); // after the worker has stopped
        limitDuckDbMemory(settings.environment().getOrDefault("CALLSTREAM_DUCKDB_MEMORY_LIMIT", "256MB"));
        connect = EmbeddedConnect.start(
                broker.bootstrapServers(),
                registry.url(),
                settings.dataDirectory().resolve("connect.offsets"));
        started.add(connect);
        connect.addConnector("duckdb", sinkConfig(DuckDbSinkConnector.class, duckDbUrl, "", ""), Duration.ofMinutes(1));
        List<String> sinks = new ArrayList<>(List.of("DuckDB (" + duckDbUrl + ")"));
        List<String> connectors = new ArrayList<>(List.of("duckdb"));
        Map<String, String> environment = settings.environment();
        String postgres = environment.get("CALLSTREAM_SINK_POSTGRES_URL");
        if (settings.withPostgres()) {
            progress.accept("Starting PostgreSQL ...");
            postgresStore = EmbeddedPostgresStore.start(settings.dataDirectory(), settings.postgresPort(), progress);
            // stopped after the worker (closed in reverse order of start)
            started.add(started.indexOf(connect), postgresStore);
            connect.addConnector(
                    "postgres",
                    sinkConfig(
                            PostgresSinkConnector.class,
                            postgresStore.jdbcUrl(),
                            postgresStore.writerUser(),
                            postgresStore.writerPassword()),
                    Duration.ofMinutes(1));
            sinks.add("PostgreSQL (" + postgresStore.jdbcUrl() + ", readers: user " + postgresStore.readerUser()
                    + ", password in " + settings.dataDirectory().resolve("postgres-credentials.properties") + ")");
            connectors.add("postgres");
        } else if (postgres != null && !postgres.isBlank()) {
            connect.addConnector(
                    "postgres",
                    sinkConfig(
                            PostgresSinkConnector.class,
                            postgres,
                            environment.getOrDefault("CALLSTREAM_SINK_POSTGRES_USER", ""),
                            environment.getOrDefault("CALLSTREAM_SINK_POSTGRES_PASSWORD", "")),
                    Duration.ofMinutes(1));
            sinks.add("PostgreSQL (" + postgres + ")");
            connectors.add("postgres");
        }
        String clickHouse = environment.get("CALLSTREAM_SINK_CLICKHOUSE_URL");
        if (clickHouse != null && !clickHouse.isBlank()) {
            connect.addConnector(
                    "clickhouse", sinkConfig(ClickHouseSinkConnector.class, clickHouse, "", ""), Duration.ofMinutes(1));
            sinks.add("ClickHouse (" + clickHouse + ")");
            connectors.add("clickhouse");
        }
        supervisor.watchSinks(connect, connectors);
        progress.accept(
                "Kafka Connect running in " + millisSince(begin) + " ms, writing to " + String.join(", ", sinks));
        Instant dashboardBegin = Instant.now();
        io.callstream.platform.explain.CallExplainer explainer =
                new io.callstream.platform.explain.CallExplainer(broker.bootstrapServers(), registry.url());
        dashboard = DashboardServer.start(
                duckDbUrl,
                settings.dashboardPort(),
                (vendor, callId, dashboardUrl) -> explainer.explain(vendor, callId, line -> {}, dashboardUrl));
        started.add(dashboard);
        progress.accept("Dashboard at " + dashboard.url() + " in " + millisSince(dashboardBegin) + " ms");
    }

    private static Map<String, String> sinkConfig(Class<?> connector, String url, String user, String password) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", connector.getName());
        config.put("tasks.max", "1");
        config.put("topics", String.join(",", Topics.CALLS, Topics.CALL_KPIS, Topics.CALL_ALERTS));
        config.put("connection.url", url);
        config.put("connection.user", user);
        config.put("connection.password", password);
        config.put("consumer.override.auto.offset.reset", "earliest");
        config.put("consumer.override.isolation.level", "read_committed");
        config.put("errors.tolerance", "all");
        // a registry that cannot be reached is waited for, not a reason to dead-letter a record
        config.put("errors.retry.timeout", "-1");
        config.put("errors.deadletterqueue.topic.name", Topics.SINK_DEAD_LETTERS);
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        return config;
    }

    /**
     * From here on a failed processor or sink task is reported, restarted with backoff and shown
     * DOWN on the ingest service's {@code /ready}.
     */
    private void supervise() {
        for (ReadinessCheck check : supervisor.readiness()) {
            ingest.getApplicationContext()
                    .registerSingleton(ReadinessCheck.class, check, Qualifiers.byName(check.name()));
        }
        supervisor.start();
        started.add(supervisor);
    }

    /** Stops the schema registry (an outage, for tests); {@link #restartRegistry} brings it back. */
    void stopRegistry() {
        registry.close();
    }

    /** Starts the schema registry again on the same port, from its topic. */
    void restartRegistry() throws InterruptedException {
        registry = SchemaRegistryServer.start(
                SchemaRegistryConfig.embedded(broker.bootstrapServers()).withPort(registry.port()));
    }

    /** The processor now running; null when the pipeline does not run or it is being restarted. */
    CallProcessor runningProcessor() {
        return supervisor == null ? null : supervisor.processor();
    }

    /** What to do when a component cannot be restarted (by default nothing: it stays down). */
    public void whenGivingUp(Runnable action) {
        this.onGiveUp = action;
    }

    /** The PostgreSQL of {@code --with-postgres}; null without it. */
    public EmbeddedPostgresStore postgres() {
        return postgresStore;
    }

    /** The live dashboard's URL; null when the sinks do not run. */
    public String dashboardUrl() {
        return dashboard == null ? null : dashboard.url();
    }

    /** The DuckDB file the platform's sink writes to, as a JDBC URL; null when the sinks do not run. */
    public String duckDbUrl() {
        return duckDbUrl;
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
     * @param runPipeline whether to run the processor and the sinks (benchmarks of single stages
     *     turn it off)
     * @param dashboardPort the live dashboard's port (default 8088; 0 picks a free one)
     * @param postgresPort the embedded PostgreSQL's port with {@code --with-postgres} (-1: none)
     * @param environment the {@code CALLSTREAM_*} variables that apply (empty in tests, so that a
     *     developer's own variables do not change their outcome)
     */
    public record Settings(
            Path dataDirectory,
            int kafkaPort,
            int kafkaControllerPort,
            int registryPort,
            int ingestPort,
            int partitions,
            boolean runPipeline,
            int dashboardPort,
            int postgresPort,
            Map<String, String> environment) {

        /** Without the environment: nothing of a developer's {@code CALLSTREAM_*} variables applies (tests). */
        public Settings(
                Path dataDirectory,
                int kafkaPort,
                int kafkaControllerPort,
                int registryPort,
                int ingestPort,
                int partitions,
                boolean runPipeline,
                int dashboardPort,
                int postgresPort) {
            this(
                    dataDirectory,
                    kafkaPort,
                    kafkaControllerPort,
                    registryPort,
                    ingestPort,
                    partitions,
                    runPipeline,
                    dashboardPort,
                    postgresPort,
                    Map.of());
        }

        /**
         * With the {@code CALLSTREAM_*} variables of {@code variables} applied (the processor's, the
         * ingest service's, the sinks' and the topics' retention); {@code ./callstream up} passes the
         * process environment.
         */
        public Settings withEnvironment(Map<String, String> variables) {
            return new Settings(
                    dataDirectory,
                    kafkaPort,
                    kafkaControllerPort,
                    registryPort,
                    ingestPort,
                    partitions,
                    runPipeline,
                    dashboardPort,
                    postgresPort,
                    Map.copyOf(variables));
        }

        /** Without PostgreSQL. */
        public Settings(
                Path dataDirectory,
                int kafkaPort,
                int kafkaControllerPort,
                int registryPort,
                int ingestPort,
                int partitions,
                boolean runPipeline,
                int dashboardPort) {
            this(
                    dataDirectory,
                    kafkaPort,
                    kafkaControllerPort,
                    registryPort,
                    ingestPort,
                    partitions,
                    runPipeline,
                    dashboardPort,
                    -1);
        }

        /** Whether a PostgreSQL runs beside DuckDB ({@code --with-postgres}). */
        public boolean withPostgres() {
            return postgresPort >= 0;
        }

        /** With the dashboard on any free port. */
        public Settings(
                Path dataDirectory,
                int kafkaPort,
                int kafkaControllerPort,
                int registryPort,
                int ingestPort,
                int partitions,
                boolean runPipeline) {
            this(dataDirectory, kafkaPort, kafkaControllerPort, registryPort, ingestPort, partitions, runPipeline, 0);
        }
    }
}
