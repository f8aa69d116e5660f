package io.callstream.connect.sink;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Turns the processor's records into rows. Which table a record feeds is told by its value's schema
 * name ({@code io.callstream.schema.Call}, {@code CallKpi}, {@code CallAlert}), so a connector can
 * read any set of topics. A call gives one {@code calls} row and one {@code call_legs} row per leg,
 * versioned by the call's version; KPI and alert records are versioned by their Kafka offset (the
 * latest emission of a key wins). Tombstones give no rows.
 */
public final class RowMapper {

    static final String CALL = "io.callstream.schema.Call";
    static final String KPI = "io.callstream.schema.CallKpi";
    static final String ALERT = "io.callstream.schema.CallAlert";

    private final Map<Table.Kind, Table> tables;

    public RowMapper(Map<Table.Kind, Table> tables) {
        this.tables = Map.copyOf(tables);
    }

    /**
     * The rows of one record.
     *
     * @throws DataException when the record is not one of the processor's outputs
     */
    public List<Row> rows(SinkRecord record) {
        if (record.value() == null) {
            return List.of();
        }
        if (!(record.value() instanceof Struct value)) {
            throw new DataException("expected a Struct (use callstream's or Confluent's Avro converter), got "
                    + record.value().getClass().getName());
        }
        String schema = value.schema().name();
        if (schema == null) {
            throw new DataException("the record's schema has no name; expected one of " + List.of(CALL, KPI, ALERT));
        }
        return switch (schema) {
            case CALL -> call(value);
            case KPI -> List.of(kpi(value, record.kafkaOffset()));
            case ALERT -> List.of(alert(value, record.kafkaOffset()));
            default ->
                throw new DataException(
                        "no table for records of " + schema + "; expected one of " + List.of(CALL, KPI, ALERT));
        };
    }

    private List<Row> call(Struct call) {
        Struct legA = call.getStruct("legA");
        Struct legB = call.getStruct("legB");
        long version = call.getInt32("version");
        List<Row> rows = new ArrayList<>(3);
        rows.add(new Row(tables.get(Table.Kind.CALLS), new Object[] {
            call.getString("vendor"),
            call.getString("callId"),
            call.getString("tenantId"),
            legA == null ? null : legA.getString("partyNumber"),
            legB == null ? null : legB.getString("partyNumber"),
            instant(call, "startTime"),
            instant(call, "bridgeTime"),
            instant(call, "endTime"),
            call.getString("outcome"),
            call.getString("failureCategory"),
            call.getString("hangupSide"),
            call.getInt32("talkSeconds"),
            call.getInt32("billedSeconds"),
            call.get("amount"),
            call.getString("currency"),
            call.getString("tariffId"),
            call.getInt32("vendorBilledSeconds"),
            call.getInt32("billingDifferenceSeconds"),
            call.get("vendorAmount"),
            call.getInt32("maxDurationSeconds"),
            optionalInt(call, "vendorTalkSeconds"),
            optionalInt(call, "vendorLegASeconds"),
            optionalInt(call, "vendorLegBSeconds"),
            billedSource(call),
            optionalInt(call, "talkDifferenceSeconds"),
            optional(call, "amountDifference"),
            optional(call, "differenceClass"),
            flags(call),
            call.getInt32("eventCount"),
            instant(call, "finalisedAt"),
            version
        }));
        for (Struct leg : new Struct[] {legA, legB}) {
            if (leg != null) {
                rows.add(new Row(tables.get(Table.Kind.CALL_LEGS), new Object[] {
                    call.getString("vendor"),
                    call.getString("callId"),
                    leg.getString("leg"),
                    call.getString("tenantId"),
                    leg.getString("partyNumber"),
                    leg.getString("displayedNumber"),
                    instant(leg, "dialTime"),
                    instant(leg, "ringTime"),
                    instant(leg, "answerTime"),
                    instant(leg, "endTime"),
                    leg.getString("stateCode"),
                    leg.getString("stateText"),
                    leg.getString("stateSource"),
                    leg.getString("failureCategory"),
                    leg.getInt32("talkSeconds"),
                    version
                }));
            }
        }
        return rows;
    }

