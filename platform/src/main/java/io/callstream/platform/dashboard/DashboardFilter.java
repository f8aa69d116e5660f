package io.callstream.platform.dashboard;

import io.callstream.connect.jdbc.Views;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the dashboard shows: a time range (the last 15 minutes, hour or day, everything, or from–to,
 * UTC) and optionally one tenant and one vendor; every panel's query obeys it. Bounds become SQL
 * literals computed here, so the store's session time zone never shifts them.
 *
 * @param from inclusive; null for no lower bound
 * @param to exclusive; null for no upper bound
 */
record DashboardFilter(Instant from, Instant to, String tenant, String vendor) {

    static final DateTimeFormatter SQL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    /** From the query string: {@code range=15m|1h|1d|all|custom}, {@code from}, {@code to}, {@code tenant}, {@code vendor}. */
    static DashboardFilter of(Map<String, String> query, Instant now) {
        String range = query.getOrDefault("range", "1h");
        Instant from;
        Instant to = null;
        switch (range) {
            case "15m" -> from = now.minus(Duration.ofMinutes(15));
            case "1h" -> from = now.minus(Duration.ofHours(1));
            case "1d" -> from = now.minus(Duration.ofDays(1));
            case "all" -> from = null;
            case "custom" -> {
                from = time(query.get("from"), false);
                to = time(query.get("to"), true);
            }
            default -> throw new IllegalArgumentException("range: 15m, 1h, 1d, all or custom, not " + range);
        }
        return new DashboardFilter(from, to, blankToNull(query.get("tenant")), blankToNull(query.get("vendor")));
    }

