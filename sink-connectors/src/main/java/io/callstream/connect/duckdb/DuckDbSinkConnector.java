package io.callstream.connect.duckdb;

import io.callstream.connect.sink.CallstreamSinkConnector;
import org.apache.kafka.connect.connector.Task;

/**
 * Writes calls, legs, KPIs and alerts to a DuckDB file ({@code connection.url=jdbc:duckdb:/path}),
 * idempotently by key and version: the store of the one-command local run.
 */
public final class DuckDbSinkConnector extends CallstreamSinkConnector {

    @Override
    public Class<? extends Task> taskClass() {
        return DuckDbSinkTask.class;
    }
}
