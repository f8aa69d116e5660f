package io.callstream.platform.reconcile;

import io.callstream.platform.sql.QueryResult;
import io.callstream.platform.sql.SqlClient;
import io.callstream.processor.domain.Reconciliation;
import io.callstream.schema.Call;
import io.callstream.schema.CallLeg;
import io.callstream.schema.CallOutcome;
import io.callstream.schema.DifferenceClass;
import io.callstream.schema.Leg;
import io.callstream.schema.QualityFlag;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The third source: a vendor's own export beside what the pushes gave callstream. Finds the calls
 * the vendor has that callstream never received (lost pushes), the calls callstream has in the
 * export's time span that the export lacks, and the calls whose seconds or amounts differ, each
 * with its reconciliation class (the same rules as the pushes' figures, {@link Reconciliation}).
 */
public final class ThreeWayReconciliation {

    /** What one call is in the comparison. */
    public enum Finding {
        /** The vendor's export has it; callstream never received it (a lost push). */
        MISSING_HERE,
        /** callstream has it, in the export's time span; the export does not. */
        MISSING_AT_VENDOR,
        /** Both have it; a figure differs beyond the tolerance. */
        DIFFERS
    }

    /** One call that does not match, with both sides' figures. */
    public record Mismatch(
            String callId,
            Finding finding,
            DifferenceClass differenceClass,
            Integer talkSeconds,
            Integer vendorTalkSeconds,
            Integer legASeconds,
            Integer vendorLegASeconds,
            Integer billedSeconds,
            Integer vendorBilledSeconds,
            BigDecimal amount,
            BigDecimal vendorAmount) {}

    /** The comparison of one export. */
    public record Result(int exported, int matched, List<Mismatch> mismatches) {

        public QueryResult table() {
            List<List<Object>> rows = new ArrayList<>();
            for (Mismatch m : mismatches) {
                rows.add(Arrays.asList(
                        m.callId(),
                        m.finding().name(),
                        m.differenceClass() == null ? null : m.differenceClass().name(),
                        m.talkSeconds(),
                        m.vendorTalkSeconds(),
                        m.legASeconds(),
                        m.vendorLegASeconds(),
                        m.billedSeconds(),
                        m.vendorBilledSeconds(),
                        m.amount(),
                        m.vendorAmount()));
            }
            return new QueryResult(
                    List.of(
                            "call_id",
                            "finding",
                            "difference_class",
                            "talk_seconds",
                            "vendor_talk_seconds",
                            "leg_a_seconds",
                            "vendor_leg_a_seconds",
                            "billed_seconds",
                            "vendor_billed_seconds",
                            "amount",
                            "vendor_amount"),
                    rows);
        }
    }

    private final Reconciliation reconciliation;

    public ThreeWayReconciliation(Reconciliation reconciliation) {
        this.reconciliation = reconciliation;
    }

    public Result compare(String vendor, List<VendorCdr> export, SqlClient store, Consumer<String> via) {
        List<Instant> starts = export.stream()
                .map(VendorCdr::startTime)
                .filter(Objects::nonNull)
                .sorted()
                .toList();
        if (starts.isEmpty()) {
            throw new IllegalArgumentException("the export states no start times: its time span is unknown");
        }
        Instant first = starts.getFirst();
        Instant last = starts.getLast();
        Map<String, Map<String, Object>> ours = ours(vendor, first, last, store, via);
        Map<String, VendorCdr> theirs = new HashMap<>();
        export.forEach(call -> theirs.put(call.callId(), call)); // a call listed twice: its last row
        List<Mismatch> mismatches = new ArrayList<>();
        int matched = 0;
        for (VendorCdr call : theirs.values()) {
            Map<String, Object> row = ours.get(call.callId());
            if (row == null) {
                mismatches.add(new Mismatch(
                        call.callId(),
                        Finding.MISSING_HERE,
                        null,
                        null,
                        call.talkSeconds(),
                        null,
                        call.legASeconds(),
                        null,
                        call.billedSeconds(),
                        null,
                        call.amount()));
                continue;
            }
            Call joined = call(vendor, row, call);
            DifferenceClass difference = reconciliation.classify(joined);
            if (difference == DifferenceClass.AGREES || difference == DifferenceClass.NOT_COMPARED) {
                matched++;
            } else {
                mismatches.add(mismatch(joined, Finding.DIFFERS, difference));
            }
        }
        for (Map.Entry<String, Map<String, Object>> row : ours.entrySet()) {
            Instant start = instant(row.getValue().get("start_time"));
            if (!theirs.containsKey(row.getKey()) && start != null && !start.isBefore(first) && !start.isAfter(last)) {
                mismatches.add(mismatch(call(vendor, row.getValue(), null), Finding.MISSING_AT_VENDOR, null));
            }
        }
        mismatches.sort(java.util.Comparator.comparing(Mismatch::finding).thenComparing(Mismatch::callId));
        return new Result(theirs.size(), matched, mismatches);
    }

    /** Our calls of the vendor that started in the export's span (a day more each side), by call id. */
    private static Map<String, Map<String, Object>> ours(
            String vendor, Instant first, Instant last, SqlClient store, Consumer<String> via) {
        String sql = "SELECT c.call_id, c.tenant_id, c.outcome, c.talk_seconds, c.billed_seconds, c.amount,"
                + " c.max_duration_seconds, c.bridge_time, c.start_time, c.quality_flags,"
                + " a.answer_time AS a_answer, a.end_time AS a_end, a.talk_seconds AS a_talk,"
                + " b.answer_time AS b_answer, b.end_time AS b_end, b.talk_seconds AS b_talk"
                + " FROM calls c"
                + " LEFT JOIN call_legs a ON a.vendor = c.vendor AND a.call_id = c.call_id AND a.leg = 'A'"
                + " LEFT JOIN call_legs b ON b.vendor = c.vendor AND b.call_id = c.call_id AND b.leg = 'B'"
                + " WHERE c.vendor = '" + vendor.replace("'", "''") + "'"
                + " AND CAST(COALESCE(c.start_time, c.end_time, c.finalised_at) AS DATE) BETWEEN DATE '"
                + first.minus(Duration.ofDays(1)).atOffset(ZoneOffset.UTC).toLocalDate() + "' AND DATE '"
                + last.plus(Duration.ofDays(1)).atOffset(ZoneOffset.UTC).toLocalDate() + "'";
        QueryResult result = store.query(sql, via);
        Map<String, Map<String, Object>> rows = new HashMap<>();
        for (List<Object> values : result.rows()) {
            Map<String, Object> row = new HashMap<>();
            for (int i = 0; i < result.columns().size(); i++) {
                row.put(result.columns().get(i), values.get(i));
            }
            rows.put((String) row.get("call_id"), row);
        }
        return rows;
    }

    /** Our call as the sink stored it, with the export's figures as the vendor's (none for {@code theirs} null). */
    private static Call call(String vendor, Map<String, Object> row, VendorCdr theirs) {
        return Call.newBuilder()
                .setVendor(vendor)
                .setTenantId(String.valueOf(row.get("tenant_id")))
                .setCallId((String) row.get("call_id"))
                .setVersion(1)
                .setLegA(leg(Leg.A, row.get("a_answer"), row.get("a_end"), row.get("a_talk")))
                .setLegB(leg(Leg.B, row.get("b_answer"), row.get("b_end"), row.get("b_talk")))
                .setOutcome(CallOutcome.valueOf(String.valueOf(row.get("outcome"))))
                .setStartTime(instant(row.get("start_time")))
                .setBridgeTime(instant(row.get("bridge_time")))
                .setTalkSeconds(number(row.get("talk_seconds")))
                .setBilledSeconds(number(row.get("billed_seconds")))
                .setAmount(decimal(row.get("amount")))
                .setMaxDurationSeconds(
                        row.get("max_duration_seconds") == null ? null : number(row.get("max_duration_seconds")))
                .setQualityFlags(flags(row.get("quality_flags")))
                .setVendorTalkSeconds(theirs == null ? null : theirs.talkSeconds())
                .setVendorLegASeconds(theirs == null ? null : theirs.legASeconds())
                .setVendorBilledSeconds(theirs == null ? null : theirs.billedSeconds())
                .setVendorAmount(theirs == null ? null : theirs.amount())
                .setFinalisedAt(Instant.EPOCH)
                .build();
    }

    private static Mismatch mismatch(Call call, Finding finding, DifferenceClass difference) {
        return new Mismatch(
                call.getCallId(),
                finding,
                difference,
                call.getTalkSeconds(),
                call.getVendorTalkSeconds(),
                call.getLegA() == null ? null : call.getLegA().getTalkSeconds(),
                call.getVendorLegASeconds(),
                call.getBilledSeconds(),
                call.getVendorBilledSeconds(),
                call.getAmount(),
                call.getVendorAmount());
    }

    private static CallLeg leg(Leg leg, Object answer, Object end, Object talk) {
        if (talk == null) {
            return null;
        }
        return CallLeg.newBuilder()
                .setLeg(leg)
                .setAnswerTime(instant(answer))
                .setEndTime(instant(end))
                .setTalkSeconds(number(talk))
                .build();
    }

    private static List<QualityFlag> flags(Object text) {
        if (text == null || text.toString().isBlank()) {
            return List.of();
        }
        Set<String> known = Arrays.stream(QualityFlag.values()).map(Enum::name).collect(Collectors.toSet());
        return Arrays.stream(text.toString().split(","))
                .map(flag -> known.contains(flag) ? QualityFlag.valueOf(flag) : QualityFlag.OTHER)
                .toList();
    }

    private static Instant instant(Object text) {
        return text == null ? null : Instant.parse(text.toString());
    }

    private static int number(Object value) {
        return ((Number) value).intValue();
    }

    private static BigDecimal decimal(Object value) {
        return value == null ? null : new BigDecimal(value.toString());
    }
}
