package io.callstream.connect.duckdb;

import io.callstream.connect.sink.JdbcSelect;
import io.callstream.connect.sink.RowWriter;
import io.callstream.connect.sink.RowWriterContract;
import io.callstream.connect.sink.SinkSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The writer contract on an embedded DuckDB file. */
class DuckDbWriterTest extends RowWriterContract {

    @TempDir
    Path dir;

    String url() {
        return "jdbc:duckdb:" + dir.resolve("callstream.duckdb");
    }

    @Override
    protected RowWriter writer() {
        return new DuckDbWriter(new SinkSettings(Map.of("connection.url", url())));
    }

    @Override
    protected List<String> select(String table, String column) throws Exception {
        try (Connection connection = DuckDbDatabases.connect(url())) {
            return JdbcSelect.select(connection, JdbcSelect.table(table), column);
        }
    }

    @Override
    protected void execute(String sql) throws Exception {
        try (Connection connection = DuckDbDatabases.connect(url());
                java.sql.Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @AfterEach
    void closeDatabase() throws Exception {
        DuckDbDatabases.close(url());
    }
}
