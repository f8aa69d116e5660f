package io.callstream.platform.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReadOnlySqlTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT 1",
                "  select count(*) from calls;",
                "-- a comment\nWITH x AS (SELECT 1) SELECT * FROM x",
                "/* why */ DESCRIBE calls",
                "SHOW TABLES",
                "FROM calls LIMIT 1"
            })
    void shouldLetReadingStatementsThrough(String sql) {
        assertThat(ReadOnlySql.check(sql)).doesNotEndWith(";");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "DELETE FROM calls",
                "insert into calls values (1)",
                "UPDATE calls SET talk_seconds = 0",
                "DROP TABLE calls",
                "CREATE TABLE x (a int)",
                "COPY calls TO '/tmp/x.csv'",
                "ATTACH '/tmp/other.db'",
                "PRAGMA enable_profiling",
                "SET threads = 1",
                "-- SELECT\nDELETE FROM calls"
            })
    void shouldRefuseEveryStatementThatIsNotAReadWithAClearMessage(String sql) {
        assertThatThrownBy(() -> ReadOnlySql.check(sql))
                .isInstanceOf(ReadOnlySql.RefusedException.class)
                .hasMessageContaining("statements are refused: this is read-only access");
    }

    @Test
    void shouldRefuseSeveralStatementsAndNone() {
        assertThatThrownBy(() -> ReadOnlySql.check("SELECT 1; DELETE FROM calls"))
                .isInstanceOf(ReadOnlySql.RefusedException.class)
                .hasMessage("one statement at a time (this has a ';' inside)");
        assertThatThrownBy(() -> ReadOnlySql.check("  -- nothing\n"))
                .isInstanceOf(ReadOnlySql.RefusedException.class)
                .hasMessage("no statement given");
    }

    @Test
    void shouldRollBackWhateverARunStatementDid(@TempDir Path dir) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("t.duckdb"));
                Statement setup = connection.createStatement()) {
            setup.execute("CREATE TABLE t (a INTEGER, d DECIMAL(18,6), ts TIMESTAMP)");
            setup.execute("INSERT INTO t VALUES (1, 0.5, TIMESTAMP '2024-05-01 02:00:00')");
            // a data-modifying statement behind a reading first word: the check lets it through, and
            // if the store runs it, the rollback undoes it
            try {
                ReadOnlySql.query(connection, "WITH x AS (SELECT 1) DELETE FROM t RETURNING a");
            } catch (SQLException notSupported) {
                // this DuckDB does not accept DML after WITH: nothing ran
            }
            QueryResult rows = ReadOnlySql.query(connection, "SELECT a, d, ts FROM t");

            assertThat(rows.columns()).containsExactly("a", "d", "ts");
            assertThat(rows.rows()).containsExactly(List.of(1, new BigDecimal("0.500000"), "2024-05-01T02:00:00Z"));
            assertThat(connection.getAutoCommit()).isTrue();
        }
    }
}
