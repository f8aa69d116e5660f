package io.callstream.connect.postgres;

import io.callstream.connect.sink.CallstreamSinkConnector;
import org.apache.kafka.connect.connector.Task;

/**
 * Writes calls, legs, KPIs and alerts to PostgreSQL ({@code connection.url=jdbc:postgresql://…}),
 * idempotently by key and version.
 */
public final class PostgresSinkConnector extends CallstreamSinkConnector {

    @Override
    public Class<? extends Task> taskClass() {
        return PostgresSinkTask.class;
    }
}
