package io.callstream.connect.postgres;

import io.callstream.connect.jdbc.JdbcRowWriter;
import io.callstream.connect.sink.ColumnType;
import io.callstream.connect.sink.Row;
import io.callstream.connect.sink.SinkSettings;
import io.callstream.connect.sink.Table;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

/**
 * PostgreSQL: batched upserts ({@code reWriteBatchedInserts}: the driver sends many rows per
 * statement), timestamps as {@code timestamptz}, money as {@code numeric(18,6)}, sessions in UTC.
 */
public final class PostgresWriter extends JdbcRowWriter {

    /** The advisory lock id taken while creating tables ("callstrm" in ASCII). */
    static final long DDL_LOCK = 0x63616c6c7374726dL;

    public PostgresWriter(SinkSettings settings) {
        super(settings);
    }

    @Override
    protected Connection open() throws SQLException {
        Properties properties = new Properties();
        if (!settings.user().isEmpty()) {
            properties.setProperty("user", settings.user());
            properties.setProperty("password", settings.password());
        }
        properties.setProperty("reWriteBatchedInserts", "true");
        int seconds = Math.max(1, settings.timeoutMs() / 1000);
        properties.setProperty("connectTimeout", String.valueOf(seconds));
        properties.setProperty("socketTimeout", String.valueOf(seconds * 2));
        Connection connection = DriverManager.getConnection(settings.url(), properties);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET TIME ZONE 'UTC'");
        }
        return connection;
    }

    /** A transaction-scoped advisory lock: concurrent tasks create the tables one after the other. */
    @Override
    protected void lockForDdl(Statement statement) throws SQLException {
        statement.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
    }

    @Override
    protected String typeName(ColumnType type) {
        return switch (type) {
            case TEXT -> "text";
            case INT -> "integer";
            case BIGINT -> "bigint";
            case DOUBLE -> "double precision";
            case TIMESTAMP -> "timestamptz";
            case MONEY -> "numeric(18,6)";
        };
    }

    @Override
    protected void writeTable(Connection connection, Table table, List<Row> rows) throws SQLException {
        String values = "VALUES ("
                + String.join(", ", Collections.nCopies(table.columns().size(), "?")) + ")";
        try (PreparedStatement statement = connection.prepareStatement(upsert(table, values))) {
            for (Row row : rows) {
                for (int i = 0; i < row.values().length; i++) {
                    bind(statement, i + 1, table.columns().get(i).type(), row.values()[i]);
                }
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private static void bind(PreparedStatement statement, int index, ColumnType type, Object value)
            throws SQLException {
        if (value == null) {
            statement.setNull(
                    index,
                    switch (type) {
                        case TEXT -> Types.VARCHAR;
                        case INT -> Types.INTEGER;
                        case BIGINT -> Types.BIGINT;
                        case DOUBLE -> Types.DOUBLE;
                        case TIMESTAMP -> Types.TIMESTAMP_WITH_TIMEZONE;
                        case MONEY -> Types.NUMERIC;
                    });
        } else if (value instanceof Instant instant) {
            statement.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
        } else {
            statement.setObject(index, value);
        }
    }
}
