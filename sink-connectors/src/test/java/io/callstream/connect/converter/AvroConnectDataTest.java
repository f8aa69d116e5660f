package io.callstream.connect.converter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class AvroConnectDataTest {

    static final org.apache.avro.Schema ORDER = avro("""
            {"type": "record", "name": "Order", "namespace": "t", "doc": "An order.", "fields": [
              {"name": "id", "type": "string", "doc": "The order id."},
              {"name": "quantity", "type": "int", "default": 1},
              {"name": "status", "type": {"type": "enum", "name": "Status", "doc": "Where the order is.",
                "symbols": ["NEW", "DONE", "UNKNOWN"], "default": "UNKNOWN"}, "default": "NEW"},
              {"name": "previousStatus", "type": ["null", "Status"], "default": null},
              {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 18, "scale": 6}},
              {"name": "placedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "day", "type": {"type": "int", "logicalType": "date"}},
              {"name": "billing", "type": {"type": "record", "name": "Address", "fields": [
                {"name": "city", "type": ["null", "string"], "default": null}]}},
              {"name": "shipping", "type": ["null", "Address"], "default": null},
              {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
              {"name": "attributes", "type": {"type": "map", "values": "long"}}
            ]}""");

    final AvroConnectData data = new AvroConnectData();

    @Test
    void shouldRebuildTheAvroSchemaItConvertedFrom() {
        Schema connect = data.toConnectSchema(ORDER);

        assertThat(data.fromConnectSchema(connect)).hasToString(ORDER.toString());
    }

    @Test
    void shouldMapEnumsToStringsWithConfluentsEnumParameters() {
        Schema status = data.toConnectSchema(ORDER).field("status").schema();

        assertThat(status)
                .isEqualTo(SchemaBuilder.string()
                        .name("t.Status")
                        .doc("Where the order is.")
                        .parameter(AvroConnectData.ENUM, "t.Status")
                        .parameter(AvroConnectData.ENUM + ".NEW", "NEW")
                        .parameter(AvroConnectData.ENUM + ".DONE", "DONE")
                        .parameter(AvroConnectData.ENUM + ".UNKNOWN", "UNKNOWN")
                        .parameter(AvroConnectData.ENUM_DEFAULT_PREFIX + "Status", "UNKNOWN")
                        .defaultValue("NEW")
                        .build());
    }

    @Test
    void shouldCarryFieldDefaultsAndMakeNullableUnionsOptional() {
        Schema order = data.toConnectSchema(ORDER);

        assertThat(order.field("quantity").schema().defaultValue()).isEqualTo(1);
        assertThat(order.field("tags").schema().defaultValue()).isEqualTo(List.of());
        assertThat(order.field("shipping").schema().isOptional()).isTrue();
        assertThat(order.field("shipping").schema().defaultValue()).isNull();
        assertThat(order.field("billing").schema().isOptional()).isFalse();
    }

    @Test
    void shouldNameUnnamedStructsConnectDefaultAndGiveOptionalFieldsANullDefault() {
        Schema inner = SchemaBuilder.struct().field("x", Schema.INT32_SCHEMA).build();
        Schema outer = SchemaBuilder.struct()
                .field("label", Schema.OPTIONAL_STRING_SCHEMA)
                .field("inner", inner)
                .build();

        org.apache.avro.Schema expected = org.apache.avro.SchemaBuilder.record("ConnectDefault")
                .namespace(AvroConnectData.NAMESPACE)
                .fields()
                .optionalString("label")
                .name("inner")
                .type(org.apache.avro.SchemaBuilder.record("ConnectDefault2")
                        .namespace(AvroConnectData.NAMESPACE)
                        .fields()
                        .requiredInt("x")
                        .endRecord())
                .noDefault()
                .endRecord();
        assertThat(data.fromConnectSchema(outer)).isEqualTo(expected);
    }

    @Test
    void shouldRoundTripAStructOfEveryConnectType() {
        Schema schema = SchemaBuilder.struct()
                .field("int", SchemaBuilder.int32().defaultValue(7).build())
                .field("long", Schema.INT64_SCHEMA)
                .field("float", Schema.FLOAT32_SCHEMA)
                .field("double", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .field("boolean", Schema.BOOLEAN_SCHEMA)
                .field("bytes", Schema.BYTES_SCHEMA)
                .field("string", Schema.OPTIONAL_STRING_SCHEMA)
                .field("array", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
                .field(
                        "map",
                        SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT64_SCHEMA)
                                .build())
                .field("date", Date.SCHEMA)
                .field("time", Time.SCHEMA)
                .field("timestamp", Timestamp.SCHEMA)
                .field("decimal", Decimal.schema(2))
                .build();
        Struct struct = new Struct(schema)
                .put("int", 1)
                .put("long", 2L)
                .put("float", 3.5f)
                .put("double", null)
                .put("boolean", true)
                .put("bytes", new byte[] {1, 2, 3})
                .put("string", "s")
                .put("array", List.of("a", "b"))
                .put("map", Map.of("k", 9L))
                .put("date", new java.util.Date(86_400_000L * 20_000))
                .put("time", new java.util.Date(3_600_000L))
                .put("timestamp", new java.util.Date(1_741_944_413_589L))
                .put("decimal", new BigDecimal("12.34"));

        Object avro = data.fromConnectData(schema, struct);

        assertThat(data.toConnectData(data.fromConnectSchema(schema), avro))
                .isEqualTo(new SchemaAndValue(schema, struct));
    }

    @Test
    void shouldReadLogicalTypeValuesConvertedToJavaTypes() {
        org.apache.avro.Schema placed = ORDER.getField("placedAt").schema();
        org.apache.avro.Schema price = ORDER.getField("price").schema();

        assertThat(data.toConnectData(placed, java.time.Instant.ofEpochMilli(1_000))
                        .value())
                .isEqualTo(new java.util.Date(1_000));
        assertThat(data.toConnectData(price, new BigDecimal("1.500000")).value())
                .isEqualTo(new BigDecimal("1.500000"));
    }

    @Test
    void shouldRejectUnionsOtherThanNullAndOneType() {
        org.apache.avro.Schema union = avro("""
                {"type": "record", "name": "U", "fields": [{"name": "v", "type": ["string", "int"]}]}""");

        assertThatThrownBy(() -> data.toConnectSchema(union))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("[string, int]");
    }

    @Test
    void shouldRejectRecursiveRecords() {
        org.apache.avro.Schema list = avro("""
                {"type": "record", "name": "Node", "fields": [{"name": "next", "type": ["null", "Node"]}]}""");

        assertThatThrownBy(() -> data.toConnectSchema(list))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("Node contains itself");
    }

    @Test
    void shouldRejectAStringThatIsNotASymbolOfItsEnum() {
        Schema status = data.toConnectSchema(ORDER).field("status").schema();

        assertThatThrownBy(() -> data.fromConnectData(status, "LOST"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("'LOST' is not a symbol of the Avro enum t.Status");
    }

    @Test
    void shouldWriteEnumSymbolsAndUnscaledDecimalBytes() {
        Schema order = data.toConnectSchema(ORDER);

        assertThat(data.fromConnectData(order.field("status").schema(), "DONE"))
                .isEqualTo(new GenericData.EnumSymbol(ORDER.getField("status").schema(), "DONE"));
        assertThat(data.fromConnectData(order.field("price").schema(), new BigDecimal("0.000002")))
                .isEqualTo(java.nio.ByteBuffer.wrap(new byte[] {2}));
    }

    @Test
    void shouldRejectAValueOfTheWrongJavaType() {
        assertThatThrownBy(() -> data.fromConnectData(Schema.INT64_SCHEMA, "12"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("does not match its schema INT64");
    }

    private static org.apache.avro.Schema avro(String json) {
        return new org.apache.avro.Schema.Parser().parse(json);
    }
}
