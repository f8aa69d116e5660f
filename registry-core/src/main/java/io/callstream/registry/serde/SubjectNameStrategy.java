package io.callstream.registry.serde;

import java.util.Locale;
import org.apache.avro.Schema;

/**
 * How a serializer names the registry subject of a record, as Confluent's strategies of the same
 * names do. Configured with {@code key.subject.name.strategy} / {@code value.subject.name.strategy}
 * by short name or by Confluent's or this class's fully qualified name.
 */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} / {@code <topic>-value}: one schema lineage per topic. The default. */
    TOPIC_NAME {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + (isKey ? "-key" : "-value");
        }
    },
    /** The record's full name: one lineage per record type, across topics. */
    RECORD_NAME {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return schema.getFullName();
        }
    },
    /** {@code <topic>-<record full name>}: several record types per topic. */
    TOPIC_RECORD_NAME {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + "-" + schema.getFullName();
        }
    };

    public abstract String subject(String topic, boolean isKey, Schema schema);

    /** Parses {@code TopicNameStrategy}, {@code io.confluent...TopicNameStrategy}, {@code TOPIC_NAME}, … */
    public static SubjectNameStrategy parse(String name) {
        String simple = name.substring(name.lastIndexOf('.') + 1)
                .toUpperCase(Locale.ROOT)
                .replace("_", "");
        return switch (simple) {
            case "TOPICNAMESTRATEGY", "TOPICNAME" -> TOPIC_NAME;
            case "RECORDNAMESTRATEGY", "RECORDNAME" -> RECORD_NAME;
            case "TOPICRECORDNAMESTRATEGY", "TOPICRECORDNAME" -> TOPIC_RECORD_NAME;
            default ->
                throw new IllegalArgumentException("Unknown subject name strategy '" + name
                        + "'; use TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy");
        };
    }
}
