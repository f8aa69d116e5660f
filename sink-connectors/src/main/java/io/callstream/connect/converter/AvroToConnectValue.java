package io.callstream.connect.converter;

import io.callstream.registry.serde.AvroData;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Converts an Avro value to the Connect value of the schema {@link AvroToConnectSchema} made of its
 * Avro schema: records to {@code Struct}s, strings and enum symbols to {@code String}, bytes and
 * fixed to {@code byte[]}, timestamps, dates and times to {@code java.util.Date}, decimals to {@code
 * BigDecimal}. Logical-type values come either as their Avro base type or, when the deserializer
 * applies logical type conversions, as {@code Instant}, {@code BigDecimal}, …; both are accepted.
 * A value of the wrong Java type fails with a {@link ClassCastException} for the caller to report.
 */
final class AvroToConnectValue {

    /** The conversions registry-core's deserializer applies with {@code avro.use.logical.type.converters}. */
    private static final GenericData LOGICAL_TYPES = AvroData.generic(true);

    private AvroToConnectValue() {}

    static Object convert(Schema avro, org.apache.kafka.connect.data.Schema connect, Object value) {
        if (value == null) {
            return null;
        }
        Schema type = NullableUnions.valueType(avro);
        Object raw = raw(type, value);
        return switch (type.getType()) {
            case RECORD -> struct(type, connect, (IndexedRecord) raw);
            case ARRAY -> list(type, connect, (Collection<?>) raw);
            case MAP -> map(type, connect, (Map<?, ?>) raw);
            case STRING, ENUM -> raw.toString();
            case BYTES, FIXED -> bytes(connect, raw);
            case INT -> int32(connect, (Integer) raw);
            case LONG -> int64(connect, (Long) raw);
            case FLOAT, DOUBLE, BOOLEAN -> raw;
            case NULL, UNION -> throw new DataException("Unexpected Avro " + type.getType() + " value: " + raw);
        };
    }

    /** The Avro base-type value of a logical-type value that a conversion turned into a Java type. */
    private static Object raw(Schema type, Object value) {
        LogicalType logicalType = type.getLogicalType();
        Conversion<?> conversion = logicalType == null ? null : LOGICAL_TYPES.getConversionFor(logicalType);
        if (conversion == null || !conversion.getConvertedType().isInstance(value)) {
            return value;
        }
        return Conversions.convertToRawType(value, type, logicalType, conversion);
    }

    private static Struct struct(Schema record, org.apache.kafka.connect.data.Schema connect, IndexedRecord value) {
        Struct struct = new Struct(connect);
        for (Field field : connect.fields()) {
            Schema.Field avroField = record.getField(field.name());
            struct.put(field, convert(avroField.schema(), field.schema(), value.get(avroField.pos())));
        }
        return struct;
    }

    private static List<Object> list(Schema array, org.apache.kafka.connect.data.Schema connect, Collection<?> items) {
        List<Object> list = new ArrayList<>(items.size());
        for (Object item : items) {
            list.add(convert(array.getElementType(), connect.valueSchema(), item));
        }
        return list;
    }

    private static Map<String, Object> map(
            Schema map, org.apache.kafka.connect.data.Schema connect, Map<?, ?> entries) {
        Map<String, Object> converted = new LinkedHashMap<>();
        entries.forEach((key, value) ->
                converted.put(key.toString(), convert(map.getValueType(), connect.valueSchema(), value)));
        return converted;
    }

    private static Object bytes(org.apache.kafka.connect.data.Schema connect, Object raw) {
        byte[] bytes = raw instanceof ByteBuffer buffer ? copy(buffer) : ((GenericFixed) raw).bytes();
        return Decimal.LOGICAL_NAME.equals(connect.name()) ? Decimal.toLogical(connect, bytes) : bytes;
    }

    /** The remaining bytes of {@code buffer}, leaving its position alone. */
    static byte[] copy(ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return copy;
    }

    private static Object int32(org.apache.kafka.connect.data.Schema connect, int value) {
        return switch (Objects.requireNonNullElse(connect.name(), "")) {
            case Date.LOGICAL_NAME -> Date.toLogical(connect, value);
            case Time.LOGICAL_NAME -> Time.toLogical(connect, value);
            default -> value;
        };
    }

    private static Object int64(org.apache.kafka.connect.data.Schema connect, long value) {
        return Timestamp.LOGICAL_NAME.equals(connect.name()) ? Timestamp.toLogical(connect, value) : value;
    }
}
