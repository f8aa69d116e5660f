package io.callstream.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callstream.connect.postgres.PostgresWriter;
import io.callstream.connect.sink.SinkSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PostgreSQL of {@code ./callstream up --with-postgres}, as its users reach it. */
class EmbeddedPostgresStoreIT {

    @Test
    void shouldServeReadersReadOnlyWithPasswordsAndKeepItsDataAcrossARestart(@TempDir Path data) throws Exception {
        List<String> said = new ArrayList<>();
        String readerPassword;
        try (EmbeddedPostgresStore store = EmbeddedPostgresStore.start(data, 0, said::add)) {
            readerPassword = store.readerPassword();
            assertThat(said).singleElement().asString().contains("callstream_reader", readerPassword);
            assertThat(PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(data.resolve("postgres-credentials.properties"))))
                    .isEqualTo("rw-------");
            try (PostgresWriter writer = new PostgresWriter(new SinkSettings(Map.of(
                    "connection.url", store.jdbcUrl(),
                    "connection.user", store.writerUser(),
                    "connection.password", store.writerPassword())))) {
                writer.createTables();
            }
            try (Connection sink = store.connect("callstream", store.writerUser(), store.writerPassword());
                    Statement sql = sink.createStatement()) {
                sql.execute("INSERT INTO calls (vendor, call_id, tenant_id, outcome, failure_category, hangup_side,"
                        + " talk_seconds, billed_seconds, event_count, finalised_at, version) VALUES ('ytx', 'c-1',"
                        + " 't', 'CONNECTED', 'NONE', 'A', 60, 60, 2, now(), 1)");
            }
            try (Connection reader = store.connect("callstream", store.readerUser(), readerPassword);
                    Statement sql = reader.createStatement()) {
                assertThat(count(sql, "SELECT count(*) FROM calls")).isEqualTo(1);
                assertThatThrownBy(() -> sql.execute("DELETE FROM calls")).hasMessageContaining("permission denied");
                // the provisioned Grafana dashboard's queries, as Grafana sends them, as its reader
                for (String query : grafanaQueries()) {
                    sql.executeQuery(query.replaceAll(
                                    "\\$__timeFilter\\((\\w+)\\)",
                                    "$1 BETWEEN '2024-01-01T00:00:00Z' AND '2030-01-02T00:00:00Z'"))
                            .close();
                }
            }
            assertThatThrownBy(() -> store.connect("callstream", "postgres", "wrong"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
        }
        List<String> again = new ArrayList<>();
        try (EmbeddedPostgresStore store = EmbeddedPostgresStore.start(data, 0, again::add);
                Connection reader = store.connect("callstream", store.readerUser(), readerPassword);
                Statement sql = reader.createStatement()) {
            assertThat(again).as("the password is printed once").isEmpty();
            assertThat(count(sql, "SELECT count(*) FROM calls")).isEqualTo(1);
        }
    }

    private static long count(Statement sql, String query) throws SQLException {
        try (ResultSet rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static List<String> grafanaQueries() throws Exception {
        JsonNode dashboard = new ObjectMapper()
                .readTree(Path.of("..", "deploy/grafana/dashboards/callstream.json")
                        .toFile());
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                if (target.has("rawSql")) {
                    queries.add(target.get("rawSql").asText());
                }
            }
        }
        assertThat(queries).hasSizeGreaterThanOrEqualTo(8);
        return queries;
    }
}
