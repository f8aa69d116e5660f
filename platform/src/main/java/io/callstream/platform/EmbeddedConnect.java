package io.callstream.platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.ConnectorTaskId;
import org.apache.kafka.connect.util.FutureCallback;

/**
 * A Kafka Connect worker in standalone mode, in this JVM, with callstream's plugin on the class path
 * (found through {@code plugin.discovery=service_load}): string keys, values through callstream's
 * Avro converter, source offsets and sink progress in {@code offsetsFile} (sink offsets are
 * committed to Kafka as usual, so a restart resumes where the connectors stopped).
 */
public final class EmbeddedConnect implements AutoCloseable {

    private final Connect<StandaloneHerder> connect;

    private EmbeddedConnect(Connect<StandaloneHerder> connect) {
        this.connect = connect;
    }

    public static EmbeddedConnect start(String bootstrapServers, String schemaRegistryUrl, Path offsetsFile) {
        Map<String, String> worker = new HashMap<>();
        worker.put("bootstrap.servers", bootstrapServers);
        worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("value.converter", "io.callstream.connect.converter.AvroConverter");
        worker.put("value.converter.schema.registry.url", schemaRegistryUrl);
        worker.put("offset.storage.file.filename", offsetsFile.toAbsolutePath().toString());
        // How often sinks write what they buffered (preCommit): the floor of the webhook-to-row latency.
        worker.put("offset.flush.interval.ms", "250");
        worker.put("listeners", "http://127.0.0.1:0");
        worker.put("plugin.discovery", "service_load");
        return new EmbeddedConnect(new ConnectStandalone().startConnect(worker));
    }

    /** Creates or replaces a connector and waits until the worker accepted it. */
    public void addConnector(String name, Map<String, String> config, Duration timeout) {
        Map<String, String> full = new HashMap<>(config);
        full.put("name", name);
        FutureCallback<Herder.Created<ConnectorInfo>> created = new FutureCallback<>();
        connect.herder().putConnectorConfig(name, full, true, created);
        try {
            created.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Connector " + name + " was refused: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Connector " + name + " was not created within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating connector " + name, e);
        }
    }

    /** The state of a connector's tasks, e.g. {@code [RUNNING]}, for progress and errors. */
    public String taskStates(String name) {
        return connect.herder().connectorStatus(name).tasks().stream()
                .map(task -> task.state()
                        + (task.trace() == null
                                ? ""
                                : ": " + task.trace().lines().findFirst().orElse("")))
                .toList()
                .toString();
    }

    /** The ids of the connector's tasks that have failed. */
    public List<Integer> failedTasks(String name) {
        return connect.herder().connectorStatus(name).tasks().stream()
                .filter(task -> "FAILED".equals(task.state()))
                .map(ConnectorStateInfo.TaskState::id)
                .toList();
    }

    /** The first line of a failed task's error, for the console. */
    public String failure(String name, int task) {
        return connect.herder().connectorStatus(name).tasks().stream()
                .filter(state -> state.id() == task && state.trace() != null)
                .map(state -> state.trace().lines().findFirst().orElse(""))
                .findFirst()
                .orElse("");
    }

    /** Restarts one task of the connector (asynchronously). */
    public void restartTask(String name, int task) {
        connect.herder().restartTask(new ConnectorTaskId(name, task), new FutureCallback<>());
    }

    @Override
    public void close() {
        connect.stop();
        connect.awaitStop();
    }
}
