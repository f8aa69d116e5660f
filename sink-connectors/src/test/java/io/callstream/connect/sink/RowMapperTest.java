package io.callstream.connect.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.callstream.connect.converter.AvroConverter;
import io.callstream.connect.converter.Contracts;
import io.callstream.registry.core.InMemorySchemaRegistryClient;
import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.schema.DeadLetter;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rows from the processor's records as a worker hands them over: through the Avro converter. */
class RowMapperTest {

    final String scope = "rows-" + UUID.randomUUID();
    final Map<String, Object> serdeConfig = Map.of("schema.registry.url", "mock://" + scope);
    final Map<Table.Kind, Table> tables = new SinkSettings(Map.of("connection.url", "unused")).tables();
    final RowMapper mapper = new RowMapper(tables);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistryClient.dropScope(scope);
    }

    @Test
    void shouldMapACallToOneCallRowAndOneRowPerLegVersionedByTheCallVersion() {
        List<Row> rows = mapper.rows(record("calls", Contracts.call(), 7));

        assertThat(rows)
                .extracting(row -> row.table().kind())
                .containsExactly(Table.Kind.CALLS, Table.Kind.CALL_LEGS, Table.Kind.CALL_LEGS);
        Row call = rows.getFirst();
        assertThat(call.get("vendor")).isEqualTo("ytx");
        assertThat(call.get("call_id")).isEqualTo("c-1");
        assertThat(call.get("a_number")).isEqualTo("13800138000");
        assertThat(call.get("b_number")).isEqualTo("13800138001");
        assertThat(call.get("start_time")).isEqualTo(Contracts.DIALED);
        assertThat(call.get("outcome")).isEqualTo("CONNECTED");
        assertThat(call.get("hangup_side")).isEqualTo("B");
        assertThat(call.get("amount")).isEqualTo(new BigDecimal("0.240000"));
        assertThat(call.get("vendor_amount")).isNull();
        assertThat(call.version()).isEqualTo(2);
        Row legB = rows.get(2);
        assertThat(legB.get("leg")).isEqualTo("B");
        assertThat(legB.get("state_source")).isEqualTo("calleeState");
        assertThat(legB.get("ring_time")).isEqualTo(Contracts.DIALED.plusSeconds(7));
        assertThat(legB.version()).isEqualTo(2);
    }

    @Test
    void shouldVersionKpisAndAlertsByOffsetWithCategoriesAsJson() {
        Row kpi = mapper.rows(record("call-kpis", Contracts.kpi(), 41)).getFirst();
        Row alert = mapper.rows(record("call-alerts", Contracts.alert(), 9)).getFirst();

        assertThat(kpi.get("failures")).isEqualTo("{\"BUSY\":6,\"NO_ANSWER\":4}");
        assertThat(kpi.get("avg_post_dial_delay_ms")).isNull();
        assertThat(kpi.version()).isEqualTo(41);
        assertThat(alert.get("state")).isEqualTo("RAISED");
        assertThat(alert.get("top_categories")).isEqualTo("{\"BUSY\":6,\"NO_ANSWER\":4}");
        assertThat(alert.version()).isEqualTo(9);
        assertThat(alert.get("kind")).isEqualTo("FAILURE_RATE");
        assertThat(alert.get("expected_attempts")).isNull();

        Row silence = mapper.rows(record(
                        "call-alerts",
                        io.callstream.schema.CallAlert.newBuilder(Contracts.alert())
                                .setKind(io.callstream.schema.AlertKind.SILENCE)
                                .setExpectedAttempts(120.0)
                                .build(),
                        10))
                .getFirst();
        assertThat(silence.get("kind")).isEqualTo("SILENCE");
        assertThat(silence.get("expected_attempts")).isEqualTo(120.0);
    }

    @Test
    void shouldRefuseRecordsThatAreNotTheProcessorsOutputsAndSkipTombstones() {
        DeadLetter letter = DeadLetter.newBuilder()
                .setDeadLetterId("d")
                .setComponent("test")
                .setError("e")
                .setFailedAt(Contracts.FINALISED)
                .setHeaders(Map.of())
                .build();

        assertThatThrownBy(() -> mapper.rows(record("dead-letters", letter, 1)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("no table for records of io.callstream.schema.DeadLetter");
        assertThat(mapper.rows(new SinkRecord("calls", 0, null, "k", null, null, 3)))
                .isEmpty();
    }

    private SinkRecord record(String topic, Object value, long offset) {
        KafkaAvroSerializer serializer = new KafkaAvroSerializer();
        serializer.configure(serdeConfig, false);
        AvroConverter converter = new AvroConverter();
        converter.configure(serdeConfig, false);
        SchemaAndValue connect = converter.toConnectData(topic, serializer.serialize(topic, value));
        return new SinkRecord(topic, 0, null, "key", connect.schema(), connect.value(), offset);
    }
}