    private Row kpi(Struct kpi, long offset) {
        return new Row(tables.get(Table.Kind.CALL_KPIS), new Object[] {
            kpi.getString("tenantId"),
            kpi.getString("vendor"),
            instant(kpi, "windowStart"),
            instant(kpi, "windowEnd"),
            kpi.getInt64("attempts"),
            kpi.getInt64("answered"),
            kpi.getInt64("networkEffective"),
            kpi.getFloat64("asr"),
            kpi.getFloat64("ner"),
            kpi.getFloat64("acdSeconds"),
            kpi.getFloat64("avgPostDialDelayMillis"),
            kpi.getInt64("talkSeconds"),
            kpi.getInt64("billedSeconds"),
            counts(kpi.getArray("failures")),
            optional(kpi, "flaggedCalls"),
            optional(kpi, "acdCalls"),
            optional(kpi, "acdTalkSeconds"),
            optional(kpi, "postDialDelaySamples"),
            optional(kpi, "postDialDelayTotalMillis"),
            optional(kpi, "expired"),
            optional(kpi, "noFinalPush"),
            optional(kpi, "shortCalls"),
            optional(kpi, "billedAmount"),
            instant(kpi, "emittedAt"),
            offset
        });
    }

    private Row alert(Struct alert, long offset) {
        return new Row(tables.get(Table.Kind.CALL_ALERTS), new Object[] {
            alert.getString("alertId"),
            alert.getString("state"),
            alert.getString("tenantId"),
            alert.getString("vendor"),
            instant(alert, "eventTime"),
            instant(alert, "windowStart"),
            instant(alert, "windowEnd"),
            alert.getInt64("attempts"),
            alert.getInt64("failures"),
            alert.getFloat64("failureRate"),
            alert.getFloat64("baselineRate"),
            alert.getFloat64("threshold"),
            alert.getFloat64("baselineFactor"),
            counts(alert.getArray("topCategories")),
            alert.getString("message"),
            optional(alert, "kind"),
            optional(alert, "expectedAttempts"),
            optional(alert, "billedSeconds"),
            optional(alert, "amount"),
            optional(alert, "baselineAmount"),
            joined(alert, "prefixes"),
            joined(alert, "exampleCallIds"),
            offset
        });
    }

    /** Category counts as a JSON object, most frequent first as given: {@code {"BUSY":3,"NO_ANSWER":1}}. */
    static String counts(List<Object> counts) {
        if (counts == null) {
            return "{}";
        }
        return counts.stream()
                .map(Struct.class::cast)
                .map(count -> "\"" + count.getString("category") + "\":" + count.getInt64("count"))
                .collect(Collectors.joining(",", "{", "}"));
    }

    /**
     * A field a record written before it existed lacks (read with an older schema): null then, so the
     * sinks keep reading old topics.
     */
    private static Object optional(Struct struct, String field) {
        Field known = struct.schema().field(field);
        return known == null ? null : struct.get(known);
    }

    /** A list of strings, comma-separated; null when empty or when the record lacks the field. */
    private static String joined(Struct struct, String field) {
        Object values = optional(struct, field);
        if (!(values instanceof List<?> list) || list.isEmpty()) {
            return null;
        }
        return list.stream().map(Object::toString).collect(Collectors.joining(","));
    }

    private static Integer optionalInt(Struct struct, String field) {
        return (Integer) optional(struct, field);
    }

    /** {@code stated} or {@code derived} where the call has vendor billed seconds, else null. */
    private static String billedSource(Struct call) {
        if (call.getInt32("vendorBilledSeconds") == null) {
            return null;
        }
        return Boolean.TRUE.equals(optional(call, "vendorBilledDerived")) ? "derived" : "stated";
    }

    /** The quality flags, comma-separated ({@code ""} when none; null for a record without the field). */
    private static String flags(Struct call) {
        Object flags = optional(call, "qualityFlags");
        if (flags == null) {
            return null;
        }
        return ((List<?>) flags).stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static Instant instant(Struct struct, String field) {
        Field known = struct.schema().field(field);
        if (known == null) {
            throw new DataException(struct.schema().name() + " has no field " + field);
        }
        Object value = struct.get(known);
        return value == null ? null : ((Date) value).toInstant();
    }
}
