package io.callstream.connect.clickhouse;

import io.callstream.connect.sink.CallstreamSinkTask;
import io.callstream.connect.sink.RowWriter;
import io.callstream.connect.sink.SinkSettings;

/** A {@link ClickHouseSinkConnector} task. */
public final class ClickHouseSinkTask extends CallstreamSinkTask {

    @Override
    protected RowWriter writer(SinkSettings settings) {
        return new ClickHouseWriter(settings);
    }
}
