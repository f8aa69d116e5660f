package io.callstream.platform.reconcile;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The imported vendor exports, in a table of their own ({@code vendor_cdrs}, keyed by vendor and
 * call id): a row is added once, replaced only when a later export states other figures, and left
 * alone when it states the same, so importing the same file again changes nothing.
 */
public final class CdrStore {

    static final String TABLE = "vendor_cdrs";

    private CdrStore() {}

    /** What an import did. */
    public record Summary(int added, int changed, int unchanged) {}

    static final String CREATE = "CREATE TABLE IF NOT EXISTS " + TABLE + " (vendor TEXT NOT NULL,"
            + " call_id TEXT NOT NULL, start_time TIMESTAMP, talk_seconds INTEGER, leg_a_seconds INTEGER,"
            + " billed_seconds INTEGER, amount DECIMAL(18,6), source TEXT, imported_at TIMESTAMP NOT NULL,"
            + " PRIMARY KEY (vendor, call_id))";

    /** Stores {@code calls} of {@code vendor}'s export {@code source} in one transaction. */
    public static Summary store(Connection connection, String vendor, String source, List<VendorCdr> calls)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute(CREATE);
            }
            Map<String, VendorCdr> existing = existing(connection, vendor);
            int added = 0;
            int changed = 0;
            int unchanged = 0;
            Timestamp now = timestamp(Instant.now());
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE
                            + " (vendor, call_id, start_time, talk_seconds, leg_a_seconds, billed_seconds, amount,"
                            + " source, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
                    PreparedStatement update = connection.prepareStatement("UPDATE " + TABLE
                            + " SET start_time = ?, talk_seconds = ?, leg_a_seconds = ?, billed_seconds = ?,"
                            + " amount = ?, source = ?, imported_at = ? WHERE vendor = ? AND call_id = ?")) {
                Map<String, VendorCdr> seen = new HashMap<>();
                for (VendorCdr call : calls) {
                    VendorCdr before =
                            seen.containsKey(call.callId()) ? seen.get(call.callId()) : existing.get(call.callId());
                    seen.put(call.callId(), call);
                    if (before == null) {
                        insert.setString(1, vendor);
                        insert.setString(2, call.callId());
                        figures(insert, 3, call);
                        insert.setString(8, source);
                        insert.setTimestamp(9, now);
                        insert.executeUpdate();
                        added++;
                    } else if (same(before, call)) {
                        unchanged++;
                    } else {
                        figures(update, 1, call);
                        update.setString(6, source);
                        update.setTimestamp(7, now);
                        update.setString(8, vendor);
                        update.setString(9, call.callId());
                        update.executeUpdate();
                        changed++;
                    }
                }
            }
            connection.commit();
            return new Summary(added, changed, unchanged);
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static Map<String, VendorCdr> existing(Connection connection, String vendor) throws SQLException {
        Map<String, VendorCdr> rows = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT call_id, start_time, talk_seconds,"
                + " leg_a_seconds, billed_seconds, amount FROM " + TABLE + " WHERE vendor = ?")) {
            select.setString(1, vendor);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    Timestamp start = result.getTimestamp(2);
                    rows.put(
                            result.getString(1),
                            new VendorCdr(
                                    result.getString(1),
                                    start == null
                                            ? null
                                            : start.toLocalDateTime().toInstant(ZoneOffset.UTC),
                                    (Integer) result.getObject(3),
                                    (Integer) result.getObject(4),
                                    (Integer) result.getObject(5),
                                    result.getBigDecimal(6)));
                }
            }
        }
        return rows;
    }

    private static void figures(PreparedStatement statement, int first, VendorCdr call) throws SQLException {
        if (call.startTime() == null) {
            statement.setNull(first, Types.TIMESTAMP);
        } else {
            statement.setTimestamp(first, timestamp(call.startTime()));
        }
        integer(statement, first + 1, call.talkSeconds());
        integer(statement, first + 2, call.legASeconds());
        integer(statement, first + 3, call.billedSeconds());
        if (call.amount() == null) {
            statement.setNull(first + 4, Types.DECIMAL);
        } else {
            statement.setBigDecimal(first + 4, call.amount());
        }
    }

    private static void integer(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }

    /** UTC wall time, as the sinks store times in DuckDB. */
    private static Timestamp timestamp(Instant instant) {
        return Timestamp.valueOf(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    static boolean same(VendorCdr a, VendorCdr b) {
        return Objects.equals(a.startTime(), b.startTime())
                && Objects.equals(a.talkSeconds(), b.talkSeconds())
                && Objects.equals(a.legASeconds(), b.legASeconds())
                && Objects.equals(a.billedSeconds(), b.billedSeconds())
                && (a.amount() == null
                        ? b.amount() == null
                        : b.amount() != null && a.amount().compareTo(b.amount()) == 0);
    }

    /** The row as JSON carries it (times as epoch milliseconds). */
    static Map<String, Object> toMap(VendorCdr call) {
        Map<String, Object> row = new HashMap<>();
        row.put("callId", call.callId());
        row.put(
                "startMillis",
                call.startTime() == null ? null : call.startTime().toEpochMilli());
        row.put("talkSeconds", call.talkSeconds());
        row.put("legASeconds", call.legASeconds());
        row.put("billedSeconds", call.billedSeconds());
        row.put("amount", call.amount());
        return row;
    }

    static VendorCdr fromMap(Map<String, Object> row) {
        Object start = row.get("startMillis");
        Object amount = row.get("amount");
        return new VendorCdr(
                (String) row.get("callId"),
                start == null ? null : Instant.ofEpochMilli(((Number) start).longValue()),
                intOf(row.get("talkSeconds")),
                intOf(row.get("legASeconds")),
                intOf(row.get("billedSeconds")),
                amount == null ? null : new BigDecimal(amount.toString()));
    }

    private static Integer intOf(Object value) {
        return value == null ? null : ((Number) value).intValue();
    }
}
