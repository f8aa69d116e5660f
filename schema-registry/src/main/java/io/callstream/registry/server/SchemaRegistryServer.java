package io.callstream.registry.server;

import com.sun.net.httpserver.HttpServer;
import io.callstream.registry.client.CompatibilityLevel;
import io.callstream.registry.core.RegistryState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry server compatible with Confluent's REST API, storing its state in a compacted
 * Kafka topic: on start it replays the topic, so subjects, versions and ids survive restarts.
 */
public final class SchemaRegistryServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryServer.class);

    private final HttpServer http;
    private final ExecutorService executor;
    private final KafkaSchemaJournal journal;

    private SchemaRegistryServer(HttpServer http, ExecutorService executor, KafkaSchemaJournal journal) {
        this.http = http;
        this.executor = executor;
        this.journal = journal;
    }

    /** Replays the schemas topic, then serves the API on {@code host:port} (port 0: a free one). */
    public static SchemaRegistryServer start(SchemaRegistryConfig config) throws InterruptedException {
        Instant begin = Instant.now();
        KafkaSchemaJournal journal =
                new KafkaSchemaJournal(config.bootstrapServers(), config.topic(), config.timeout());
        try {
            journal.ensureTopic(config.topicReplicationFactor());
            journal.claimWriter();
            RegistryState state = new RegistryState(journal, config.defaultCompatibility());
            int replayed = journal.replay(state::apply);
            HttpServer http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            http.setExecutor(executor);
            http.createContext("/", new RegistryHttpHandler(state, config.adminCredentials()));
            http.start();
            SchemaRegistryServer server = new SchemaRegistryServer(http, executor, journal);
            log.info(
                    "Schema registry at {} ({} records replayed from {}) after {} ms",
                    server.url(),
                    replayed,
                    config.topic(),
                    Duration.between(begin, Instant.now()).toMillis());
            return server;
        } catch (IOException e) {
            journal.close();
            throw new UncheckedIOException("Cannot listen on " + config.host() + ":" + config.port(), e);
        } catch (RuntimeException | InterruptedException e) {
            journal.close();
            throw e;
        }
    }

    /** The base URL clients use as {@code schema.registry.url}. */
    public String url() {
        InetSocketAddress address = http.getAddress();
        return "http://" + address.getHostString() + ":" + address.getPort();
    }

    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.close();
        journal.close();
    }

    /**
     * @param bootstrapServers the Kafka cluster holding the schemas topic
     * @param topic the schemas topic ({@code _schemas}, as Confluent's)
     * @param topicReplicationFactor replication factor when the topic has to be created
     * @param host the address to listen on
     * @param port the port to listen on; 0 for a free one
     * @param defaultCompatibility the global level until one is set
     * @param timeout how long a Kafka write or read may take
     * @param adminCredentials {@code user:password} DELETE and PUT (config, mode) need as HTTP basic
     *     auth; null: they are accepted from loopback peers only
     */
    public record SchemaRegistryConfig(
            String bootstrapServers,
            String topic,
            short topicReplicationFactor,
            String host,
            int port,
            CompatibilityLevel defaultCompatibility,
            Duration timeout,
            String adminCredentials) {

        /** Loopback on a free port, topic {@code _schemas} with one replica, BACKWARD. */
        public static SchemaRegistryConfig embedded(String bootstrapServers) {
            return new SchemaRegistryConfig(
                    bootstrapServers,
                    "_schemas",
                    (short) 1,
                    "127.0.0.1",
                    0,
                    CompatibilityLevel.BACKWARD,
                    Duration.ofSeconds(30),
                    null);
        }

        public SchemaRegistryConfig withPort(int newPort) {
            return new SchemaRegistryConfig(
                    bootstrapServers,
                    topic,
                    topicReplicationFactor,
                    host,
                    newPort,
                    defaultCompatibility,
                    timeout,
                    adminCredentials);
        }
    }
}
