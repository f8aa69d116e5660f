package io.callstream.connect.clickhouse;

import io.callstream.connect.sink.CallstreamSinkConnector;
import org.apache.kafka.connect.connector.Task;

/**
 * Writes calls, legs, KPIs and alerts to ClickHouse over HTTP ({@code connection.url=http://host:8123})
 * into {@code ReplacingMergeTree(version)} tables.
 */
public final class ClickHouseSinkConnector extends CallstreamSinkConnector {

    @Override
    public Class<? extends Task> taskClass() {
        return ClickHouseSinkTask.class;
    }
}
