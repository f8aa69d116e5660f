package io.callstream.connect.converter;

import io.callstream.registry.client.RegistryException;
import io.callstream.registry.client.SchemaRegistryClient;
import io.callstream.registry.core.SchemaRegistryClients;
import io.callstream.registry.serde.AvroSerdeConfig;
import io.callstream.registry.serde.KafkaAvroDeserializer;
import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.registry.serde.WireFormat;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.storage.Converter;

/**
 * A Kafka Connect converter for Avro in Confluent's wire format, a drop-in for Confluent's {@code
 * io.confluent.connect.avro.AvroConverter}: configured with the same names ({@code
 * schema.registry.url}, {@code auto.register.schemas}, {@code *.subject.name.strategy}, {@code
 * avro.use.logical.type.converters}, …; {@code mock://scope} for an in-memory registry), and giving
 * Connect the same schemas (see {@link AvroConnectData}). Framing and the registry are left to
 * registry-core's serializer and deserializer, which share one registry client.
 *
 * <p>A top-level value that is not a record, enum, fixed or array is written with the plain Avro type
 * of its Java value: a top-level {@code Timestamp}, {@code Date} or {@code Decimal} loses its logical
 * type, and a top-level map cannot be written.
 */
public final class AvroConverter implements Converter {

    private final AvroConnectData data = new AvroConnectData();
    private SchemaRegistryClient client;
    private KafkaAvroSerializer serializer;
    private KafkaAvroDeserializer deserializer;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Map<String, Object> generic = new HashMap<>(configs);
        generic.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, false);
        try {
            client = SchemaRegistryClients.create(generic);
            serializer = new KafkaAvroSerializer(client);
            serializer.configure(generic, isKey);
            deserializer = new KafkaAvroDeserializer(client);
            deserializer.configure(generic, isKey);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Invalid AvroConverter configuration: " + e.getMessage());
        }
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        if (schema == null) {
            throw new DataException(
                    "Cannot write a schemaless value to topic " + topic + " as Avro: a schema is required");
        }
        try {
            return serializer.serialize(topic, data.fromConnectData(schema, value));
        } catch (SerializationException | DataException e) {
            throw new DataException("Cannot convert data for topic " + topic + " to Avro: " + e.getMessage(), e);
        }
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        if (value == null) {
            return SchemaAndValue.NULL;
        }
        try {
            Object avro = deserializer.deserialize(topic, value);
            return data.toConnectData(writerSchema(value, avro), avro);
        } catch (SerializationException | RegistryException | DataException e) {
            if (RegistryException.isTransient(e)) {
                // not the record's fault: Connect retries it (errors.retry.timeout) instead of dead-lettering it
                throw new RetriableException(
                        "The schema registry cannot be asked about a record of topic " + topic + ": " + e.getMessage(),
                        e);
            }
            throw new DataException("Cannot convert Avro data from topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * The schema the value was written with: a record's (or enum's, fixed's, array's) own; for a
     * primitive, which carries none, the registered schema its id names.
     */
    private org.apache.avro.Schema writerSchema(byte[] bytes, Object avro) {
        return avro instanceof GenericContainer container
                ? container.getSchema()
                : client.getById(WireFormat.schemaId(bytes));
    }

    @Override
    public void close() {
        if (serializer != null) {
            serializer.close();
            deserializer.close();
        }
    }
}
