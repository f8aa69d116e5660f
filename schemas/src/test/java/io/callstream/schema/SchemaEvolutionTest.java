package io.callstream.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps schema evolution safe: every topic schema must stay BACKWARD compatible (new readers read
 * old data) with its latest released version under {@code src/test/resources/released/<full
 * name>/v<N>.avsc}. Releasing a schema change means adding its new version there.
 */
class SchemaEvolutionTest {

    static Stream<Schema> topicSchemas() {
        return TopicSchemas.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topicSchemas")
    void shouldStayBackwardCompatibleWithLatestReleasedVersion(Schema current) {
        Schema released = latestReleased(current.getFullName())
                .orElseThrow(() -> new AssertionError("no released version of " + current.getFullName()
                        + ": add it under src/test/resources/released/"));

        var result = SchemaCompatibility.checkReaderWriterCompatibility(current, released);

        assertThat(result.getType())
                .as(
                        "%s must read data written with its released version: %s",
                        current.getFullName(), result.getResult().getIncompatibilities())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void shouldReleaseOnlySchemasThatStillExist() throws Exception {
        List<String> current =
                TopicSchemas.ALL.stream().map(Schema::getFullName).toList();

        try (Stream<Path> dirs = Files.list(releasedRoot())) {
            assertThat(dirs.map(dir -> dir.getFileName().toString())).containsExactlyInAnyOrderElementsOf(current);
        }
    }

    @Test
    void shouldDetectAnIncompatibleChange() {
        Schema released = latestReleased("io.callstream.schema.CallEvent").orElseThrow();
        Schema withNewRequiredField = new Schema.Parser()
                .parse(released.toString()
                        .replaceFirst("\"fields\":\\[", "\"fields\":[{\"name\":\"mandatory\",\"type\":\"string\"},"));

        var result = SchemaCompatibility.checkReaderWriterCompatibility(withNewRequiredField, released);

        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    static Optional<Schema> latestReleased(String fullName) {
        Path dir = releasedRoot().resolve(fullName);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(dir)) {
            return versions.max(Comparator.comparingInt(SchemaEvolutionTest::versionOf))
                    .map(SchemaEvolutionTest::parse);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int versionOf(Path file) {
        String name = file.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf('.')));
    }

    private static Schema parse(Path file) {
        try {
            return new Schema.Parser().parse(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path releasedRoot() {
        try {
            return Path.of(SchemaEvolutionTest.class.getResource("/released").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
