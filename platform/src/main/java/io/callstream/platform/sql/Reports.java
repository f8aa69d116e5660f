package io.callstream.platform.sql;

import io.callstream.connect.jdbc.Views;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SQL of {@code ./callstream report}: reconciliation per tenant, vendor and day (UTC, by call
 * start) with the differing calls, and KPIs per vendor and hour or day. Read-only statements over the
 * sink tables, run through {@link SqlClient} like any user's query.
 */
public final class Reports {

    private Reports() {}

    /** Which calls a report covers: days inclusive (UTC, by call start), optionally one tenant and vendor. */
    public record Scope(LocalDate from, LocalDate to, String tenant, String vendor) {
        public Scope {
            if (to.isBefore(from)) {
                throw new IllegalArgumentException("--to " + to + " is before --from " + from);
            }
        }

        String where(String dayExpression) {
            List<String> conditions = new ArrayList<>();
            conditions.add(dayExpression + " BETWEEN DATE '" + from + "' AND DATE '" + to + "'");
            if (tenant != null) {
                conditions.add("tenant_id = " + literal(tenant));
            }
            if (vendor != null) {
                conditions.add("vendor = " + literal(vendor));
            }
            return " WHERE " + String.join(" AND ", conditions);
        }
    }

    static final String CALL_DAY = "CAST(COALESCE(start_time, end_time, finalised_at) AS DATE)";

    /** Per tenant, vendor and day: ours beside the vendor's, and the differing calls per class. */
    public static String reconciliationSummary(Scope scope) {
        return "SELECT tenant_id, vendor, " + CALL_DAY + " AS day, COUNT(*) AS calls,"
                + " SUM(talk_seconds) AS talk_seconds, SUM(vendor_talk_seconds) AS vendor_talk_seconds,"
                + " SUM(billed_seconds) AS billed_seconds, SUM(vendor_billed_seconds) AS vendor_billed_seconds,"
                + " SUM(amount) AS amount, SUM(vendor_amount) AS vendor_amount,"
                + " SUM(CASE WHEN " + Views.DIFFERING + " THEN 1 ELSE 0 END) AS calls_differing, " + Views.classCounts()
                + " FROM calls" + scope.where(CALL_DAY) + " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";
    }

    /** The differing calls themselves, each with its class and figures. */
    public static String differingCalls(Scope scope) {
        return "SELECT tenant_id, vendor, call_id, " + CALL_DAY + " AS day, difference_class, talk_seconds,"
                + " vendor_talk_seconds, vendor_leg_a_seconds, billed_seconds, vendor_billed_seconds,"
                + " vendor_billed_source, amount, vendor_amount, quality_flags FROM calls"
                + scope.where(CALL_DAY) + " AND " + Views.DIFFERING + " ORDER BY 1, 2, 4, 3";
    }

    /** The granularity of the KPI report. */
    public enum Period {
        HOUR,
        DAY
    }

    /** ASR, NER, ACD, PDD, talk and billed minutes per vendor and hour or day (UTC, by call start). */
    public static String kpis(Scope scope, Period period) {
        String bucket = "date_trunc('" + period.name().toLowerCase(Locale.ROOT) + "', window_start)";
        return "SELECT vendor, " + bucket + " AS period, SUM(attempts) AS attempts, SUM(answered) AS answered,"
                + " SUM(answered) * 1.0 / NULLIF(SUM(attempts), 0) AS asr,"
                + " SUM(network_effective) * 1.0 / NULLIF(SUM(attempts), 0) AS ner,"
                + " SUM(acd_talk_seconds) * 1.0 / NULLIF(SUM(acd_calls), 0) AS acd_seconds,"
                + " SUM(post_dial_delay_total_ms) * 1.0 / NULLIF(SUM(post_dial_delay_samples), 0) AS pdd_ms,"
                + " SUM(talk_seconds) / 60.0 AS talk_minutes, SUM(billed_seconds) / 60.0 AS billed_minutes,"
                + " SUM(flagged_calls) AS flagged_calls"
                + " FROM call_kpis" + scope.where("CAST(window_start AS DATE)") + " GROUP BY 1, 2 ORDER BY 1, 2";
    }

    /** A SQL string literal. */
    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
