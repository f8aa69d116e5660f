package io.callstream.registry.serde;

import io.callstream.registry.client.SchemaRegistryClient;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A Kafka Streams serde for one generated Avro class in Confluent's wire format. */
public class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final Class<T> type;
    private final KafkaAvroSerializer serializer;
    private final KafkaAvroDeserializer deserializer;

    public SpecificAvroSerde(Class<T> type) {
        this(type, new KafkaAvroSerializer(), new KafkaAvroDeserializer());
    }

    public SpecificAvroSerde(Class<T> type, SchemaRegistryClient client) {
        this(type, new KafkaAvroSerializer(client), new KafkaAvroDeserializer(client));
    }

    private SpecificAvroSerde(Class<T> type, KafkaAvroSerializer serializer, KafkaAvroDeserializer deserializer) {
        this.type = type;
        this.serializer = serializer;
        this.deserializer = deserializer;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Map<String, Object> specific = new HashMap<>(configs);
        specific.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        serializer.configure(specific, isKey);
        deserializer.configure(specific, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> {
            Object value = deserializer.deserialize(topic, data);
            if (value != null && !type.isInstance(value)) {
                throw new SerializationException("Topic " + topic + " holds "
                        + value.getClass().getName() + " where " + type.getName() + " was expected");
            }
            return type.cast(value);
        };
    }
}
