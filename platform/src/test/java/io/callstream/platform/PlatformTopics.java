package io.callstream.platform;

import static org.awaitility.Awaitility.await;

import io.callstream.schema.Call;
import io.callstream.schema.DeadLetter;
import io.callstream.schema.Topics;
import io.callstream.testkit.TopicReader;
import java.time.Duration;
import java.util.List;

/** What the platform's tests read back from its topics. */
public final class PlatformTopics {

    private PlatformTopics() {}

    /** The call versions on {@code calls} so far, read committed, in partition order. */
    public static List<Call> calls(EmbeddedPlatform platform) {
        return TopicReader.readAll(
                        platform.bootstrapServers(),
                        platform.schemaRegistryUrl(),
                        Topics.CALLS,
                        Duration.ofMillis(500),
                        true)
                .stream()
                .map(record -> (Call) record.value())
                .toList();
    }

    /** Waits until a version of the call is on {@code calls} (read committed). */
    public static void awaitCall(EmbeddedPlatform platform, String callId, Duration atMost) {
        await().atMost(atMost)
                .until(() -> calls(platform).stream()
                        .anyMatch(call -> call.getCallId().equals(callId)));
    }

    /** The dead letters one component ({@code ingest-service}, {@code processor}) wrote so far. */
    public static List<DeadLetter> deadLetters(EmbeddedPlatform platform, String component) {
        return TopicReader.readAll(
                        platform.bootstrapServers(),
                        platform.schemaRegistryUrl(),
                        Topics.DEAD_LETTERS,
                        Duration.ofSeconds(1),
                        false)
                .stream()
                .map(record -> (DeadLetter) record.value())
                .filter(letter -> component.equals(letter.getComponent()))
                .toList();
    }
}
