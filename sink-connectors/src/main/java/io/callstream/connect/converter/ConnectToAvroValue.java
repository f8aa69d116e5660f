package io.callstream.connect.converter;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.JsonProperties;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Converts a Connect value to the generic Avro value of the schema {@link ConnectToAvroSchema} made
 * of its Connect schema. Logical types are written as their Avro base type (millis, days, unscaled
 * bytes), which Avro's writer accepts with or without logical type conversions. A value of the wrong
 * Java type fails with a {@link ClassCastException} for the caller to report.
 */
final class ConnectToAvroValue {

    private ConnectToAvroValue() {}

    static Object convert(Schema connect, org.apache.avro.Schema avro, Object value) {
        if (value == null) {
            return null;
        }
        org.apache.avro.Schema type = NullableUnions.valueType(avro);
        return switch (type.getType()) {
            case RECORD -> record(connect, type, (Struct) value);
            case ARRAY -> array(connect, type, (Collection<?>) value);
            case MAP -> map(connect, type, (Map<?, ?>) value);
            case ENUM -> enumSymbol(type, (String) value);
            case BYTES -> bytes(connect, value);
            case INT -> int32(connect, value);
            case LONG -> int64(connect, value);
            case STRING -> (String) value;
            case FLOAT, DOUBLE, BOOLEAN -> value;
            case FIXED, NULL, UNION -> throw new DataException("Unexpected Avro type " + type.getType());
        };
    }

    /**
     * A Connect default value in the form Avro's {@code Schema.Field} takes for a JSON default: maps
     * for records, strings for enum symbols, {@code byte[]} for bytes.
     */
    static Object asJson(Schema connect, org.apache.avro.Schema avro, Object value) {
        return json(convert(connect, avro, value));
    }

    private static Object json(Object avro) {
        return switch (avro) {
            case null -> JsonProperties.NULL_VALUE;
            case IndexedRecord record -> jsonFields(record);
            case GenericEnumSymbol<?> symbol -> symbol.toString();
            case ByteBuffer buffer -> AvroToConnectValue.copy(buffer);
            case Collection<?> items ->
                items.stream().map(ConnectToAvroValue::json).toList();
            case Map<?, ?> entries -> jsonEntries(entries);
            default -> avro;
        };
    }

    private static Map<String, Object> jsonFields(IndexedRecord record) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (org.apache.avro.Schema.Field field : record.getSchema().getFields()) {
            fields.put(field.name(), json(record.get(field.pos())));
        }
        return fields;
    }

    private static Map<Object, Object> jsonEntries(Map<?, ?> entries) {
        Map<Object, Object> converted = new LinkedHashMap<>();
        entries.forEach((key, value) -> converted.put(key, json(value)));
        return converted;
    }

    private static GenericData.Record record(Schema connect, org.apache.avro.Schema type, Struct struct) {
        GenericData.Record record = new GenericData.Record(type);
        for (Field field : connect.fields()) {
            org.apache.avro.Schema.Field avroField = type.getField(field.name());
            record.put(avroField.pos(), convert(field.schema(), avroField.schema(), struct.get(field.name())));
        }
        return record;
    }

    private static GenericData.Array<Object> array(Schema connect, org.apache.avro.Schema type, Collection<?> items) {
        GenericData.Array<Object> array = new GenericData.Array<>(items.size(), type);
        for (Object item : items) {
            array.add(convert(connect.valueSchema(), type.getElementType(), item));
        }
        return array;
    }

    private static Map<String, Object> map(Schema connect, org.apache.avro.Schema type, Map<?, ?> entries) {
        Map<String, Object> map = new LinkedHashMap<>();
        entries.forEach(
                (key, value) -> map.put((String) key, convert(connect.valueSchema(), type.getValueType(), value)));
        return map;
    }

    private static GenericData.EnumSymbol enumSymbol(org.apache.avro.Schema type, String symbol) {
        if (!type.hasEnumSymbol(symbol)) {
            throw new DataException("'" + symbol + "' is not a symbol of the Avro enum " + type.getFullName());
        }
        return new GenericData.EnumSymbol(type, symbol);
    }

    private static ByteBuffer bytes(Schema connect, Object value) {
        if (Decimal.LOGICAL_NAME.equals(connect.name())) {
            return ByteBuffer.wrap(Decimal.fromLogical(connect, (BigDecimal) value));
        }
        return value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : (ByteBuffer) value;
    }

    private static Integer int32(Schema connect, Object value) {
        return switch (Objects.requireNonNullElse(connect.name(), "")) {
            case Date.LOGICAL_NAME -> Date.fromLogical(connect, (java.util.Date) value);
            case Time.LOGICAL_NAME -> Time.fromLogical(connect, (java.util.Date) value);
            default -> ((Number) value).intValue();
        };
    }

    private static Long int64(Schema connect, Object value) {
        return Timestamp.LOGICAL_NAME.equals(connect.name())
                ? Timestamp.fromLogical(connect, (java.util.Date) value)
                : (Long) value;
    }
}
