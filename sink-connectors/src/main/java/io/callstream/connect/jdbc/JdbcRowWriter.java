package io.callstream.connect.jdbc;

import io.callstream.connect.sink.Column;
import io.callstream.connect.sink.ColumnType;
import io.callstream.connect.sink.Row;
import io.callstream.connect.sink.RowWriter;
import io.callstream.connect.sink.SinkSettings;
import io.callstream.connect.sink.Table;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JDBC store: tables with a primary key on the table's key, written in one transaction per batch
 * by an upsert that only replaces a row with an equal or newer version. The connection is opened
 * lazily and dropped after a failure, so a retry reconnects.
 */
public abstract class JdbcRowWriter implements RowWriter {

    private static final Logger log = LoggerFactory.getLogger(JdbcRowWriter.class);

    protected final SinkSettings settings;
    protected final Map<Table.Kind, Table> tables;
    private Connection connection;

    protected JdbcRowWriter(SinkSettings settings) {
        this.settings = settings;
        this.tables = settings.tables();
    }

    /** Opens a connection to the store. */
    protected abstract Connection open() throws SQLException;

    /** The store's name for a column type. */
    protected abstract String typeName(ColumnType type);

    /** Writes one table's rows inside the batch's transaction. */
    protected abstract void writeTable(Connection connection, Table table, List<Row> rows) throws SQLException;

    @Override
    public void createTables() throws SQLException {
        Connection db = connection();
        try (Statement statement = db.createStatement()) {
            lockForDdl(statement);
            for (Table table : tables.values()) {
                statement.execute(createTable(table));
                for (String column : addColumns(table)) {
                    statement.execute(column);
                }
            }
            for (String view : Views.of(tables)) {
                statement.execute(view);
            }
            db.commit();
        } catch (SQLException e) {
            rollbackAndDrop();
            throw e;
        }
    }

    /**
     * Serialises table creation between tasks starting together ({@code IF NOT EXISTS} is not safe
     * against a concurrent create); called inside the creating transaction.
     */
    protected abstract void lockForDdl(Statement statement) throws SQLException;

    /**
     * {@code ALTER TABLE … ADD COLUMN IF NOT EXISTS} for each optional column: a table an earlier
     * release created gains the columns added since (a no-op for a table created by this one).
     */
    public List<String> addColumns(Table table) {
        return table.optionalColumns().stream()
                .map(column -> "ALTER TABLE " + table.name() + " ADD COLUMN IF NOT EXISTS " + column.name() + " "
                        + typeName(column.type()))
                .toList();
    }

    /** {@code CREATE TABLE IF NOT EXISTS}: the documented DDL of each table. */
    public String createTable(Table table) {
        return "CREATE TABLE IF NOT EXISTS " + table.name() + " ("
                + table.columns().stream()
                        .map(column ->
                                column.name() + " " + typeName(column.type()) + (column.nullable() ? "" : " NOT NULL"))
                        .collect(Collectors.joining(", "))
                + ", PRIMARY KEY (" + String.join(", ", table.key()) + "))";
    }

    @Override
    public void write(List<Row> rows) throws SQLException {
        Map<Table, List<Row>> byTable = new LinkedHashMap<>();
        rows.forEach(row -> byTable.computeIfAbsent(row.table(), table -> new java.util.ArrayList<>())
                .add(row));
        Connection db = connection();
        try {
            for (Map.Entry<Table, List<Row>> table : byTable.entrySet()) {
                writeTable(db, table.getKey(), table.getValue());
            }
            db.commit();
        } catch (SQLException e) {
            rollbackAndDrop();
            throw e;
        }
    }

    /**
     * {@code INSERT … ON CONFLICT (key) DO UPDATE … WHERE version <= EXCLUDED.version}: a row only
     * replaces an equal or older version of itself.
     */
    protected String upsert(Table table, String values) {
        String columns = table.columns().stream().map(Column::name).collect(Collectors.joining(", "));
        String updates = table.columns().stream()
                .map(Column::name)
                .filter(name -> !table.key().contains(name))
                .map(name -> name + " = EXCLUDED." + name)
                .collect(Collectors.joining(", "));
        return "INSERT INTO " + table.name() + " (" + columns + ") " + values + " ON CONFLICT ("
                + String.join(", ", table.key()) + ") DO UPDATE SET " + updates + " WHERE " + table.name()
                + ".version <= EXCLUDED.version";
    }

    @Override
    public boolean isTransient(Exception failure) {
        if (failure instanceof SQLTransientException || failure instanceof SQLRecoverableException) {
            return true;
        }
        if (failure instanceof SQLException sql && sql.getSQLState() != null) {
            String state = sql.getSQLState();
            // connection exceptions, transaction rollbacks (serialization, deadlock), resources, operator intervention
            return state.startsWith("08") || state.startsWith("40") || state.startsWith("53") || state.startsWith("57");
        }
        return false;
    }

    protected Connection connection() throws SQLException {
        if (connection == null) {
            connection = open();
            connection.setAutoCommit(false);
        }
        return connection;
    }

    private void rollbackAndDrop() {
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.debug("Rollback failed", e);
        }
        close();
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("Closing the connection failed", e);
            }
            connection = null;
        }
    }
}
