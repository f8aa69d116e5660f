package io.callstream.testkit;

import io.callstream.kafka.embedded.EmbeddedKafkaBroker;
import io.callstream.registry.server.SchemaRegistryServer;
import io.callstream.registry.server.SchemaRegistryServer.SchemaRegistryConfig;

/** A real KRaft broker in this JVM (temporary data) and callstream's registry server on loopback. */
public final class EmbeddedTestPlatform implements TestPlatform {

    private final EmbeddedKafkaBroker broker;
    private final SchemaRegistryServer registry;

    private EmbeddedTestPlatform(EmbeddedKafkaBroker broker, SchemaRegistryServer registry) {
        this.broker = broker;
        this.registry = registry;
    }

    public static EmbeddedTestPlatform start() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary();
        try {
            return new EmbeddedTestPlatform(
                    broker, SchemaRegistryServer.start(SchemaRegistryConfig.embedded(broker.bootstrapServers())));
        } catch (InterruptedException e) {
            broker.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the schema registry", e);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    @Override
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    @Override
    public String schemaRegistryUrl() {
        return registry.url();
    }

    @Override
    public String name() {
        return "embedded";
    }

    /** The broker itself, for tests that stop and restart it. */
    public EmbeddedKafkaBroker broker() {
        return broker;
    }

    @Override
    public void close() {
        registry.close();
        broker.close();
    }
}