    /** A day ({@code yyyy-MM-dd}, the whole of it for an upper bound) or a UTC date-time; null when blank. */
    static Instant time(String text, boolean upper) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            if (text.length() == 10) {
                LocalDate day = LocalDate.parse(text);
                return (upper ? day.plusDays(1) : day).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a day or a date-time (UTC): " + text);
        }
    }

    /** {@code AND}-joined conditions on the time column and the tenant and vendor columns; "TRUE" for none. */
    String where(String timeColumn) {
        return where(timeColumn, "");
    }

    /** As {@link #where(String)}, with the tenant and vendor columns of the table aliased {@code prefix}. */
    String where(String timeColumn, String prefix) {
        StringBuilder sql = new StringBuilder("TRUE");
        if (from != null) {
            sql.append(" AND ")
                    .append(timeColumn)
                    .append(" >= TIMESTAMP '")
                    .append(literal(from))
                    .append('\'');
        }
        if (to != null) {
            sql.append(" AND ")
                    .append(timeColumn)
                    .append(" < TIMESTAMP '")
                    .append(literal(to))
                    .append('\'');
        }
        return sql.append(who(prefix)).toString();
    }

    /** Tenant and vendor conditions only (for what is "now", such as the active alerts). */
    String who() {
        return who("");
    }

    private String who(String prefix) {
        StringBuilder sql = new StringBuilder();
        if (tenant != null) {
            sql.append(" AND ")
                    .append(prefix)
                    .append("tenant_id = '")
                    .append(tenant.replace("'", "''"))
                    .append('\'');
        }
        if (vendor != null) {
            sql.append(" AND ")
                    .append(prefix)
                    .append("vendor = '")
                    .append(vendor.replace("'", "''"))
                    .append('\'');
        }
        return sql.toString();
    }

    private static String literal(Instant instant) {
        return SQL_TIME.format(LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    static final String CALL_TIME = "COALESCE(start_time, end_time, finalised_at)";

    /** The queries behind the page, each answering a list of rows. */
    Map<String, String> queries() {
        Map<String, String> queries = new LinkedHashMap<>();
        String kpis = where("window_start");
        queries.put(
                "minutes",
                "SELECT vendor, window_start, SUM(attempts) AS attempts, SUM(answered) AS answered,"
                        + " SUM(answered) * 1.0 / NULLIF(SUM(attempts), 0) AS asr,"
                        + " SUM(network_effective) * 1.0 / NULLIF(SUM(attempts), 0) AS ner,"
                        + " SUM(acd_talk_seconds) * 1.0 / NULLIF(SUM(acd_calls), 0) AS acd_seconds,"
                        + " SUM(billed_seconds) / 60.0 AS billed_minutes FROM call_kpis WHERE " + kpis
                        + " GROUP BY vendor, window_start ORDER BY window_start");
        queries.put(
                "totals",
                "SELECT tenant_id, vendor, sum(attempts) AS calls, sum(answered) AS answered,"
                        + " sum(answered) * 1.0 / nullif(sum(attempts), 0) AS asr,"
                        + " sum(network_effective) * 1.0 / nullif(sum(attempts), 0) AS ner,"
                        // ACD over answered calls whose times no quality flag puts in doubt
                        + " sum(acd_talk_seconds) * 1.0 / nullif(sum(acd_calls), 0) AS acd_seconds,"
                        + " sum(billed_seconds) / 60.0 AS billed_minutes, sum(flagged_calls) AS flagged_calls,"
                        // calls that got no terminal push (answered or not), counted once the finalisation
                        // timeout passed (rows written before no_final_push existed have only expired)
                        + " sum(greatest(coalesce(no_final_push, 0), coalesce(expired, 0))) * 1.0"
                        + " / nullif(sum(attempts), 0) AS no_final_share"
                        + " FROM call_kpis WHERE " + kpis + " GROUP BY 1, 2 ORDER BY 2, 1");
        String calls = where(CALL_TIME);
        queries.put(
                "failures",
                "SELECT vendor, failure_category, count(*) AS calls FROM calls WHERE failure_category <> 'NONE' AND "
                        + calls + " GROUP BY 1, 2 ORDER BY 1, 3 DESC");
        queries.put("alerts", "SELECT * FROM active_alerts WHERE TRUE" + who() + " ORDER BY event_time DESC");
        queries.put(
                "alertHistory",
                "SELECT event_time, kind, state, tenant_id, vendor, failure_rate, baseline_rate, attempts,"
                        + " expected_attempts, failures, top_categories, message FROM call_alerts WHERE "
                        + where("event_time")
                        + " ORDER BY event_time DESC LIMIT 200");
        queries.put(
                "calls",
                "SELECT vendor, call_id, tenant_id, start_time, outcome, failure_category,"
                        + " talk_seconds, billed_seconds, billing_difference_seconds, difference_class, quality_flags,"
                        + " version FROM calls WHERE " + calls + " ORDER BY finalised_at DESC LIMIT 20");
        queries.put(
                "reconciliation",
                "SELECT vendor, difference_class, count(*) AS calls FROM calls WHERE " + Views.DIFFERING + " AND "
                        + calls + " GROUP BY 1, 2 ORDER BY 1, 2");
        queries.put(
                "differing",
                "SELECT c.vendor, c.call_id, c.tenant_id, c.start_time, c.difference_class, c.talk_seconds,"
                        + " c.vendor_talk_seconds, a.talk_seconds AS leg_a_seconds, c.vendor_leg_a_seconds,"
                        + " c.billed_seconds, c.vendor_billed_seconds, c.vendor_billed_source, c.amount, c.vendor_amount,"
                        + " c.quality_flags FROM calls c LEFT JOIN call_legs a"
                        + " ON a.vendor = c.vendor AND a.call_id = c.call_id AND a.leg = 'A'"
                        // (difference_class is the calls table's only)
                        + " WHERE " + Views.DIFFERING + " AND "
                        + where("COALESCE(c.start_time, c.end_time, c.finalised_at)", "c.")
                        + " ORDER BY c.start_time DESC LIMIT 200");
        queries.put("tenants", "SELECT DISTINCT tenant_id FROM calls ORDER BY 1");
        queries.put("vendors", "SELECT DISTINCT vendor FROM calls ORDER BY 1");
        return queries;
    }
}
