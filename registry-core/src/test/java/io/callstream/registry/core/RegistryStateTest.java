package io.callstream.registry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.callstream.registry.client.CompatibilityLevel;
import io.callstream.registry.client.RegistryException;
import io.callstream.registry.client.SchemaMetadata;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegistryStateTest {

    static final String V1 = record("{\"name\":\"a\",\"type\":\"string\"}");
    static final String V2_OPTIONAL_FIELD =
            record("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}");
    static final String V2_REQUIRED_FIELD =
            record("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\"}");
    static final String V3_WITHOUT_A = record("{\"name\":\"b\",\"type\":\"int\",\"default\":0}");

    final List<RegistryRecord> journal = new ArrayList<>();
    final RegistryState state = new RegistryState(journal::add, CompatibilityLevel.BACKWARD);

    @Test
    void shouldNumberVersionsPerSubjectAndShareIdsOfIdenticalSchemas() {
        int first = state.register("calls-value", V1);
        int second = state.register("calls-value", V2_OPTIONAL_FIELD);
        int sameAsFirst = state.register("other-value", V1);

        assertThat(List.of(first, second, sameAsFirst)).containsExactly(1, 2, 1);
        assertThat(state.versions("calls-value", false)).containsExactly(1, 2);
        assertThat(state.version("calls-value", "latest", false))
                .isEqualTo(new SchemaMetadata("calls-value", 2, 2, normalized(V2_OPTIONAL_FIELD)));
        assertThat(state.version("other-value", "1", false).version()).isEqualTo(1);
    }

    @Test
    void shouldReturnTheExistingIdWhenTheSameSchemaIsRegisteredAgain() {
        state.register("s", V1);
        int journaled = journal.size();

        assertThat(state.register("s", " " + V1.replace(",", " , "))).isEqualTo(1);
        assertThat(journal).hasSize(journaled);
    }

    @Test
    void shouldRejectAnIncompatibleSchemaWith409() {
        state.register("s", V1);

        assertThatThrownBy(() -> state.register("s", V2_REQUIRED_FIELD))
                .asInstanceOf(InstanceOfAssertFactories.type(RegistryException.class))
                .satisfies(e -> assertThat(e.errorCode()).isEqualTo(409))
                .satisfies(e -> assertThat(e.getMessage()).contains("READER_FIELD_MISSING_DEFAULT_VALUE"));
    }

    @ParameterizedTest(name = "{0}: v1 -> v2 -> v3 without field a: {1}")
    @CsvSource({
        "NONE, true",
        "BACKWARD, true",
        "BACKWARD_TRANSITIVE, true",
        "FORWARD, false",
        "FORWARD_TRANSITIVE, false",
        "FULL, false",
        "FULL_TRANSITIVE, false"
    })
    void shouldCheckDroppingARequiredFieldPerLevel(CompatibilityLevel level, boolean allowed) {
        state.setLevel(null, level);
        state.register("s", V1);
        state.register("s", V2_OPTIONAL_FIELD);

        assertThat(state.incompatibilities("s", V3_WITHOUT_A, null).isEmpty()).isEqualTo(allowed);
    }

    @Test
    void shouldCheckTransitiveLevelsAgainstEveryEarlierVersion() {
        // v2 drops a, v3 re-adds a without default: readable from v2 data, not from v1 data.
        String v2 = record("{\"name\":\"b\",\"type\":\"int\",\"default\":0}");
        String v3 = record("{\"name\":\"b\",\"type\":\"int\",\"default\":0},{\"name\":\"a\",\"type\":\"long\"}");
        state.setLevel("s", CompatibilityLevel.NONE);
        state.register("s", V1);
        state.register("s", v2);

        state.setLevel("s", CompatibilityLevel.FORWARD);
        assertThat(state.incompatibilities("s", v3, null)).isEmpty();
        state.setLevel("s", CompatibilityLevel.FORWARD_TRANSITIVE);
        assertThat(state.incompatibilities("s", v3, null)).isNotEmpty();
    }

    @Test
    void shouldSoftDeleteThenPermanentlyDeleteASubject() {
        state.register("s", V1);
        state.register("s", V2_OPTIONAL_FIELD);

        assertThat(state.deleteSubject("s", false)).containsExactly(1, 2);
        assertThat(state.subjects(false)).isEmpty();
        assertThat(state.subjects(true)).containsExactly("s");
        assertThat(state.schemaById(1)).isEqualTo(normalized(V1));
        assertCode(() -> state.versions("s", false), 40401);
        assertCode(() -> state.deleteSubject("s", false), 40404);

        assertThat(state.deleteSubject("s", true)).containsExactly(1, 2);
        assertThat(state.subjects(true)).isEmpty();
        assertCode(() -> state.schemaById(1), 40403);
    }

    @Test
    void shouldNeverIssueAnIdAgainAfterItsRecordsWereDeletedAndCompactedAway() {
        state.register("a", V1);
        state.register("b", V2_OPTIONAL_FIELD);
        state.deleteSubject("b", false);
        state.deleteSubject("b", true);
        // What a compacted journal keeps: b's records and their tombstones are gone, the watermark stays.
        List<RegistryRecord> compacted = journal.stream()
                .filter(record -> !(record instanceof RegistryRecord.SchemaVersion version
                        && version.subject().equals("b")))
                .filter(record -> !(record instanceof RegistryRecord.SchemaVersionRemoved))
                .toList();
        RegistryState replayed = new RegistryState(record -> {}, CompatibilityLevel.BACKWARD);
        compacted.forEach(replayed::apply);

        assertThat(replayed.register("c", V2_OPTIONAL_FIELD)).isEqualTo(3);
    }

    @Test
    void shouldRequireASoftDeleteBeforeAPermanentOne() {
        state.register("s", V1);

        assertCode(() -> state.deleteSubject("s", true), 40405);
        assertCode(() -> state.deleteVersion("s", "1", true), 40407);
        assertThat(state.deleteVersion("s", "1", false)).isEqualTo(1);
        assertCode(() -> state.deleteVersion("s", "1", false), 40406);
        assertThat(state.deleteVersion("s", "1", true)).isEqualTo(1);
    }

    @Test
    void shouldAnswerConfluentErrorCodesForMissingThings() {
        state.register("s", V1);

        assertCode(() -> state.version("missing", "1", false), 40401);
        assertCode(() -> state.version("s", "7", false), 40402);
        assertCode(() -> state.version("s", "zero", false), 42202);
        assertCode(() -> state.lookup("s", V2_OPTIONAL_FIELD, false), 40403);
        assertCode(() -> state.schemaById(99), 40403);
        assertCode(() -> state.register("s", "{\"type\":\"record\"}"), 42201);
        assertCode(() -> state.subjectLevel("s", false), 40408);
    }

    @Test
    void shouldKeepSubjectLevelsApartFromTheGlobalOne() {
        state.setLevel("s", CompatibilityLevel.FULL);

        assertThat(state.subjectLevel("s", false)).isEqualTo(CompatibilityLevel.FULL);
        assertThat(state.subjectLevel("t", true)).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(state.deleteSubjectLevel("s")).isEqualTo(CompatibilityLevel.FULL);
        assertThat(state.subjectLevel("s", true)).isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void shouldRebuildTheSameStateFromItsJournal() {
        state.register("a", V1);
        state.register("b", V2_OPTIONAL_FIELD);
        state.register("a", V2_OPTIONAL_FIELD);
        state.deleteVersion("a", "1", false);
        state.setLevel(null, CompatibilityLevel.FULL);

        RegistryState replayed = new RegistryState(record -> {}, CompatibilityLevel.BACKWARD);
        journal.forEach(replayed::apply);

        assertThat(replayed.subjects(true)).isEqualTo(state.subjects(true));
        assertThat(replayed.version("a", "latest", true)).isEqualTo(state.version("a", "latest", true));
        assertThat(replayed.versions("a", false)).containsExactly(2);
        assertThat(replayed.globalLevel()).isEqualTo(CompatibilityLevel.FULL);
        assertThat(replayed.register("c", record("{\"name\":\"z\",\"type\":\"long\"}")))
                .isEqualTo(3);
    }

    @Test
    void shouldNotApplyAChangeTheJournalRefuses() {
        RegistryState failing = new RegistryState(
                record -> {
                    throw new RegistryException(500, RegistryException.STORE_ERROR, "store down");
                },
                CompatibilityLevel.BACKWARD);

        assertCode(() -> failing.register("s", V1), 50001);
        assertThat(failing.subjects(true)).isEmpty();
    }

    static void assertCode(Runnable call, int code) {
        assertThatThrownBy(call::run)
                .isInstanceOf(RegistryException.class)
                .extracting(e -> ((RegistryException) e).errorCode())
                .isEqualTo(code);
    }

    static String record(String fields) {
        return "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"t\",\"fields\":[" + fields + "]}";
    }

    static String normalized(String schema) {
        return new org.apache.avro.Schema.Parser().parse(schema).toString();
    }
}
