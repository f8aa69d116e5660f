package io.callstream.registry.serde;

import io.callstream.registry.client.RegistryException;
import io.callstream.registry.client.SchemaRegistryClient;
import io.callstream.registry.core.SchemaRegistryClients;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes Avro records (generated or generic) and primitive values to Confluent's wire format,
 * registering or looking up their schema under the configured subject. Configured like Confluent's
 * {@code KafkaAvroSerializer}: {@code schema.registry.url}, {@code auto.register.schemas}, {@code
 * use.latest.version}, {@code basic.auth.*}, {@code *.subject.name.strategy}.
 */
public class KafkaAvroSerializer implements Serializer<Object> {

    private SchemaRegistryClient client;
    private AvroSerdeConfig config;
    private boolean isKey;
    private final Map<WriterKey, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
    private volatile LastWriter lastWriter;

    /** For Kafka's reflective instantiation; the client is created from the configuration. */
    public KafkaAvroSerializer() {}

    /** With a given client (e.g. one shared by several serdes). */
    public KafkaAvroSerializer(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = AvroSerdeConfig.from(configs);
        this.isKey = isKey;
        if (client == null) {
            client = SchemaRegistryClients.create(configs);
        }
    }

    @Override
    public byte[] serialize(String topic, Object value) {
        if (value == null) {
            return null;
        }
        if (config == null) {
            throw new IllegalStateException("KafkaAvroSerializer used before configure()");
        }
        Schema schema = AvroData.schemaOf(value);
        String subject = config.subjectNameStrategy(isKey).subject(topic, isKey, schema);
        Schema writerSchema = schema;
        int id;
        try {
            if (config.useLatestVersion()) {
                var latest = client.getLatest(subject);
                id = latest.id();
                writerSchema = client.getById(id);
            } else if (config.autoRegisterSchemas()) {
                id = client.register(subject, schema);
            } else {
                id = client.lookup(subject, schema).id();
            }
        } catch (RegistryException e) {
            throw new SerializationException(
                    "Cannot get a schema id for subject '" + subject + "' (topic " + topic + "): " + e.getMessage(), e);
        }
        return encode(id, writerSchema, value);
    }

    private byte[] encode(int id, Schema writerSchema, Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        ByteBuffer header = ByteBuffer.allocate(WireFormat.HEADER_SIZE);
        WireFormat.writeHeader(header, id);
        out.writeBytes(header.array());
        try {
            // Buffered: the encoder hands the stream a few large writes instead of one per field.
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writer(writerSchema, value).write(value instanceof ByteBuffer buffer ? buffer.duplicate() : value, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "Cannot write " + writerSchema.getFullName() + " with schema id " + id + " as Avro: "
                            + e.getMessage(),
                    e);
        }
        return out.toByteArray();
    }

    private DatumWriter<Object> writer(Schema schema, Object value) {
        // A serializer mostly writes one type: skip the map for a repeat of the last one.
        LastWriter last = lastWriter;
        if (last != null && last.schema == schema && last.type == value.getClass()) {
            return last.writer;
        }
        boolean specific = value instanceof SpecificRecord;
        DatumWriter<Object> writer = writers.computeIfAbsent(
                new WriterKey(schema, specific ? value.getClass() : null),
                key -> specific
                        ? new SpecificDatumWriter<>(schema, SpecificData.getForClass(value.getClass()))
                        : new GenericDatumWriter<>(schema, AvroData.generic(config.useLogicalTypeConverters())));
        lastWriter = new LastWriter(schema, value.getClass(), writer);
        return writer;
    }

    @Override
    public void close() {
        writers.clear();
        lastWriter = null;
    }

    private record WriterKey(Schema schema, Class<?> specificClass) {}

    private record LastWriter(Schema schema, Class<?> type, DatumWriter<Object> writer) {}
}
