package io.callstream.connect.duckdb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.duckdb.DuckDBConnection;

/**
 * One open DuckDB database per file in this JVM: DuckDB lets one process open a file once, so every
 * connector task and reader (the dashboard) gets a connection of the same database.
 */
public final class DuckDbDatabases {

    private static final Map<String, DuckDBConnection> OPEN = new HashMap<>();

    private DuckDbDatabases() {}

    /** A new connection to the database at {@code url} ({@code jdbc:duckdb:/path/file.duckdb}). */
    public static synchronized Connection connect(String url) throws SQLException {
        DuckDBConnection root = OPEN.get(url);
        if (root == null || root.isClosed()) {
            root = DriverManager.getConnection(url).unwrap(DuckDBConnection.class);
            OPEN.put(url, root);
        }
        return root.duplicate();
    }

    /** Closes the database at {@code url}, if open (connections handed out are closed with it). */
    public static synchronized void close(String url) throws SQLException {
        DuckDBConnection root = OPEN.remove(url);
        if (root != null) {
            root.close();
        }
    }
}
