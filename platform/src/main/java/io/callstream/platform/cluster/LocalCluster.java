package io.callstream.platform.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callstream.connect.clickhouse.LocalClickHouseServer;
import io.callstream.platform.EmbeddedPostgresStore;
import io.callstream.processor.TopicProvisioner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * The distributed deployment of {@code docker-compose.yml} as real processes on loopback, without
 * Docker: three KRaft brokers (each its own JVM and data directory, with compose's {@code KAFKA_*}
 * settings: RF 3, min ISR 2), the topics compose's job creates, the schema registry, the ingest
 * service, several processors sharing one application id, two Connect workers in distributed mode
 * sharing one group (compose's {@code worker.properties}) with compose's PostgreSQL sink (an
 * embedded PostgreSQL) and ClickHouse sink (Debian's {@code clickhouse-server}, when installed).
 * Every setting comes from the compose file and {@code deploy/connect/} through {@link
 * ComposeDeployment}; only addresses, ports, paths and the stores' credentials are the harness's.
 *
 * <p>Components can be killed ({@code SIGKILL}), stopped and started again; that is what the fault
 * tests and {@code ./callstream cluster up} do.
 */
public final class LocalCluster implements AutoCloseable {

    /** How the cluster is shaped; {@link #defaults} reads compose's settings from {@code root}. */
    public record Options(
            Path root,
            Path directory,
            int processors,
            int connectWorkers,
            boolean clickHouse,
            Map<String, String> processorEnvironment,
            Consumer<String> progress) {

        public static Options defaults(Path root, Path directory) {
            return new Options(root, directory, 2, 2, LocalClickHouseServer.isInstalled(), Map.of(), line -> {});
        }

        public Options withProcessors(int count) {
            return new Options(root, directory, count, connectWorkers, clickHouse, processorEnvironment, progress);
        }

        public Options withConnectWorkers(int count) {
            return new Options(root, directory, processors, count, clickHouse, processorEnvironment, progress);
        }

        public Options withClickHouse(boolean enabled) {
            return new Options(root, directory, processors, connectWorkers, enabled, processorEnvironment, progress);
        }

        /** Processor variables set on top of compose's (e.g. {@code CALLSTREAM_PROCESSOR_PROCESSING_GUARANTEE}). */
        public Options withProcessorEnvironment(Map<String, String> environment) {
            return new Options(root, directory, processors, connectWorkers, clickHouse, environment, progress);
        }

        public Options withProgress(Consumer<String> lines) {
            return new Options(root, directory, processors, connectWorkers, clickHouse, processorEnvironment, lines);
        }
    }

    public static final String POSTGRES_SINK = "postgres-sink";
    public static final String CLICKHOUSE_SINK = "clickhouse-sink";

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Options options;
    private final ComposeDeployment compose;
    private final Set<Integer> portsTaken = new HashSet<>();
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final List<ChildJvm> brokers = new ArrayList<>();
    private final List<ChildJvm> processors = new ArrayList<>();
    private final List<ChildJvm> connectWorkers = new ArrayList<>();
    private final List<Integer> connectPorts = new ArrayList<>();
    private final List<String> connectors = new ArrayList<>();
    private ChildJvm registry;
    private ChildJvm ingest;
    private String bootstrapServers;
    private String registryUrl;
    private String ingestUrl;
    private EmbeddedPostgresStore postgres;
    private LocalClickHouseServer clickHouse;

    private LocalCluster(Options options) {
        this.options = options;
        this.compose = ComposeDeployment.read(options.root());
    }

    /** Starts every component and waits until each is ready; on failure stops what was started. */
    public static LocalCluster start(Options options) {
        LocalCluster cluster = new LocalCluster(options);
        try {
            cluster.startAll();
            return cluster;
        } catch (RuntimeException | IOException | InterruptedException e) {
            cluster.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof RuntimeException runtime
                    ? runtime
                    : new IllegalStateException("Cannot start the local cluster: " + e.getMessage(), e);
        }
    }

    private void startAll() throws IOException, InterruptedException {
        Files.createDirectories(options.directory());
        startBrokers();
        progress("Creating the topics as compose's topics job does ...");
        int created = new TopicProvisioner(
                        bootstrapServers,
                        Integer.parseInt(compose.commandOption("topics", "--partitions")),
                        Integer.parseInt(compose.commandOption("topics", "--replication-factor")),
                        Map.of())
                .provisionAll();
        progress("Topics ready (" + created + " created)");
        startRegistry();
        startIngest();
        startStores();
        for (int i = 1; i <= options.processors(); i++) {
            processors.add(processor(i).start());
        }
        for (int i = 1; i <= options.connectWorkers(); i++) {
            connectWorkers.add(connectWorker(i).start());
        }
        for (ChildJvm processor : processors) {
            awaitProcessorRunning(processor);
        }
        for (int i = 0; i < connectWorkers.size(); i++) {
            int port = connectPorts.get(i);
            connectWorkers
                    .get(i)
                    .await("answering REST", () -> answers("http://127.0.0.1:" + port + "/"), START_TIMEOUT);
        }
        registerConnectors();
        writePids();
        progress("Local cluster up: " + describe());
    }

    private void startBrokers() {
        Map<Integer, String> services = compose.brokers();
        Map<Integer, int[]> ports = new LinkedHashMap<>();
        services.keySet().forEach(id -> ports.put(id, new int[] {freePort(), freePort()}));
        String voters = ports.entrySet().stream()
                .map(node -> node.getKey() + "@127.0.0.1:" + node.getValue()[1])
                .collect(Collectors.joining(","));
        bootstrapServers =
                ports.values().stream().map(port -> "127.0.0.1:" + port[0]).collect(Collectors.joining(","));
        addresses.put(
                services.values().stream().map(name -> name + ":9092").collect(Collectors.joining(",")),
                bootstrapServers);
        services.forEach((id, name) -> addresses.put(name + ":9092", "127.0.0.1:" + ports.get(id)[0]));
        progress("Starting " + services.size() + " Kafka brokers (KRaft, " + compose.brokerProperties() + ") ...");
        services.forEach((id, name) -> {
            List<String> arguments = new ArrayList<>(List.of(
                    "broker",
                    "--node-id",
                    id.toString(),
                    "--cluster-id",
                    compose.clusterId(),
                    "--port",
                    Integer.toString(ports.get(id)[0]),
                    "--controller-port",
                    Integer.toString(ports.get(id)[1]),
                    "--quorum-voters",
                    voters,
                    "--data-dir",
                    options.directory().resolve(name).toString()));
            compose.brokerProperties().forEach((property, value) -> {
                arguments.add("--property");
                arguments.add(property + "=" + value);
            });
            brokers.add(new ChildJvm(name, "512m", arguments, logging(), log(name)).start());
        });
        for (ChildJvm broker : brokers) {
            broker.await("ready", () -> broker.logged(BrokerCommand.READY), START_TIMEOUT);
        }
        awaitBrokers(brokers.size(), START_TIMEOUT);
    }

    private void startRegistry() {
        int port = freePort();
        registryUrl = "http://127.0.0.1:" + port;
        addresses.put("http://schema-registry:8081", registryUrl);
        Map<String, String> environment = localized(compose.environment("schema-registry", Map.of()));
        environment.put("SCHEMA_REGISTRY_LISTENERS", registryUrl);
        environment.putAll(logging());
        progress("Starting the schema registry ...");
        registry = new ChildJvm("schema-registry", "256m", List.of("registry"), environment, log("schema-registry"))
                .start();
        registry.await("answering", () -> answers(registryUrl + "/subjects"), START_TIMEOUT);
    }

    private void startIngest() {
        int port = freePort();
        ingestUrl = "http://127.0.0.1:" + port;
        Map<String, String> environment = localized(compose.environment("ingest", Map.of()));
        environment.put("MICRONAUT_SERVER_PORT", Integer.toString(port));
        environment.putAll(logging());
        progress("Starting the ingest service ...");
        ingest = new ChildJvm("ingest", "384m", List.of("ingest"), environment, log("ingest")).start();
        ingest.await("ready", () -> answers(ingestUrl + "/ready"), START_TIMEOUT);
    }

    private void startStores() throws InterruptedException, IOException {
        progress("Starting PostgreSQL ...");
        postgres = EmbeddedPostgresStore.start(options.directory().resolve("postgres-store"), 0, this::progress);
        addresses.put("postgres:5432", "127.0.0.1:" + postgres.port());
        if (options.clickHouse()) {
            progress("Starting ClickHouse ...");
            clickHouse = LocalClickHouseServer.start(options.directory().resolve("clickhouse"), false);
            clickHouse.query("CREATE DATABASE IF NOT EXISTS callstream");
            addresses.put("http://clickhouse:8123", clickHouse.url());
        }
    }

    /**
     * Starts one more processor instance, with {@code environment} on top of compose's settings (e.g.
     * another {@code CALLSTREAM_PROCESSOR_APPLICATION_ID}), and waits until it runs.
     */
    public ChildJvm addProcessor(Map<String, String> environment) {
        ChildJvm processor = processor(processors.size() + 1, environment).start();
        processors.add(processor);
        awaitProcessorRunning(processor);
        return processor;
    }

    private ChildJvm processor(int instance) {
        return processor(instance, Map.of());
    }

    private ChildJvm processor(int instance, Map<String, String> overrides) {
        Map<String, String> environment = localized(compose.environment("processor", Map.of()));
        environment.put(
                "CALLSTREAM_PROCESSOR_STATE_DIR",
                options.directory().resolve("processor-" + instance).toString());
        environment.put("CALLSTREAM_PROCESSOR_METRICS_PORT", Integer.toString(freePort()));
        environment.putAll(options.processorEnvironment());
        environment.putAll(overrides);
        environment.putAll(logging());
        return new ChildJvm(
                "processor-" + instance, "512m", List.of("processor"), environment, log("processor-" + instance));
    }

    private ChildJvm connectWorker(int instance) {
        int port = freePort();
        connectPorts.add(port);
        Properties worker = compose.connectWorker();
        worker.setProperty("listeners", "http://127.0.0.1:" + port);
        Path file = options.directory().resolve("connect-" + instance + ".properties");
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            worker.store(writer, "compose's deploy/connect/worker.properties, on loopback");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> environment = localized(compose.environment("connect", storeCredentials()));
        environment.putAll(logging());
        return new ChildJvm(
                "connect-" + instance,
                "512m",
                List.of("connect", file.toString()),
                environment,
                log("connect-" + instance));
    }

    /** The stores' passwords, where compose takes them from the user's {@code .env}. */
    private Map<String, String> storeCredentials() {
        return Map.of("POSTGRES_PASSWORD", postgres.writerPassword(), "CLICKHOUSE_PASSWORD", "");
    }

    private void registerConnectors() {
        if (connectWorkers.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>(List.of(POSTGRES_SINK));
        if (clickHouse != null) {
            names.add(CLICKHOUSE_SINK);
        }
        for (String name : names) {
            Map<String, String> config = new LinkedHashMap<>();
            compose.connector(name).forEach((key, value) -> config.put(key, localize(value)));
            if (name.equals(CLICKHOUSE_SINK)) {
                config.put("connection.user", "default"); // the local server's only user (loopback)
            }
            String json;
            try {
                json = new ObjectMapper().writeValueAsString(config);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            HttpResponse<String> response =
                    send(HttpRequest.newBuilder(URI.create(connectUrl() + "/connectors/" + name + "/config"))
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(json))
                            .timeout(Duration.ofSeconds(60))
                            .build());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(
                        "Connect refused " + name + " (" + response.statusCode() + "): " + response.body());
            }
            connectors.add(name);
            progress("Connector " + name + " registered");
        }
    }

    private void awaitProcessorRunning(ChildJvm processor) {
        processor.await("running", () -> processor.logged("running ("), START_TIMEOUT);
    }

    /** Waits until {@code count} brokers are registered with the cluster. */
    public void awaitBrokers(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= count) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException notYet) {
                    // retried below
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("fewer than " + count + " brokers within " + timeout);
                }
                sleep(500);
            }
        }
    }

    /**
     * Waits until every replica of every topic is in sync again (after a broker came back); returns
     * how long that took.
     */
    public Duration awaitReplicasInSync(Duration timeout) {
        long begin = System.nanoTime();
        long deadline = begin + timeout.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                try {
                    Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
                    Map<String, TopicDescription> topics =
                            admin.describeTopics(names).allTopicNames().get(20, TimeUnit.SECONDS);
                    long behind = topics.values().stream()
                            .flatMap(topic -> topic.partitions().stream())
                            .filter(partition -> partition.isr().size()
                                    < partition.replicas().size())
                            .count();
                    if (behind == 0) {
                        return Duration.ofNanos(System.nanoTime() - begin);
                    }
                } catch (ExecutionException | TimeoutException notYet) {
                    // retried below
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("replicas not in sync within " + timeout);
                }
                sleep(500);
            }
        }
    }

    /** Starts a processor again (after a kill or stop) and waits until it runs. */
    public void restartProcessor(ChildJvm processor) {
        processor.start();
        awaitProcessorRunning(processor);
    }

    /** Waits until every processor runs (after some were started again without waiting). */
    public void awaitProcessorsRunning() {
        processors.forEach(this::awaitProcessorRunning);
    }

    /** Starts a broker again and waits until it has rejoined the cluster. */
    public void restartBroker(ChildJvm broker) {
        broker.start();
        broker.await("ready", () -> broker.logged(BrokerCommand.READY), START_TIMEOUT);
        awaitBrokers(brokers.size(), START_TIMEOUT);
    }

    /** Starts a Connect worker again and waits until its REST API answers. */
    public void restartConnectWorker(ChildJvm worker) {
        worker.start();
        int port = connectPorts.get(connectWorkers.indexOf(worker));
        worker.await("answering REST", () -> answers("http://127.0.0.1:" + port + "/"), START_TIMEOUT);
    }

    /** A Connect worker's id in the connectors' status ({@code host:port} of its REST API). */
    public String connectWorkerAddress(ChildJvm worker) {
        return "127.0.0.1:" + connectPorts.get(connectWorkers.indexOf(worker));
    }

    /** A connector's status as Connect's REST API gives it (JSON), asked of any live worker. */
    public String connectorStatus(String name) {
        return send(HttpRequest.newBuilder(URI.create(connectUrl() + "/connectors/" + name + "/status"))
                        .timeout(Duration.ofSeconds(10))
                        .build())
                .body();
    }

    public Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000"));
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String registryUrl() {
        return registryUrl;
    }

    public String ingestUrl() {
        return ingestUrl;
    }

    public EmbeddedPostgresStore postgres() {
        return postgres;
    }

    /** The ClickHouse server, or null when not installed. */
    public LocalClickHouseServer clickHouse() {
        return clickHouse;
    }

    public List<ChildJvm> brokers() {
        return List.copyOf(brokers);
    }

    public List<ChildJvm> processors() {
        return List.copyOf(processors);
    }

    public List<ChildJvm> connectWorkers() {
        return List.copyOf(connectWorkers);
    }

    public ChildJvm ingest() {
        return ingest;
    }

    public ChildJvm registry() {
        return registry;
    }

    /** Every child JVM, brokers first. */
    public List<ChildJvm> children() {
        List<ChildJvm> all = new ArrayList<>(brokers);
        if (registry != null) {
            all.add(registry);
        }
        if (ingest != null) {
            all.add(ingest);
        }
        all.addAll(processors);
        all.addAll(connectWorkers);
        return all;
    }

    public String describe() {
        return children().stream().map(ChildJvm::toString).collect(Collectors.joining(", "));
    }

    /** The URL of a live Connect worker's REST API. */
    private String connectUrl() {
        for (int i = 0; i < connectWorkers.size(); i++) {
            if (connectWorkers.get(i).isAlive()) {
                return "http://127.0.0.1:" + connectPorts.get(i);
            }
        }
        throw new IllegalStateException("no Connect worker is running");
    }

    /** Stops everything, the clients of Kafka before Kafka. */
    @Override
    public void close() {
        List<ChildJvm> all = children();
        Collections.reverse(all);
        for (ChildJvm child : all) {
            if (!brokers.contains(child)) {
                child.stop(Duration.ofSeconds(20));
            }
        }
        brokers.forEach(broker -> broker.stop(Duration.ofSeconds(30)));
        try {
            if (clickHouse != null) {
                clickHouse.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        } catch (IOException e) {
            progress("Could not stop a store: " + e.getMessage());
        }
    }

    private Map<String, String> localized(Map<String, String> environment) {
        Map<String, String> local = new LinkedHashMap<>();
        environment.forEach((name, value) -> local.put(name, localize(value)));
        return local;
    }

    private String localize(String value) {
        return ComposeDeployment.localize(value, addresses);
    }

    /** The children log their start-up steps, so that the harness can see them. */
    private static Map<String, String> logging() {
        return Map.of("CALLSTREAM_LOG_LEVEL", "INFO");
    }

    private Path log(String name) {
        return options.directory().resolve("logs").resolve(name + ".log");
    }

    private void writePids() throws IOException {
        StringBuilder pids = new StringBuilder();
        children()
                .forEach(child -> pids.append(child.name())
                        .append(' ')
                        .append(child.pid())
                        .append('\n'));
        Files.writeString(options.directory().resolve("pids"), pids, StandardCharsets.UTF_8);
    }

    private void progress(String line) {
        options.progress().accept(line);
    }

    private static boolean answers(String url) {
        try {
            return HTTP.send(
                                    HttpRequest.newBuilder(URI.create(url))
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress("127.0.0.1", 0));
                if (portsTaken.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
