package io.callstream.connect.converter;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;

/**
 * Converts schemas and values between Avro and Kafka Connect with the mapping and the schema
 * parameters of Confluent's {@code AvroData}, so Connect sees the same schemas as with Confluent's
 * converter: records are structs named by the record's full name, nullable unions optional schemas,
 * enums strings carrying {@value #ENUM} parameters, {@code timestamp-millis}, {@code date}, {@code
 * time-millis} and {@code decimal} Connect's {@code Timestamp}, {@code Date}, {@code Time} and {@code
 * Decimal}. Field defaults are carried both ways, except defaults of record-typed fields. Unions
 * other than {@code [null, T]} and recursive records cannot be expressed in Connect and fail with a
 * {@link DataException}.
 *
 * <p>Converted schemas are cached both ways (they are few: one per schema version seen). Thread-safe.
 */
public final class AvroConnectData {

    /** Confluent's namespace for the schema parameters below and for generated record names. */
    public static final String NAMESPACE = "io.confluent.connect.avro";

    /**
     * Parameter of a string schema converted from an Avro enum: the enum's full name. The symbols
     * are parameters too, in order: {@code ENUM + "." + symbol} = symbol.
     */
    public static final String ENUM = NAMESPACE + ".Enum";

    /** Prefix of the parameter holding an enum's default symbol; the enum's simple name follows. */
    public static final String ENUM_DEFAULT_PREFIX = NAMESPACE + ".enum.default.";

    /** Prefix of a struct's parameters holding its fields' docs; the field name follows. */
    public static final String FIELD_DOC_PREFIX = NAMESPACE + ".field.doc.";

    /** Parameter of a {@code Decimal} schema: the Avro decimal's precision. */
    public static final String DECIMAL_PRECISION = "connect.decimal.precision";

    /** The precision of a {@code Decimal} schema without {@value #DECIMAL_PRECISION}, as Confluent. */
    public static final int DEFAULT_DECIMAL_PRECISION = 64;

    /** The Avro name of an unnamed struct; further unnamed structs of a schema are numbered from 2. */
    public static final String DEFAULT_RECORD_NAME = NAMESPACE + ".ConnectDefault";

    private final Map<org.apache.avro.Schema, Schema> connectSchemas = new ConcurrentHashMap<>();
    private final Map<Schema, org.apache.avro.Schema> avroSchemas = new ConcurrentHashMap<>();

    /** The Connect schema of an Avro schema. */
    public Schema toConnectSchema(org.apache.avro.Schema avroSchema) {
        return connectSchemas.computeIfAbsent(avroSchema, AvroToConnectSchema::convert);
    }

    /** The Avro schema of a Connect schema; an optional schema gives a union with null. */
    public org.apache.avro.Schema fromConnectSchema(Schema connectSchema) {
        return avroSchemas.computeIfAbsent(connectSchema, schema -> {
            try {
                return ConnectToAvroSchema.convert(schema);
            } catch (AvroRuntimeException | IllegalArgumentException e) {
                throw new DataException(
                        "Cannot convert the Connect schema " + describe(schema) + " to Avro: " + e.getMessage(), e);
            }
        });
    }

    /** A generic Avro value (as read by {@code GenericDatumReader}) with its Connect schema. */
    public SchemaAndValue toConnectData(org.apache.avro.Schema avroSchema, Object avroValue) {
        Schema schema = toConnectSchema(avroSchema);
        try {
            return new SchemaAndValue(schema, AvroToConnectValue.convert(avroSchema, schema, avroValue));
        } catch (ClassCastException | AvroRuntimeException e) {
            throw new DataException(
                    "Avro value does not match its schema " + avroSchema.getFullName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The generic Avro value of a Connect value: a {@code GenericRecord} for a struct, and base-type
     * values for logical types, ready for the Avro serializer.
     */
    public Object fromConnectData(Schema connectSchema, Object connectValue) {
        org.apache.avro.Schema avroSchema = fromConnectSchema(connectSchema);
        try {
            return ConnectToAvroValue.convert(connectSchema, avroSchema, connectValue);
        } catch (ClassCastException | AvroRuntimeException e) {
            throw new DataException(
                    "Connect value does not match its schema " + describe(connectSchema) + ": " + e.getMessage(), e);
        }
    }

    private static String describe(Schema schema) {
        return schema.name() != null ? schema.name() : schema.type().toString();
    }
}
