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
 *       beside the vendor's and how many calls differ (those calls: {@code SELECT * FROM calls WHERE
 *       billing_difference_seconds <> 0});
 *   <li>{@code active_alerts}: failure-rate alerts raised and not cleared, with their evidence.
 * </ul>
 */
public final class Views {

    private Views() {}

    public static List<String> of(Map<Table.Kind, Table> tables) {
        String calls = tables.get(Table.Kind.CALLS).name();
        String kpis = tables.get(Table.Kind.CALL_KPIS).name();
        String alerts = tables.get(Table.Kind.CALL_ALERTS).name();
        return List.of(
                "CREATE OR REPLACE VIEW vendor_kpis_per_minute AS SELECT vendor, window_start,"
                        + " SUM(attempts) AS attempts, SUM(answered) AS answered,"
                        + " CASE WHEN SUM(attempts) > 0 THEN SUM(answered) * 1.0 / SUM(attempts) END AS asr,"
                        + " CASE WHEN SUM(attempts) > 0 THEN SUM(network_effective) * 1.0 / SUM(attempts) END AS ner,"
                        + " CASE WHEN SUM(answered) > 0 THEN SUM(talk_seconds) * 1.0 / SUM(answered) END AS acd_seconds,"
                        + " SUM(billed_seconds) / 60.0 AS billed_minutes"
                        + " FROM " + kpis + " GROUP BY vendor, window_start",
                "CREATE OR REPLACE VIEW failure_breakdown AS SELECT vendor, failure_category, COUNT(*) AS calls,"
                        + " COUNT(*) * 1.0 / SUM(COUNT(*)) OVER (PARTITION BY vendor) AS share"
                        + " FROM " + calls + " GROUP BY vendor, failure_category",
                "CREATE OR REPLACE VIEW billing_reconciliation AS SELECT tenant_id,"
                        + " CAST(COALESCE(start_time, end_time, finalised_at) AS DATE) AS day,"
                        + " COUNT(*) AS calls, SUM(billed_seconds) AS billed_seconds,"
                        + " SUM(vendor_billed_seconds) AS vendor_billed_seconds,"
                        + " COUNT(vendor_billed_seconds) AS calls_with_vendor_billing,"
                        + " SUM(CASE WHEN billing_difference_seconds <> 0 THEN 1 ELSE 0 END) AS calls_differing,"
                        + " SUM(billing_difference_seconds) AS difference_seconds"
                        + " FROM " + calls + " GROUP BY 1, 2",
                "CREATE OR REPLACE VIEW active_alerts AS SELECT a.tenant_id, a.vendor, a.alert_id, a.event_time,"
                        + " a.failure_rate, a.baseline_rate, a.attempts, a.failures, a.top_categories, a.message"
                        + " FROM " + alerts + " a WHERE a.state = 'RAISED' AND NOT EXISTS (SELECT 1 FROM " + alerts
                        + " c WHERE c.alert_id = a.alert_id AND c.state = 'CLEARED')");
    }
}
