package io.callstream.registry.serde;

import java.nio.ByteBuffer;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.common.errors.SerializationException;

/** What the serializer can write, and the data models it writes and reads generic values with. */
public final class AvroData {

    /** Generic data that maps logical types to Java types (BigDecimal, Instant, LocalDate, UUID, …). */
    static final GenericData WITH_LOGICAL_TYPES = withLogicalTypes();

    private AvroData() {}

    /** The schema of a value: a record's own, or the primitive type of a Java value. */
    static Schema schemaOf(Object value) {
        return switch (value) {
            case GenericContainer container -> container.getSchema();
            case CharSequence ignored -> Schema.create(Schema.Type.STRING);
            case Integer ignored -> Schema.create(Schema.Type.INT);
            case Long ignored -> Schema.create(Schema.Type.LONG);
            case Boolean ignored -> Schema.create(Schema.Type.BOOLEAN);
            case Float ignored -> Schema.create(Schema.Type.FLOAT);
            case Double ignored -> Schema.create(Schema.Type.DOUBLE);
            case byte[] ignored -> Schema.create(Schema.Type.BYTES);
            case ByteBuffer ignored -> Schema.create(Schema.Type.BYTES);
            default ->
                throw new SerializationException(
                        "Cannot serialize a " + value.getClass().getName()
                                + " as Avro: expected an Avro record (GenericContainer) or a primitive value");
        };
    }

    /**
     * Avro's generic data model, with every standard logical-type conversion (decimal, uuid, date,
     * time, timestamp) when {@code logicalTypes}; shared, read-only.
     */
    public static GenericData generic(boolean logicalTypes) {
        return logicalTypes ? WITH_LOGICAL_TYPES : GenericData.get();
    }

    private static GenericData withLogicalTypes() {
        GenericData data = new GenericData();
        data.addLogicalTypeConversion(new Conversions.DecimalConversion());
        data.addLogicalTypeConversion(new Conversions.UUIDConversion());
        data.addLogicalTypeConversion(new TimeConversions.DateConversion());
        data.addLogicalTypeConversion(new TimeConversions.TimeMillisConversion());
        data.addLogicalTypeConversion(new TimeConversions.TimeMicrosConversion());
        data.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        data.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        data.addLogicalTypeConversion(new TimeConversions.LocalTimestampMillisConversion());
        data.addLogicalTypeConversion(new TimeConversions.LocalTimestampMicrosConversion());
        return data;
    }
}
