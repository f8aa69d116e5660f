package io.callstream.connect.converter;

import java.util.HashSet;
import java.util.Set;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Converts one Avro schema to the Connect schema Confluent's {@code AvroData} gives it: records
 * become structs named by the record's full name, nullable unions optional schemas, enums strings
 * that carry their symbols as parameters, and Avro's {@code date}, {@code time-millis}, {@code
 * timestamp-millis} and {@code decimal} Connect's logical types. Other logical types keep their base
 * type. An instance converts one schema: it tracks the records being converted to reject recursion,
 * which Connect schemas cannot express.
 */
final class AvroToConnectSchema {

    private final Set<String> recordsInProgress = new HashSet<>();

    private AvroToConnectSchema() {}

    static org.apache.kafka.connect.data.Schema convert(Schema avro) {
        return new AvroToConnectSchema().schema(avro);
    }

    private org.apache.kafka.connect.data.Schema schema(Schema avro) {
        SchemaBuilder builder = builder(NullableUnions.valueType(avro));
        return (NullableUnions.isNullable(avro) ? builder.optional() : builder).build();
    }

    private org.apache.kafka.connect.data.Schema field(Schema.Field field) {
        Schema type = NullableUnions.valueType(field.schema());
        SchemaBuilder builder = builder(type);
        if (NullableUnions.isNullable(field.schema())) {
            builder.optional();
        }
        Object avroDefault = avroDefault(field, type);
        if (avroDefault != null) {
            builder.defaultValue(AvroToConnectValue.convert(type, builder, avroDefault));
        }
        return builder.build();
    }

    /**
     * The field's non-null default as an Avro value. Record defaults are left out: a Connect struct
     * default would have to be built against the very schema it is the default of.
     */
    private static Object avroDefault(Schema.Field field, Schema type) {
        if (!field.hasDefaultValue() || type.getType() == Schema.Type.RECORD) {
            return null;
        }
        return GenericData.get().getDefaultValue(field);
    }

    private SchemaBuilder builder(Schema avro) {
        return switch (avro.getType()) {
            case RECORD -> struct(avro);
            case ENUM -> enumeration(avro);
            case ARRAY -> SchemaBuilder.array(schema(avro.getElementType()));
            case MAP ->
                SchemaBuilder.map(org.apache.kafka.connect.data.Schema.STRING_SCHEMA, schema(avro.getValueType()));
            case STRING -> SchemaBuilder.string();
            case BYTES, FIXED ->
                avro.getLogicalType() instanceof LogicalTypes.Decimal decimal
                        ? decimal(decimal)
                        : SchemaBuilder.bytes();
            case INT -> int32(avro.getLogicalType());
            case LONG ->
                avro.getLogicalType() instanceof LogicalTypes.TimestampMillis
                        ? Timestamp.builder()
                        : SchemaBuilder.int64();
            case FLOAT -> SchemaBuilder.float32();
            case DOUBLE -> SchemaBuilder.float64();
            case BOOLEAN -> SchemaBuilder.bool();
            case NULL, UNION ->
                throw new DataException("Cannot convert a standalone Avro " + avro.getType()
                        + " schema: Connect has no null type and Avro no union directly in a union");
        };
    }

    private SchemaBuilder struct(Schema record) {
        String name = record.getFullName();
        if (!recordsInProgress.add(name)) {
            throw new DataException(
                    "The Avro record " + name + " contains itself: Connect schemas cannot be recursive");
        }
        SchemaBuilder struct = SchemaBuilder.struct()
                .name(name.equals(AvroConnectData.DEFAULT_RECORD_NAME) ? null : name)
                .doc(record.getDoc());
        for (Schema.Field field : record.getFields()) {
            if (field.doc() != null) {
                struct.parameter(AvroConnectData.FIELD_DOC_PREFIX + field.name(), field.doc());
            }
            struct.field(field.name(), field(field));
        }
        recordsInProgress.remove(name);
        return struct;
    }

    private static SchemaBuilder enumeration(Schema avro) {
        SchemaBuilder string = SchemaBuilder.string()
                .name(avro.getFullName())
                .doc(avro.getDoc())
                .parameter(AvroConnectData.ENUM, avro.getFullName());
        for (String symbol : avro.getEnumSymbols()) {
            string.parameter(AvroConnectData.ENUM + "." + symbol, symbol);
        }
        if (avro.getEnumDefault() != null) {
            string.parameter(AvroConnectData.ENUM_DEFAULT_PREFIX + avro.getName(), avro.getEnumDefault());
        }
        return string;
    }

    /** Like Confluent, records the precision only where it is not the default, which it restores. */
    private static SchemaBuilder decimal(LogicalTypes.Decimal decimal) {
        SchemaBuilder builder = Decimal.builder(decimal.getScale());
        if (decimal.getPrecision() != AvroConnectData.DEFAULT_DECIMAL_PRECISION) {
            builder.parameter(AvroConnectData.DECIMAL_PRECISION, Integer.toString(decimal.getPrecision()));
        }
        return builder;
    }

    private static SchemaBuilder int32(LogicalType logicalType) {
        return switch (logicalType) {
            case LogicalTypes.Date ignored -> Date.builder();
            case LogicalTypes.TimeMillis ignored -> Time.builder();
            case null, default -> SchemaBuilder.int32();
        };
    }
}
