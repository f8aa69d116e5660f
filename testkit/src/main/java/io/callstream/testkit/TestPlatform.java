package io.callstream.testkit;

import java.util.Locale;

/**
 * Where integration tests get a Kafka broker and a schema registry. The default is {@link
 * EmbeddedTestPlatform} (a real in-process KRaft broker and callstream's registry server); with the
 * Maven profile {@code -Pdocker} ({@code callstream.test.platform=docker}) it is {@link
 * DockerTestPlatform}: Apache's Kafka image and Confluent's own schema registry from
 * Testcontainers, which checks our wire compatibility against the real registry.
 */
public interface TestPlatform extends AutoCloseable {

    /** The {@code bootstrap.servers} value for clients. */
    String bootstrapServers();

    /** The {@code schema.registry.url} value for serdes and registry clients. */
    String schemaRegistryUrl();

    /** A short name for logs and test reports. */
    String name();

    @Override
    void close();

    /**
     * The platform shared by every test in this JVM, started on first use and stopped when the JVM
     * exits; chosen by the system property {@code callstream.test.platform} (embedded or docker).
     */
    static TestPlatform shared() {
        return SharedPlatform.INSTANCE;
    }

    /** Starts a new platform of the configured kind, for a test that needs one of its own. */
    static TestPlatform start() {
        String kind = System.getProperty("callstream.test.platform", "embedded").toLowerCase(Locale.ROOT);
        return switch (kind) {
            case "embedded" -> EmbeddedTestPlatform.start();
            case "docker" -> DockerTestPlatform.start();
            default ->
                throw new IllegalArgumentException(
                        "callstream.test.platform must be embedded or docker, was '" + kind + "'");
        };
    }

    /** Holds the shared platform; a class of its own so it starts only when first asked for. */
    final class SharedPlatform {
        static final TestPlatform INSTANCE = startShared();

        private SharedPlatform() {}

        private static TestPlatform startShared() {
            TestPlatform platform = TestPlatform.start();
            Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "test-platform-stop"));
            return platform;
        }
    }
}
