package io.callstream.connect.clickhouse;

import io.callstream.connect.sink.JdbcSelect;
import io.callstream.connect.sink.RowWriter;
import io.callstream.connect.sink.RowWriterContract;
import io.callstream.connect.sink.SinkSettings;
import io.callstream.connect.sink.Table;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The writer contract on a real ClickHouse server; rows are read with {@code FINAL}, which applies
 * {@code ReplacingMergeTree}'s newest-version-wins before a merge has run.
 */
class ClickHouseWriterIT extends RowWriterContract {

    static LocalClickHouseServer clickHouse;
    String database;

    @BeforeAll
    static void startClickHouse() throws Exception {
        clickHouse = LocalClickHouseServer.start();
    }

    @AfterAll
    static void stopClickHouse() throws Exception {
        clickHouse.close();
    }

    @BeforeEach
    void freshDatabase() throws Exception {
        database = "test_" + UUID.randomUUID().toString().replace("-", "");
        clickHouse.query("CREATE DATABASE " + database);
    }

    @Override
    protected RowWriter writer() {
        return new ClickHouseWriter(
                new SinkSettings(Map.of("connection.url", clickHouse.url() + "/?database=" + database)));
    }

    @Override
    protected void execute(String sql) throws Exception {
        if (sql.startsWith("DROP VIEW")) {
            return; // the ClickHouse sink creates no views
        }
        clickHouse.query(sql.replace("TABLE ", "TABLE " + database + "."));
    }

    @Override
    protected List<String> select(String tableName, String column) throws Exception {
        Table table = JdbcSelect.table(tableName);
        String keys = String.join(", ", table.key());
        String result = clickHouse.query("SELECT " + keys + ", version, " + column + " FROM " + database + "."
                + table.name() + " FINAL ORDER BY " + keys + " FORMAT TabSeparated");
        return Arrays.stream(result.split("\n"))
                .filter(line -> !line.isEmpty())
                .map(line -> line.replace('\t', '|'))
                .toList();
    }
}
