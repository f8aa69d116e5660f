package io.callstream.platform.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.callstream.platform.EmbeddedPlatform;
import io.callstream.platform.EmbeddedPlatform.Settings;
import io.callstream.platform.PlatformTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random mutations of every vendor's real-shaped pushes (the simulator's) posted to a running
 * ingest service and processor: no body gets a 5xx, every refused body is on {@code dead-letters}
 * with its bytes, and afterwards a normal call is still processed and {@code /ready} is UP. The
 * number of bodies per endpoint is {@code -Dfuzz.bodies} (default 1000); the seed {@code
 * -Dfuzz.seed}.
 */
class IngestFuzzIT {

    static final int BODIES = Integer.getInteger("fuzz.bodies", 1000);
    static final long SEED = Long.getLong("fuzz.seed", 20261201L);

    @Test
    void shouldAnswerEveryMutatedPushWithoutA5xxAndKeepEveryRefusal(@TempDir Path data) throws Exception {
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(new Settings(data, 0, 0, 0, -1, 3, true), line -> {})) {
            Map<String, List<SimulatedCall.Push>> bases = basePushes();
            PushMutator mutator = new PushMutator(SEED);
            List<Posted> bodies = new ArrayList<>();
            bases.forEach((path, pushes) -> {
                for (int i = 0; i < BODIES; i++) {
                    SimulatedCall.Push base = pushes.get(i % pushes.size());
                    bodies.add(new Posted(
                            path,
                            base.contentType(),
                            mutator.mutate(base.body(), base.contentType().contains("xml"))));
                }
            });

            Map<Posted, Integer> statuses = post(platform.ingestUrl(), bodies);

            Map<String, Map<Integer, Integer>> counts = new TreeMap<>();
            statuses.forEach((push, status) ->
                    counts.computeIfAbsent(push.path(), p -> new TreeMap<>()).merge(status, 1, Integer::sum));
            System.out.println(
                    "Fuzz (seed " + SEED + ", " + bodies.size() + " bodies): status counts per endpoint " + counts);
            assertThat(statuses.values())
                    .allSatisfy(status -> assertThat(status).isLessThan(500));

            List<Posted> refused = statuses.entrySet().stream()
                    .filter(e -> e.getValue() >= 400)
                    .map(Map.Entry::getKey)
                    .toList();
            Map<ByteBuffer, Integer> letters = await().atMost(Duration.ofSeconds(60))
                    .until(
                            () -> ingestDeadLetters(platform),
                            kept -> kept.values().stream()
                                            .mapToInt(Integer::intValue)
                                            .sum()
                                    >= refused.size());
            for (Posted push : refused) {
                assertThat(letters.getOrDefault(ByteBuffer.wrap(push.body()), 0))
                        .as("dead letter of a refused %s body", push.path())
                        .isPositive();
            }
            System.out.println("Fuzz: " + refused.size() + " refused bodies, every one on dead-letters with its bytes; "
                    + (bodies.size() - refused.size()) + " accepted");

            String callId = "fuzz-after-" + SEED;
            SimulatedCall normal = new CallFactory(SEED, "fuzz").next(0, Instant.now(), "winnerlook", false);
            String body = normal.pushes().getFirst().body().replace(normal.callId(), callId);
            assertThat(post(
                                    platform.ingestUrl(),
                                    List.of(new Posted(
                                            "/webhooks/winnerlook",
                                            "application/json",
                                            body.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                            .values())
                    .containsExactly(200);
            PlatformTopics.awaitCall(platform, callId, Duration.ofSeconds(60));
            long processorLetters =
                    PlatformTopics.deadLetters(platform, "processor").size();
            System.out.println("Fuzz: the processor dead-lettered " + processorLetters
                    + " accepted events and processed the normal call after them");
            assertThat(HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create(platform.ingestUrl() + "/ready"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    record Posted(String path, String contentType, byte[] body) {}

    /** Real-shaped pushes per endpoint (path with query), from the simulator's calls. */
    private static Map<String, List<SimulatedCall.Push>> basePushes() {
        CallFactory factory = new CallFactory(SEED, "fuzz-base");
        Map<String, List<SimulatedCall.Push>> bases = new LinkedHashMap<>();
        for (int n = 0; n < 60; n++) {
            for (String vendor : CallFactory.VENDORS) {
                for (SimulatedCall.Push push :
                        factory.next(n, Instant.now(), vendor, n % 3 == 0).pushes()) {
                    bases.computeIfAbsent(push.path(), path -> new ArrayList<>())
                            .add(push);
                }
            }
        }
        return bases;
    }

    /** Posts every body (8 at a time); the status of each. */
    private static Map<Posted, Integer> post(String ingest, List<Posted> bodies) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<Posted, Integer> statuses = new ConcurrentHashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> sent = new ArrayList<>();
            for (Posted push : bodies) {
                sent.add(pool.submit(() -> {
                    HttpResponse<Void> response = http.send(
                            HttpRequest.newBuilder(URI.create(ingest + push.path()))
                                    .header("Content-Type", push.contentType())
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(push.body()))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                    statuses.put(push, response.statusCode());
                    return null;
                }));
            }
            for (Future<?> future : sent) {
                future.get();
            }
        }
        return statuses;
    }

    /** The ingest service's dead letters: how many of each original body. */
    private static Map<ByteBuffer, Integer> ingestDeadLetters(EmbeddedPlatform platform) {
        Map<ByteBuffer, Integer> kept = new HashMap<>();
        PlatformTopics.deadLetters(platform, "ingest-service").stream()
                .filter(letter -> letter.getOriginalBytes() != null)
                .forEach(letter -> kept.merge(letter.getOriginalBytes(), 1, Integer::sum));
        return kept;
    }
}
