package io.callstream.registry.serde;

import io.callstream.registry.client.RegistryException;
import io.callstream.registry.client.SchemaRegistryClient;
import io.callstream.registry.core.SchemaRegistryClients;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Deserializes Confluent wire-format bytes: looks up the writer schema by its id (cached) and reads
 * a {@code GenericRecord} (or primitive), or, with {@code specific.avro.reader=true}, the generated
 * class the writer schema names, resolving the writer's schema to the class's. Bytes that are not
 * wire format, or name an id the registry does not know, fail with a {@link SerializationException}
 * that says so.
 */
public class KafkaAvroDeserializer implements Deserializer<Object> {

    private SchemaRegistryClient client;
    private AvroSerdeConfig config;
    private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();

    /** For Kafka's reflective instantiation; the client is created from the configuration. */
    public KafkaAvroDeserializer() {}

    /** With a given client (e.g. one shared by several serdes). */
    public KafkaAvroDeserializer(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = AvroSerdeConfig.from(configs);
        if (client == null) {
            client = SchemaRegistryClients.create(configs);
        }
    }

    @Override
    public Object deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (config == null) {
            throw new IllegalStateException("KafkaAvroDeserializer used before configure()");
        }
        int id = WireFormat.schemaId(data);
        DatumReader<Object> reader = readers.computeIfAbsent(id, this::readerFor);
        try {
            return reader.read(
                    null,
                    DecoderFactory.get()
                            .binaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "Cannot read Avro data of schema id " + id + " from topic " + topic + ": " + e.getMessage(), e);
        }
    }

    private DatumReader<Object> readerFor(int id) {
        Schema writer;
        try {
            writer = client.getById(id);
        } catch (RegistryException e) {
            throw new SerializationException(
                    "Cannot get the writer schema with id " + id + " from the schema registry: " + e.getMessage(), e);
        }
        if (!config.specificAvroReader() || writer.getType() != Schema.Type.RECORD) {
            return new GenericDatumReader<>(writer, writer, AvroData.generic(config.useLogicalTypeConverters()));
        }
        Class<?> type = specificClass(writer);
        SpecificData data = SpecificData.getForClass(type);
        return new SpecificDatumReader<>(writer, data.getSchema(type), data);
    }

    private static Class<?> specificClass(Schema writer) {
        Class<?> type;
        try {
            type = SpecificData.get().getClass(writer);
        } catch (SecurityException e) {
            throw new SerializationException(
                    "Avro refuses to load " + writer.getFullName()
                            + ": add its package to the system property org.apache.avro.SERIALIZABLE_PACKAGES",
                    e);
        }
        if (type == null) {
            throw new SerializationException("specific.avro.reader is set but no generated class "
                    + writer.getFullName() + " is on the classpath");
        }
        return type;
    }

    @Override
    public void close() {
        readers.clear();
    }
}
