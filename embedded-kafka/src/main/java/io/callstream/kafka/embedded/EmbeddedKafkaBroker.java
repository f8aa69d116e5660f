package io.callstream.kafka.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker (combined KRaft broker and controller) running in this JVM: the same server
 * classes as a production broker, with transactions, so exactly-once Kafka Streams works against
 * it. A cluster of one by default; {@link Builder#clusterMember} makes it one node of a
 * multi-node cluster (each node its own process, see {@code ./callstream cluster up}).
 *
 * <p>With a {@linkplain Builder#dataDirectory data directory} the broker's logs persist across
 * restarts (the embedded mode); without one it uses a temporary directory deleted on {@link
 * #close()} (tests). {@link #stop()} and {@link #start()} may be called repeatedly: a restart
 * keeps the same ports and data, which is how tests simulate a broker outage.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final Path dataDirectory;
    private final boolean temporary;
    private final String host;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private final Duration startTimeout;
    private final int nodeId;
    private final String clusterId;
    private final String quorumVoters;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(Builder builder) {
        this.temporary = builder.dataDirectory == null;
        this.dataDirectory = temporary ? createTempDirectory() : builder.dataDirectory.toAbsolutePath();
        this.host = builder.host;
        this.port = builder.port == 0 ? freePort() : builder.port;
        // the OS may hand out the port it just freed again: two listeners on one port would not start
        int controller = builder.controllerPort;
        if (controller == 0) {
            do {
                controller = freePort();
            } while (controller == this.port);
        }
        this.controllerPort = controller;
        this.overrides = Map.copyOf(builder.overrides);
        this.startTimeout = builder.startTimeout;
        this.nodeId = builder.nodeId;
        this.clusterId = builder.clusterId;
        this.quorumVoters =
                builder.quorumVoters == null ? nodeId + "@" + host + ":" + controllerPort : builder.quorumVoters;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a broker on free ports with a temporary data directory. */
    public static EmbeddedKafkaBroker startTemporary() {
        EmbeddedKafkaBroker broker = builder().build();
        broker.start();
        return broker;
    }

    /**
     * Formats the data directory if it is new, starts the broker and waits until it answers
     * metadata requests.
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (server != null) {
            return this;
        }
        Instant begin = Instant.now();
        KafkaConfig config = new KafkaConfig(serverProperties(), false);
        format();
        KafkaRaftServer starting = new KafkaRaftServer(config, Time.SYSTEM);
        starting.startup();
        server = starting;
        awaitReady();
        log.info(
                "Kafka broker ready at {} (data in {}) after {} ms",
                bootstrapServers(),
                dataDirectory,
                Duration.between(begin, Instant.now()).toMillis());
        return this;
    }

    /** Shuts the broker down, keeping its data directory and ports for a later {@link #start()}. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
        log.info("Kafka broker at {} stopped", bootstrapServers());
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** The {@code bootstrap.servers} value for clients. */
    public String bootstrapServers() {
        return host + ":" + port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Stops the broker and, for a temporary broker, deletes its data. */
    @Override
    public void close() {
        stop();
        if (temporary) {
            deleteRecursively(dataDirectory);
        }
    }

    private Map<String, String> serverProperties() {
        Map<String, String> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(nodeId));
        props.put(
                "listeners",
                "PLAINTEXT://" + host + ":" + port + "," + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("controller.quorum.voters", quorumVoters);
        props.put("log.dirs", dataDirectory.resolve("logs").toString());
        // A single node: internal topics cannot be replicated, and fewer partitions start faster (a
        // cluster member overrides these with the cluster's settings).
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "true");
        // Sized for a machine shared with the rest of the pipeline (defaults 8 and 3 assume a server).
        props.put("num.io.threads", "2");
        props.put("num.network.threads", "2");
        // The log cleaner's offset map is allocated on the heap whole when the broker starts (128 MB by
        // default); 16 MB dedupes about 500,000 keys per cleaning pass, far more than the compacted
        // topics here hold between passes.
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        props.putAll(overrides);
        return props;
    }

    private void format() {
        if (Files.exists(dataDirectory.resolve("logs").resolve("meta.properties"))) {
            return;
        }
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId == null ? Uuid.randomUuid().toString() : clusterId)
                    .setDirectories(List.of(dataDirectory.resolve("logs").toString()))
                    .setMetadataLogDirectory(Optional.empty())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Cannot format Kafka storage in " + dataDirectory + ": " + e.getMessage(), e);
        }
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(startTimeout);
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "4000"))) {
            while (true) {
                try {
                    if (!admin.describeCluster()
                            .nodes()
                            .get(4, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException(
                                "Kafka broker at " + bootstrapServers() + " not ready within " + startTimeout + ": "
                                        + e.getMessage(),
                                e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
                }
            }
        }
    }

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("callstream-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", root, e.getMessage());
        }
    }

    /** Options of an {@link EmbeddedKafkaBroker}; all have working defaults. */
    public static final class Builder {
        private Path dataDirectory;
        private String host = "127.0.0.1";
        private int port;
        private int controllerPort;
        private final Map<String, String> overrides = new HashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);
        private int nodeId = 1;
        private String clusterId;
        private String quorumVoters;

        private Builder() {}

        /**
         * Makes this broker one node of a cluster: its {@code node.id}, the cluster id its storage is
         * formatted with (the same on every node) and the static controller quorum ({@code
         * id@host:port,...}, every node's controller listener). Default: a cluster of one.
         */
        public Builder clusterMember(int nodeId, String clusterId, String quorumVoters) {
            this.nodeId = nodeId;
            this.clusterId = clusterId;
            this.quorumVoters = quorumVoters;
            return this;
        }

        /** Keeps the broker's data in this directory across restarts; default: a temporary one. */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = directory;
            return this;
        }

        /** The host the listeners bind to and advertise; default 127.0.0.1. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The client port; default 0, a free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The KRaft controller port; default 0, a free port. */
        public Builder controllerPort(int port) {
            this.controllerPort = port;
            return this;
        }

        /** A broker configuration property, overriding the defaults. */
        public Builder brokerProperty(String name, String value) {
            overrides.put(name, value);
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }
    }
}
