package io.callstream.testkit;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Apache's Kafka image and Confluent's schema registry image from Testcontainers, for machines with
 * a Docker engine ({@code ./mvnw verify -Pdocker}). Not exercised by this project's CI, which has no
 * Docker engine.
 */
public final class DockerTestPlatform implements TestPlatform {

    static final DockerImageName KAFKA = DockerImageName.parse("apache/kafka:4.2.0");
    static final DockerImageName SCHEMA_REGISTRY = DockerImageName.parse("confluentinc/cp-schema-registry:7.9.0");
    private static final String KAFKA_IN_NETWORK = "kafka:19092";

    private final Network network;
    private final KafkaContainer kafka;
    private final GenericContainer<?> registry;

    private DockerTestPlatform(Network network, KafkaContainer kafka, GenericContainer<?> registry) {
        this.network = network;
        this.kafka = kafka;
        this.registry = registry;
    }

    @SuppressWarnings("resource") // closed in close()
    public static DockerTestPlatform start() {
        Network network = Network.newNetwork();
        KafkaContainer kafka = new KafkaContainer(KAFKA)
                .withNetwork(network)
                .withNetworkAliases("kafka")
                .withListener(KAFKA_IN_NETWORK);
        kafka.start();
        GenericContainer<?> registry = new GenericContainer<>(SCHEMA_REGISTRY)
                .withNetwork(network)
                .withExposedPorts(8081)
                .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://" + KAFKA_IN_NETWORK)
                .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));
        registry.start();
        return new DockerTestPlatform(network, kafka, registry);
    }

    @Override
    public String bootstrapServers() {
        return kafka.getBootstrapServers();
    }

    @Override
    public String schemaRegistryUrl() {
        return "http://" + registry.getHost() + ":" + registry.getMappedPort(8081);
    }

    @Override
    public String name() {
        return "docker";
    }

    @Override
    public void close() {
        registry.stop();
        kafka.stop();
        network.close();
    }
}
