package io.callstream.connect.duckdb;

import io.callstream.connect.jdbc.JdbcRowWriter;
import io.callstream.connect.sink.Column;
import io.callstream.connect.sink.ColumnType;
import io.callstream.connect.sink.Row;
import io.callstream.connect.sink.SinkSettings;
import io.callstream.connect.sink.Table;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * DuckDB (embedded file): each batch is appended to a stage table of this writer with DuckDB's
 * appender (its fastest load path), then merged into the table by one upsert. Timestamps are stored
 * as UTC {@code TIMESTAMP}. Connections come from {@link DuckDbDatabases}, so every task and reader
 * of one JVM share the database file.
 */
public final class DuckDbWriter extends JdbcRowWriter {

    private static final AtomicInteger WRITERS = new AtomicInteger();

    private final String stageSuffix = "_stage_" + WRITERS.incrementAndGet();

    public DuckDbWriter(SinkSettings settings) {
        super(settings);
    }

    @Override
    protected Connection open() throws SQLException {
        return DuckDbDatabases.connect(settings.url());
    }

    @Override
    protected String typeName(ColumnType type) {
        return switch (type) {
            case TEXT -> "VARCHAR";
            case INT -> "INTEGER";
            case BIGINT -> "BIGINT";
            case DOUBLE -> "DOUBLE";
            case TIMESTAMP -> "TIMESTAMP";
            case MONEY -> "DECIMAL(18,6)";
        };
    }

    /** Tasks share one database per JVM (see {@link DuckDbDatabases}): a JVM-wide lock is enough. */
    @Override
    protected void lockForDdl(Statement statement) {}

    @Override
    public void createTables() throws SQLException {
        synchronized (DuckDbDatabases.class) {
            createAll();
        }
    }

    private void createAll() throws SQLException {
        super.createTables();
        Connection db = connection();
        try (Statement statement = db.createStatement()) {
            for (Table table : tables.values()) {
                String stage = table.name() + stageSuffix;
                statement.execute("DROP TABLE IF EXISTS " + stage);
                // the columns in the contract's order, which a table migrated by ADD COLUMN does not have
                statement.execute("CREATE TABLE " + stage + " AS SELECT "
                        + table.columns().stream().map(Column::name).collect(Collectors.joining(", "))
                        + " FROM " + table.name() + " LIMIT 0");
            }
            db.commit();
        }
    }

    @Override
    protected void writeTable(Connection connection, Table table, List<Row> rows) throws SQLException {
        String stage = table.name() + stageSuffix;
        try (DuckDBAppender appender = connection.unwrap(DuckDBConnection.class).createAppender("main", stage)) {
            for (Row row : rows) {
                appender.beginRow();
                for (Object value : row.values()) {
                    append(appender, value);
                }
                appender.endRow();
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(upsert(table, "SELECT * FROM " + stage));
            statement.execute("DELETE FROM " + stage);
        }
    }

    /** DuckDB reports a write-write conflict between concurrent tasks without an SQL state: retry it. */
    @Override
    public boolean isTransient(Exception failure) {
        return super.isTransient(failure)
                || (failure instanceof SQLException
                        && String.valueOf(failure.getMessage()).contains("onflict"));
    }

    /** Appends one row value (as {@link Row} holds it) to the appender's current row. */
    public static void append(DuckDBAppender appender, Object value) throws SQLException {
        switch (value) {
            case null -> appender.appendNull();
            case String text -> appender.append(text);
            case Integer number -> appender.append(number.intValue());
            case Long number -> appender.append(number.longValue());
            case Double number -> appender.append(number.doubleValue());
            case BigDecimal decimal -> appender.append(decimal);
            case Instant instant -> appender.append(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
            default ->
                throw new SQLException("cannot append a " + value.getClass().getName());
        }
    }

    @Override
    public void close() {
        try {
            Connection db = connection();
            try (Statement statement = db.createStatement()) {
                for (Table table : tables.values()) {
                    statement.execute("DROP TABLE IF EXISTS " + table.name() + stageSuffix);
                }
                db.commit();
            }
        } catch (SQLException e) {
            // the stage tables are dropped on the next start at the latest
        }
        super.close();
    }
}
