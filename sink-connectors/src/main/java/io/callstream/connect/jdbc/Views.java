package io.callstream.connect.jdbc;

import io.callstream.connect.sink.Table;
import java.util.List;
import java.util.Map;

/**
 * The views dashboards and reconciliation jobs query, in SQL that PostgreSQL and DuckDB both run.
 *
 * <ul>
 *   <li>{@code vendor_kpis_per_minute}: ASR, NER, ACD, billed minutes per vendor and minute (all
 *       tenants);
 *   <li>{@code failure_breakdown}: calls per vendor and failure category, with their share;
 *   <li>{@code billing_reconciliation}: per tenant and day (UTC, by call start), our billed seconds
 *       beside the vendor's, our talk beside the vendor's talk, our amount beside the vendor's, how
 *       many calls differ beyond the processor's tolerance and how many of them per reason class,
 *       and how many carry quality flags;
 *   <li>{@code billing_differences}: the differing calls themselves, with their class and each
 *       figure beside the vendor's;
 *   <li>{@code active_alerts}: alerts (failure rate, silence) raised and not cleared, with their evidence.
 * </ul>
 */
public final class Views {

    /** The classes a differing call can have (DifferenceClass, less AGREES and NOT_COMPARED). */
    public static final List<String> DIFFERENCE_CLASSES = List.of(
            "INCREMENT_ROUNDING",
            "CAP",
            "ANSWER_TIME",
            "ONE_LEG_MISSING",
            "TIMEZONE_SHIFT",
            "VENDOR_FIGURE_MISSING",
            "OTHER");

    /** A call whose figures differ from the vendor's beyond the processor's tolerance. */
    public static final String DIFFERING = "difference_class IN ('" + String.join("', '", DIFFERENCE_CLASSES) + "')";

    private Views() {}

    /**
     * One column per difference class counting the calls of that class, named after it in lower
     * case ({@code SUM(CASE WHEN difference_class = 'CAP' THEN 1 ELSE 0 END) AS cap}), comma-separated.
     */
    public static String classCounts() {
        return DIFFERENCE_CLASSES.stream()
                .map(name -> "SUM(CASE WHEN difference_class = '" + name + "' THEN 1 ELSE 0 END) AS "
                        + name.toLowerCase(java.util.Locale.ROOT))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    public static List<String> of(Map<Table.Kind, Table> tables) {
        String calls = tables.get(Table.Kind.CALLS).name();
        String kpis = tables.get(Table.Kind.CALL_KPIS).name();
        String alerts = tables.get(Table.Kind.CALL_ALERTS).name();
        return List.of(
                "CREATE OR REPLACE VIEW vendor_kpis_per_minute AS SELECT vendor, window_start,"
                        + " SUM(attempts) AS attempts, SUM(answered) AS answered,"
                        + " CASE WHEN SUM(attempts) > 0 THEN SUM(answered) * 1.0 / SUM(attempts) END AS asr,"
                        + " CASE WHEN SUM(attempts) > 0 THEN SUM(network_effective) * 1.0 / SUM(attempts) END AS ner,"
                        // ACD over answered calls whose times no quality flag puts in doubt
                        + " CASE WHEN SUM(acd_calls) > 0 THEN SUM(acd_talk_seconds) * 1.0 / SUM(acd_calls) END"
                        + " AS acd_seconds,"
                        + " SUM(billed_seconds) / 60.0 AS billed_minutes, SUM(flagged_calls) AS flagged_calls"
                        + " FROM " + kpis + " GROUP BY vendor, window_start",
                "CREATE OR REPLACE VIEW failure_breakdown AS SELECT vendor, failure_category, COUNT(*) AS calls,"
                        + " COUNT(*) * 1.0 / SUM(COUNT(*)) OVER (PARTITION BY vendor) AS share"
                        + " FROM " + calls + " GROUP BY vendor, failure_category",
                // new columns go at the end: PostgreSQL replaces a view only when it keeps the old ones
                "CREATE OR REPLACE VIEW billing_reconciliation AS SELECT tenant_id,"
                        + " CAST(COALESCE(start_time, end_time, finalised_at) AS DATE) AS day,"
                        + " COUNT(*) AS calls, SUM(billed_seconds) AS billed_seconds,"
                        + " SUM(vendor_billed_seconds) AS vendor_billed_seconds,"
                        + " COUNT(vendor_billed_seconds) AS calls_with_vendor_billing,"
                        + " SUM(CASE WHEN " + DIFFERING + " THEN 1 ELSE 0 END) AS calls_differing,"
                        + " SUM(billing_difference_seconds) AS difference_seconds,"
                        + " SUM(talk_seconds) AS talk_seconds, SUM(vendor_talk_seconds) AS vendor_talk_seconds,"
                        + " SUM(talk_difference_seconds) AS talk_difference_seconds,"
                        + " SUM(amount) AS amount, SUM(vendor_amount) AS vendor_amount,"
                        + " SUM(amount_difference) AS amount_difference,"
                        + " " + classCounts() + ","
                        + " SUM(CASE WHEN quality_flags <> '' THEN 1 ELSE 0 END) AS calls_flagged"
                        + " FROM " + calls + " GROUP BY 1, 2",
                "CREATE OR REPLACE VIEW billing_differences AS SELECT vendor, call_id, tenant_id, start_time,"
                        + " difference_class, talk_seconds, vendor_talk_seconds, talk_difference_seconds,"
                        + " vendor_leg_a_seconds, billed_seconds, vendor_billed_seconds, vendor_billed_source,"
                        + " billing_difference_seconds, amount, vendor_amount, amount_difference,"
                        + " max_duration_seconds, quality_flags"
                        + " FROM " + calls + " WHERE " + DIFFERING,
                "CREATE OR REPLACE VIEW active_alerts AS SELECT a.tenant_id, a.vendor, a.alert_id, a.event_time,"
                        + " a.failure_rate, a.baseline_rate, a.attempts, a.failures, a.top_categories, a.message,"
                        // rows written before alerts had kinds are failure-rate alerts
                        + " COALESCE(a.kind, 'FAILURE_RATE') AS kind"
                        + " FROM " + alerts + " a WHERE a.state = 'RAISED' AND NOT EXISTS (SELECT 1 FROM " + alerts
                        + " c WHERE c.alert_id = a.alert_id AND c.state = 'CLEARED')");
    }
}
