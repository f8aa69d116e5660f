package io.callstream.connect.postgres;

import io.callstream.connect.sink.CallstreamSinkTask;
import io.callstream.connect.sink.RowWriter;
import io.callstream.connect.sink.SinkSettings;

/** A {@link PostgresSinkConnector} task. */
public final class PostgresSinkTask extends CallstreamSinkTask {

    @Override
    protected RowWriter writer(SinkSettings settings) {
        return new PostgresWriter(settings);
    }
}
