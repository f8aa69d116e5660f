package io.callstream.registry.serde;

import io.callstream.registry.client.ConfigValues;
import java.util.Map;

/**
 * The serde settings, under Confluent's names so existing configuration works unchanged.
 *
 * @param autoRegisterSchemas {@code auto.register.schemas} (default true)
 * @param useLatestVersion {@code use.latest.version} (default false): write with the subject's
 *     latest schema instead of registering the record's own
 * @param keySubjectNameStrategy {@code key.subject.name.strategy} (default TopicNameStrategy)
 * @param valueSubjectNameStrategy {@code value.subject.name.strategy} (default TopicNameStrategy)
 * @param specificAvroReader {@code specific.avro.reader} (default false): deserialize into the
 *     generated class named by the writer schema instead of a {@code GenericRecord}
 * @param useLogicalTypeConverters {@code avro.use.logical.type.converters} (default false): generic
 *     records carry {@code Instant}, {@code BigDecimal}, … instead of their Avro base types
 */
public record AvroSerdeConfig(
        boolean autoRegisterSchemas,
        boolean useLatestVersion,
        SubjectNameStrategy keySubjectNameStrategy,
        SubjectNameStrategy valueSubjectNameStrategy,
        boolean specificAvroReader,
        boolean useLogicalTypeConverters) {

    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    public static final String USE_LOGICAL_TYPE_CONVERTERS = "avro.use.logical.type.converters";

    public static AvroSerdeConfig from(Map<String, ?> configs) {
        ConfigValues values = new ConfigValues(configs);
        return new AvroSerdeConfig(
                values.bool(AUTO_REGISTER_SCHEMAS, true),
                values.bool(USE_LATEST_VERSION, false),
                SubjectNameStrategy.parse(values.string(KEY_SUBJECT_NAME_STRATEGY, "TopicNameStrategy")),
                SubjectNameStrategy.parse(values.string(VALUE_SUBJECT_NAME_STRATEGY, "TopicNameStrategy")),
                values.bool(SPECIFIC_AVRO_READER, false),
                values.bool(USE_LOGICAL_TYPE_CONVERTERS, false));
    }

    public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
        return isKey ? keySubjectNameStrategy : valueSubjectNameStrategy;
    }
}
