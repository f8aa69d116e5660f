package io.callstream.connect.converter;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema.Type;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Converts one Connect schema to Avro, inverting {@link AvroToConnectSchema} as Confluent's {@code
 * AvroData} does: structs become records named by the schema name (or {@code
 * io.confluent.connect.avro.ConnectDefault}, numbered from the second, when unnamed), optional schemas
 * unions with null (null first, with a null default, unless a non-null default must come first),
 * strings carrying enum parameters enums, and Connect's logical types Avro's. {@code INT8} and {@code
 * INT16} widen to {@code int}. An instance converts one schema: a named type met twice is defined
 * once, as Avro requires.
 */
final class ConnectToAvroSchema {

    /** The records and enums defined so far, by full name. */
    private final Map<String, org.apache.avro.Schema> namedTypes = new HashMap<>();

    private int unnamedStructs;

    private ConnectToAvroSchema() {}

    static org.apache.avro.Schema convert(Schema connect) {
        return new ConnectToAvroSchema().schema(connect);
    }

    private org.apache.avro.Schema schema(Schema connect) {
        org.apache.avro.Schema type = type(connect);
        return connect.isOptional() ? NullableUnions.of(type, connect.defaultValue() == null) : type;
    }

    private org.apache.avro.Schema type(Schema connect) {
        return switch (Objects.requireNonNullElse(connect.name(), "")) {
            case Decimal.LOGICAL_NAME -> decimal(connect);
            case Date.LOGICAL_NAME -> LogicalTypes.date().addToSchema(avro(Type.INT));
            case Time.LOGICAL_NAME -> LogicalTypes.timeMillis().addToSchema(avro(Type.INT));
            case Timestamp.LOGICAL_NAME -> LogicalTypes.timestampMillis().addToSchema(avro(Type.LONG));
            default -> plainType(connect);
        };
    }

    private org.apache.avro.Schema plainType(Schema connect) {
        return switch (connect.type()) {
            case INT8, INT16, INT32 -> avro(Type.INT);
            case INT64 -> avro(Type.LONG);
            case FLOAT32 -> avro(Type.FLOAT);
            case FLOAT64 -> avro(Type.DOUBLE);
            case BOOLEAN -> avro(Type.BOOLEAN);
            case BYTES -> avro(Type.BYTES);
            case STRING -> isEnum(connect) ? enumeration(connect) : avro(Type.STRING);
            case ARRAY -> org.apache.avro.Schema.createArray(schema(connect.valueSchema()));
            case MAP -> map(connect);
            case STRUCT -> record(connect);
        };
    }

    private org.apache.avro.Schema record(Schema struct) {
        org.apache.avro.Schema record =
                org.apache.avro.Schema.createRecord(recordName(struct), struct.doc(), null, false);
        record.setFields(
                struct.fields().stream().map(field -> field(struct, field)).toList());
        return defineOnce(record);
    }

    private String recordName(Schema struct) {
        if (struct.name() != null) {
            return struct.name();
        }
        unnamedStructs++;
        return AvroConnectData.DEFAULT_RECORD_NAME + (unnamedStructs == 1 ? "" : unnamedStructs);
    }

    private org.apache.avro.Schema.Field field(Schema struct, Field field) {
        Schema connect = field.schema();
        org.apache.avro.Schema avro = schema(connect);
        String doc = parameter(struct, AvroConnectData.FIELD_DOC_PREFIX + field.name());
        return new org.apache.avro.Schema.Field(field.name(), avro, doc, avroDefault(connect, avro));
    }

    /** The Avro field default: the Connect default, else null for optional fields, else none. */
    private static Object avroDefault(Schema connect, org.apache.avro.Schema avro) {
        if (connect.defaultValue() != null) {
            return ConnectToAvroValue.asJson(connect, avro, connect.defaultValue());
        }
        return connect.isOptional() ? JsonProperties.NULL_VALUE : null;
    }

    private static boolean isEnum(Schema connect) {
        return parameter(connect, AvroConnectData.ENUM) != null;
    }

    private org.apache.avro.Schema enumeration(Schema connect) {
        String fullName = parameter(connect, AvroConnectData.ENUM);
        String symbolPrefix = AvroConnectData.ENUM + ".";
        List<String> symbols = connect.parameters().entrySet().stream()
                .filter(parameter -> parameter.getKey().startsWith(symbolPrefix))
                .map(Map.Entry::getValue)
                .toList();
        String simpleName = fullName.substring(fullName.lastIndexOf('.') + 1);
        String enumDefault = parameter(connect, AvroConnectData.ENUM_DEFAULT_PREFIX + simpleName);
        return defineOnce(org.apache.avro.Schema.createEnum(fullName, connect.doc(), null, symbols, enumDefault));
    }

    private org.apache.avro.Schema map(Schema connect) {
        if (connect.keySchema().type() != Schema.Type.STRING) {
            throw new DataException("Cannot convert a Connect map with "
                    + connect.keySchema().type() + " keys to Avro, whose map keys are strings");
        }
        return org.apache.avro.Schema.createMap(schema(connect.valueSchema()));
    }

    private static org.apache.avro.Schema decimal(Schema connect) {
        int scale = intParameter(connect, Decimal.SCALE_FIELD);
        int precision = parameter(connect, AvroConnectData.DECIMAL_PRECISION) == null
                ? AvroConnectData.DEFAULT_DECIMAL_PRECISION
                : intParameter(connect, AvroConnectData.DECIMAL_PRECISION);
        return LogicalTypes.decimal(precision, scale).addToSchema(avro(Type.BYTES));
    }

    /** Avro allows one definition per name: a repeat must be identical, and is replaced by the first. */
    private org.apache.avro.Schema defineOnce(org.apache.avro.Schema named) {
        org.apache.avro.Schema earlier = namedTypes.putIfAbsent(named.getFullName(), named);
        if (earlier == null) {
            return named;
        }
        if (!earlier.equals(named)) {
            throw new DataException("The Connect schema has two different types named " + named.getFullName()
                    + ", which Avro cannot express");
        }
        return earlier;
    }

    private static int intParameter(Schema connect, String name) {
        String value = parameter(connect, name);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new DataException(
                    "The parameter " + name + " of " + connect.name() + " must be an integer, not " + value, e);
        }
    }

    private static String parameter(Schema connect, String name) {
        return connect.parameters() == null ? null : connect.parameters().get(name);
    }

    private static org.apache.avro.Schema avro(Type type) {
        return org.apache.avro.Schema.create(type);
    }
}
