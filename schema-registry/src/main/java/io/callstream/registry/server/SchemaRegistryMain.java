package io.callstream.registry.server;

import io.callstream.registry.client.CompatibilityLevel;
import io.callstream.registry.server.SchemaRegistryServer.SchemaRegistryConfig;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the registry on its own. Settings come from the environment, with the names Confluent's
 * image uses: {@code SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS} (required), {@code
 * SCHEMA_REGISTRY_KAFKASTORE_TOPIC} (_schemas), {@code SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR}
 * (3), {@code SCHEMA_REGISTRY_LISTENERS} (its first {@code http://host:port}; else {@code
 * SCHEMA_REGISTRY_HOST}, 0.0.0.0, and {@code SCHEMA_REGISTRY_PORT}, 8081), {@code
 * SCHEMA_REGISTRY_SCHEMA_COMPATIBILITY_LEVEL} (BACKWARD), and callstream's own {@code
 * SCHEMA_REGISTRY_ADMIN_CREDENTIALS} ({@code user:password} that DELETE and PUT need; unset, they are
 * accepted from loopback only).
 */
public final class SchemaRegistryMain {

    private SchemaRegistryMain() {}

    public static void main(String[] args) throws InterruptedException {
        String bootstrap = System.getenv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS");
        if (bootstrap == null || bootstrap.isBlank()) {
            System.err.println("Set SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS to the Kafka bootstrap servers");
            System.exit(2);
        }
        // Confluent's image takes its address as SCHEMA_REGISTRY_LISTENERS (http://host:port)
        java.net.URI listener = java.net.URI.create(
                env("SCHEMA_REGISTRY_LISTENERS", "http://:0").split(",")[0].trim());
        SchemaRegistryConfig config = new SchemaRegistryConfig(
                bootstrap,
                env("SCHEMA_REGISTRY_KAFKASTORE_TOPIC", "_schemas"),
                Short.parseShort(env("SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR", "3")),
                listener.getHost() != null ? listener.getHost() : env("SCHEMA_REGISTRY_HOST", "0.0.0.0"),
                listener.getPort() > 0 ? listener.getPort() : Integer.parseInt(env("SCHEMA_REGISTRY_PORT", "8081")),
                CompatibilityLevel.parse(env("SCHEMA_REGISTRY_SCHEMA_COMPATIBILITY_LEVEL", "BACKWARD")),
                Duration.ofSeconds(30),
                System.getenv("SCHEMA_REGISTRY_ADMIN_CREDENTIALS"));
        SchemaRegistryServer server = SchemaRegistryServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
