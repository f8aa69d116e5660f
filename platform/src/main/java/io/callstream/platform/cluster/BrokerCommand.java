package io.callstream.platform.cluster;

import io.callstream.kafka.embedded.EmbeddedKafkaBroker;
import io.callstream.platform.CallstreamCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One Kafka broker of a cluster (combined KRaft broker and controller) in this process. */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = "Runs one Kafka broker and controller (KRaft) of a cluster until stopped; the local"
                + " cluster (./callstream cluster up) starts three.")
public final class BrokerCommand implements Callable<Integer> {

    /** Printed once the broker answers: the local cluster waits for it. */
    static final String READY = "callstream broker ready";

    @Option(names = "--node-id", required = true, description = "This node's id (node.id).")
    int nodeId;

    @Option(names = "--cluster-id", required = true, description = "The id the cluster's storage is formatted with.")
    String clusterId;

    @Option(names = "--port", required = true, description = "The client listener's port.")
    int port;

    @Option(names = "--controller-port", required = true, description = "The KRaft controller listener's port.")
    int controllerPort;

    @Option(
            names = "--quorum-voters",
            required = true,
            description = "Every controller of the cluster: id@host:port,... (controller.quorum.voters).")
    String quorumVoters;

    @Option(names = "--data-dir", required = true, description = "The broker's data (formatted on first start).")
    Path dataDirectory;

    @Option(
            names = "--property",
            paramLabel = "NAME=VALUE",
            description = "A broker configuration property (e.g. min.insync.replicas=2). Repeatable.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder()
                .clusterMember(nodeId, clusterId, quorumVoters)
                .dataDirectory(dataDirectory)
                .port(port)
                .controllerPort(controllerPort)
                .startTimeout(Duration.ofMinutes(3));
        properties.forEach(builder::brokerProperty);
        EmbeddedKafkaBroker broker = builder.build();
        broker.start();
        System.out.println(READY + ": node " + nodeId + " at " + broker.bootstrapServers());
        CallstreamCommand.runUntilStopped("broker", broker::stop);
        return 0;
    }
}
