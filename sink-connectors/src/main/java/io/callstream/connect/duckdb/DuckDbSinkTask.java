package io.callstream.connect.duckdb;

import io.callstream.connect.sink.CallstreamSinkTask;
import io.callstream.connect.sink.RowWriter;
import io.callstream.connect.sink.SinkSettings;

/** A {@link DuckDbSinkConnector} task. */
public final class DuckDbSinkTask extends CallstreamSinkTask {

    @Override
    protected RowWriter writer(SinkSettings settings) {
        return new DuckDbWriter(settings);
    }
}
