package io.callstream.connect.sink;

import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** The settings every callstream sink connector takes; each store adds what it needs. */
public class SinkSettings extends AbstractConfig {

    public static final String CONNECTION_URL = "connection.url";
    public static final String CONNECTION_USER = "connection.user";
    public static final String CONNECTION_PASSWORD = "connection.password";
    public static final String BATCH_SIZE = "batch.size";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String TIMEOUT_MS = "request.timeout.ms";
    public static final String TABLE_PREFIX = "table.name.";

    /** The settings of all callstream sinks. */
    public static ConfigDef configDef() {
        ConfigDef def = new ConfigDef()
                .define(
                        CONNECTION_URL,
                        Type.STRING,
                        ConfigDef.NO_DEFAULT_VALUE,
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "Where to write: a JDBC URL (jdbc:postgresql://host:5432/db, jdbc:duckdb:/path/file.duckdb)"
                                + " or ClickHouse's HTTP URL (http://host:8123).")
                .define(CONNECTION_USER, Type.STRING, "", Importance.HIGH, "User name, if the store needs one.")
                .define(CONNECTION_PASSWORD, Type.PASSWORD, "", Importance.HIGH, "Password, if the store needs one.")
                .define(
                        BATCH_SIZE,
                        Type.INT,
                        10_000,
                        Range.between(1, 1_000_000),
                        Importance.MEDIUM,
                        "Rows buffered before they are written without waiting for the next offset commit.")
                .define(
                        MAX_RETRIES,
                        Type.INT,
                        10,
                        Range.atLeast(0),
                        Importance.MEDIUM,
                        "Retries of a write that failed for a transient reason before the task fails.")
                .define(
                        RETRY_BACKOFF_MS,
                        Type.LONG,
                        1_000L,
                        Range.atLeast(0),
                        Importance.MEDIUM,
                        "Wait before a failed write is retried.")
                .define(
                        TIMEOUT_MS,
                        Type.INT,
                        30_000,
                        Range.atLeast(1),
                        Importance.LOW,
                        "Timeout of one write (connection and statement).");
        for (Table.Kind kind : Table.Kind.values()) {
            def.define(
                    TABLE_PREFIX + kind.defaultName(),
                    Type.STRING,
                    kind.defaultName(),
                    SinkSettings::ensureIdentifier,
                    Importance.LOW,
                    "Name of the " + kind.defaultName() + " table (letters, digits, _).");
        }
        return def;
    }

    private static void ensureIdentifier(String name, Object value) {
        if (!(value instanceof String identifier) || !identifier.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw new ConfigException(name, value, "must be a plain identifier: letters, digits and _");
        }
    }

    public SinkSettings(Map<String, String> properties) {
        super(configDef(), properties);
    }

    public String url() {
        return getString(CONNECTION_URL);
    }

    public String user() {
        return getString(CONNECTION_USER);
    }

    public String password() {
        Password password = getPassword(CONNECTION_PASSWORD);
        return password == null ? "" : password.value();
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public int maxRetries() {
        return getInt(MAX_RETRIES);
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS);
    }

    public int timeoutMs() {
        return getInt(TIMEOUT_MS);
    }

    /** The tables, under their configured names. */
    public Map<Table.Kind, Table> tables() {
        Map<Table.Kind, Table> tables = new EnumMap<>(Table.Kind.class);
        for (Table.Kind kind : Table.Kind.values()) {
            tables.put(kind, Table.of(kind, getString(TABLE_PREFIX + kind.defaultName())));
        }
        return tables;
    }
}
