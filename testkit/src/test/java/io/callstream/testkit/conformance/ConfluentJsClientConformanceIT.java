package io.callstream.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callstream.testkit.TestPlatform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Confluent's own current JavaScript client, npm {@code @confluentinc/schemaregistry} 1.10.1
 * (installed by the build with {@code npm ci} from the lock file), through the eight basic scenarios
 * of its own integration test against our registry: register with metadata, retrieve by id and
 * subject, versions, latest with metadata, compatibility per version, subject and default config
 * with {@code normalize}, soft and permanent deletes.
 */
class ConfluentJsClientConformanceIT {

    static final Path NODE_PROJECT = Path.of("target", "node-conformance");

    @Test
    void shouldPassEveryBasicScenarioOfConfluentsOwnClient() throws Exception {
        assertThat(NODE_PROJECT.resolve("node_modules/@confluentinc/schemaregistry"))
                .as("the build installs the npm client with npm ci (exec-maven-plugin, pre-integration-test)")
                .exists();
        String url = TestPlatform.shared().schemaRegistryUrl();
        JsonNode result = new ObjectMapper()
                .readTree(ExternalProcess.run(
                                NODE_PROJECT, Duration.ofMinutes(2), List.of("node", "confluent-conformance.js", url))
                        .successfulOutput("node confluent-conformance.js"));
        List<String> failures = new ArrayList<>();
        result.get("failed")
                .forEach(failure -> failures.add(failure.get("name").asText() + ": "
                        + failure.get("error").asText()));
        assertThat(failures).isEmpty();
        assertThat(result.get("passed")).hasSize(8);
    }
}
