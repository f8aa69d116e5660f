package io.callstream.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callstream.platform.EmbeddedPlatform.Settings;
import io.callstream.schema.Call;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vendor pushes of {@code corpus/hand-computed.txt}, written by hand from the seed documents with
 * their outcomes computed by hand, posted in a shuffled order of calls to the embedded pipeline
 * ({@code ./callstream up}), then read back from {@code calls} with Confluent's own Python client:
 * every call's category, talk and billed seconds must be the hand-computed ones. The expectations
 * never pass through callstream's code tables or joiner, so a wrong table row or billing rule fails
 * here.
 */
class HandComputedCorpusIT {

    static final String PYTHON = "/usr/bin/python3";
    static final Pattern CASE = Pattern.compile("=== (\\S+) \\| (\\S+) \\| (\\S+) \\| (\\d+) \\| (\\d+)");
    static final Pattern CHARSET = Pattern.compile("(?i)charset=([A-Za-z0-9_-]+)");

    /** One call: its pushes in the vendor's order, and what callstream must make of it. */
    record Case(String callId, String vendor, String expected, List<Push> pushes) {}

    record Push(String path, String contentType, String body) {}

    @Test
    void shouldGiveEveryHandComputedCallItsCategoryTalkAndBilledSeconds(@TempDir Path data) throws Exception {
        List<Case> corpus = corpus();
        assertThat(corpus).hasSizeGreaterThan(50);
        Map<String, String> expected = new TreeMap<>();
        corpus.forEach(call -> expected.put(call.vendor() + "/" + call.callId(), call.expected()));

        try (EmbeddedPlatform platform = EmbeddedPlatform.start(new Settings(data, 0, 0, 0, -1, 3, true), line -> {})) {
            List<Case> shuffled = new ArrayList<>(corpus);
            Collections.shuffle(shuffled, new Random(2026));
            HttpClient http = HttpClient.newHttpClient();
            for (Case call : shuffled) {
                for (Push push : call.pushes()) {
                    HttpResponse<String> answer = http.send(
                            HttpRequest.newBuilder(
                                            URI.create(platform.ingestUrl().replaceAll("/$", "") + push.path()))
                                    .header("Content-Type", push.contentType())
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(
                                            push.body().getBytes(charset(push))))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(answer.statusCode())
                            .as("%s: %s answered %s", call.callId(), push.path(), answer.body())
                            .isEqualTo(200);
                }
            }

            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() ->
                            assertThat(latest(PlatformTopics.calls(platform))).isEqualTo(expected));

            JsonNode read = new ObjectMapper().readTree(python(platform, expected.size()));
            Map<String, String> seenByPython = new TreeMap<>();
            for (Map.Entry<String, JsonNode> call : read.properties()) {
                seenByPython.put(
                        call.getKey(),
                        call.getValue().get("failureCategory").asText() + " "
                                + call.getValue().get("talkSeconds").asInt() + " "
                                + call.getValue().get("billedSeconds").asInt());
            }
            assertThat(seenByPython).isEqualTo(expected);
            // the impossible push is kept, and flagged
            assertThat(read.get("winnerlook/hc-w14").get("qualityFlags").toString())
                    .isEqualTo("[\"NEGATIVE_DURATION\",\"END_BEFORE_ANSWER\"]");
            assertThat(read.get("ytx/hc-t09").get("qualityFlags").toString()).isEqualTo("[\"ROUNDED_AMOUNT\"]");
        }
    }

    /** Each call's latest version, as {@code CATEGORY talk billed}. */
    private static Map<String, String> latest(List<Call> calls) {
        Map<String, Call> latest = new TreeMap<>();
        for (Call call : calls) {
            latest.merge(
                    call.getVendor() + "/" + call.getCallId(),
                    call,
                    (a, b) -> a.getVersion() >= b.getVersion() ? a : b);
        }
        Map<String, String> outcomes = new TreeMap<>();
        latest.forEach((key, call) -> outcomes.put(
                key, call.getFailureCategory() + " " + call.getTalkSeconds() + " " + call.getBilledSeconds()));
        return outcomes;
    }

    private static String python(EmbeddedPlatform platform, int calls) throws Exception {
        Process process = new ProcessBuilder(
                        PYTHON,
                        "src/test/python/read_calls.py",
                        platform.bootstrapServers(),
                        platform.schemaRegistryUrl(),
                        Integer.toString(calls))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue())
                .as("python3 read_calls.py (needs Debian's python3-confluent-kafka and python3-avro)")
                .isZero();
        return new String(out, StandardCharsets.UTF_8);
    }

    private static Charset charset(Push push) {
        Matcher declared = CHARSET.matcher(push.contentType());
        return declared.find() ? Charset.forName(declared.group(1)) : StandardCharsets.UTF_8;
    }

    static List<Case> corpus() throws IOException {
        String text;
        try (InputStream in = HandComputedCorpusIT.class.getResourceAsStream("/corpus/hand-computed.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Case> cases = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            Matcher head = CASE.matcher(lines[i]);
            if (!head.matches()) {
                continue;
            }
            List<Push> pushes = new ArrayList<>();
            int j = i + 1;
            while (j < lines.length && !lines[j].startsWith("===")) {
                if (lines[j].startsWith("POST ")) {
                    String[] request = lines[j].split(" ", 3);
                    pushes.add(new Push(request[1], request[2], lines[j + 1]));
                    j++;
                }
                j++;
            }
            cases.add(new Case(
                    head.group(1), head.group(2), head.group(3) + " " + head.group(4) + " " + head.group(5), pushes));
            i = j - 1;
        }
        return cases;
    }
}
