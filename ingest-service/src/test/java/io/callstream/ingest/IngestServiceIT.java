package io.callstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.ingest.vendor.CallEvents;
import io.callstream.ingest.vendor.Fixtures;
import io.callstream.ingest.vendor.PushRequest;
import io.callstream.ingest.vendor.VendorAdapter;
import io.callstream.ingest.vendor.ucpaas.UcpaasAdapter;
import io.callstream.ingest.vendor.winnerlook.WinnerlookAdapter;
import io.callstream.ingest.vendor.ytx.YtxAdapter;
import io.callstream.ingest.vendor.yunhuni.YunhuniAdapter;
import io.callstream.schema.CallEvent;
import io.callstream.schema.DeadLetter;
import io.callstream.schema.Topics;
import io.callstream.schema.WebhookEnvelope;
import io.callstream.testkit.TestPlatform;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every vendor's fixtures over HTTP into a real broker and registry, read back from the topics. */
class IngestServiceIT {

    static final String SECRET = "ytx-test-secret-0123456789";

    record Push(String vendor, String file, String contentType, String query, String ack) {}

    static final List<Push> VALID = List.of(
            new Push("winnerlook", "answered.json", "application/json", "", "{\"resultCode\":\"200\"}"),
            new Push("winnerlook", "callee-busy-minimal.json", "application/json", "", "{\"resultCode\":\"200\"}"),
            new Push(
                    "winnerlook",
                    "answered-form.txt",
                    "application/x-www-form-urlencoded",
                    "",
                    "{\"resultCode\":\"200\"}"),
            new Push(
                    "winnerlook", "no-answer-gbk.json", "application/json;charset=GBK", "", "{\"resultCode\":\"200\"}"),
            new Push("yunhuni", "both-answered.json", "application/json;charset=utf-8", "", "OK"),
            new Push("yunhuni", "b-not-answered.json", "application/json;charset=utf-8", "", "OK"),
            new Push("yunhuni", "a-not-answered.json", "application/json;charset=utf-8", "", "OK"),
            new Push("yunhuni", "other-event.json", "application/json;charset=utf-8", "", "OK"),
            new Push("ucpaas", "hangup-normal.xml", "text/xml;charset=utf-8", "", "<retcode>0</retcode>"),
            new Push("ucpaas", "hangup-gbk.xml", "text/xml", "", "<retcode>0</retcode>"),
            new Push("ucpaas", "establish.xml", "text/xml", "", "<retcode>0</retcode>"),
            new Push("ucpaas", "callreq.xml", "text/xml", "", "<retcode>0</retcode>"),
            new Push("ytx", "state-answer.json", "application/json", "CallState", "{\"statusCode\":\"0\"}"),
            new Push("ytx", "cdr-both.json", "application/json", "Call", "{\"statusCode\":\"0\"}"),
            new Push("ytx", "cdr-two-records-a-only.json", "application/json", "Call", "{\"statusCode\":\"0\"}"));

    static final Map<String, VendorAdapter> ADAPTERS = Map.of(
            "winnerlook",
            new WinnerlookAdapter(),
            "yunhuni",
            new YunhuniAdapter(),
            "ucpaas",
            new UcpaasAdapter(),
            "ytx",
            new YtxAdapter());

    static IngestHarness ingest;

    @BeforeAll
    static void start() {
        ingest = new IngestHarness(
                TestPlatform.shared(),
                Map.of(
                        "callstream.ingest.max-body-bytes",
                        4096,
                        "callstream.ingest.secrets.ytx",
                        SECRET,
                        "callstream.ingest.allowed-cidrs.ucpaas",
                        "10.0.0.0/8, 127.0.0.0/8"));
    }

    @AfterAll
    static void stop() {
        ingest.close();
    }

    @Test
    void shouldPublishEveryVendorsPushesAsTheirExactEventsKeyedByCall() throws Exception {
        Map<Push, String> receipts = new java.util.LinkedHashMap<>();
        for (Push push : VALID) {
            HttpResponse<String> response = ingest.post(
                    "/webhooks/" + push.vendor() + secretPath(push) + query(push),
                    push.contentType(),
                    Fixtures.bytes(push.vendor(), push.file()),
                    Map.of());
            assertThat(response.statusCode())
                    .as(push.file() + ": " + response.body())
                    .isEqualTo(200);
            assertThat(response.body()).contains(push.ack());
            receipts.put(
                    push, response.headers().firstValue("X-Callstream-Envelope").orElseThrow());
        }

        // Other tests of this class push to the same topics: these pushes' envelopes are found by
        // the receipt each answer carried, whatever ran before.
        List<WebhookEnvelope> archived = values(ingest.readAll(Topics.WEBHOOKS_RAW, Duration.ofSeconds(2)));
        List<WebhookEnvelope> envelopes = archived.stream()
                .filter(envelope -> receipts.containsValue(envelope.getEnvelopeId()))
                .toList();
        List<ConsumerRecord<String, Object>> events = ingest.readAll(Topics.CALL_EVENTS, Duration.ofSeconds(2));

        assertThat(envelopes).hasSize(VALID.size());
        for (Push push : VALID) {
            WebhookEnvelope envelope = envelopes.stream()
                    .filter(e -> e.getEnvelopeId().equals(receipts.get(push)))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no envelope archived for " + push.file()));
            assertThat(envelope.getBody().array()).isEqualTo(Fixtures.bytes(push.vendor(), push.file()));
            List<CallEvent> expected = CallEvents.withPushCounts(
                    ADAPTERS.get(push.vendor()).normalize(replay(envelope), Fixtures.CONTEXT));
            List<CallEvent> published = events.stream()
                    .map(record -> (CallEvent) record.value())
                    .filter(event -> event.getEnvelopeId().equals(envelope.getEnvelopeId()))
                    .toList();
            assertThat(published).as(push.file()).isEqualTo(expected);
        }
        assertThat(events)
                .allSatisfy(record -> assertThat(record.key())
                        .isEqualTo(Topics.callKey(
                                ((CallEvent) record.value()).getVendor(), ((CallEvent) record.value()).getCallId())));
    }

    @Test
    void shouldDeadLetterAnInvalidPushWithItsOriginalBytesAndAnswer400InTheVendorsStyle() throws Exception {
        byte[] body = "<request><event>callhangup</event><reason>0</reason><marker>dlq-1</marker></request>"
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = ingest.post("/webhooks/ucpaas", "text/xml", body, Map.of());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("<retcode>400</retcode><reason>missing field callid</reason>");
        List<DeadLetter> deadLetters = values(ingest.readAll(Topics.DEAD_LETTERS, Duration.ofSeconds(2)));
        assertThat(deadLetters)
                .filteredOn(letter -> Arrays.equals(letter.getOriginalBytes().array(), body))
                .singleElement()
                .satisfies(letter -> {
                    assertThat(letter.getError()).isEqualTo("missing field callid");
                    assertThat(letter.getVendor()).isEqualTo("ucpaas");
                    assertThat(letter.getSourceEndpoint()).isEqualTo("/webhooks/ucpaas");
                    assertThat(letter.getComponent()).isEqualTo("ingest-service");
                });
    }

    @Test
    void shouldRefuseWithoutArchivingUnknownVendorsWrongSecretsAndForeignAddresses() throws Exception {
        byte[] marked = "{\"marker\":\"refused-1\"}".getBytes(StandardCharsets.UTF_8);
        byte[] large = ("{\"pad\":\"" + "x".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8);

        assertThat(ingest.post("/webhooks/acme", "application/json", marked, Map.of())
                        .statusCode())
                .isEqualTo(404);
        assertThat(ingest.post("/webhooks/ytx?Call", "application/json", marked, Map.of())
                        .statusCode())
                .isEqualTo(401);
        assertThat(ingest.post("/webhooks/ytx/wrong?Call", "application/json", marked, Map.of())
                        .statusCode())
                .isEqualTo(401);
        assertThat(ingest.post("/webhooks/ytx?Call", "application/json", marked, Map.of("X-Callstream-Secret", "nope"))
                        .statusCode())
                .isEqualTo(401);
        HttpResponse<String> viaHeader = ingest.post(
                "/webhooks/ytx?CallState",
                "application/json",
                Fixtures.bytes("ytx", "state-alerting.json"),
                Map.of("X-Callstream-Secret", SECRET));
        assertThat(viaHeader.statusCode()).isEqualTo(200);

        try (IngestHarness onlyFromTen = new IngestHarness(
                TestPlatform.shared(), Map.of("callstream.ingest.allowed-cidrs.winnerlook", "10.0.0.0/8"))) {
            HttpResponse<String> foreign =
                    onlyFromTen.post("/webhooks/winnerlook", "application/json", marked, Map.of());
            assertThat(foreign.statusCode()).isEqualTo(403);
            assertThat(foreign.body()).isEqualTo("{\"resultCode\":\"403\",\"message\":\"address not allowed\"}");
        }

        List<WebhookEnvelope> archived = values(ingest.readAll(Topics.WEBHOOKS_RAW, Duration.ofSeconds(2)));
        assertThat(archived)
                .noneMatch(e -> new String(e.getBody().array(), StandardCharsets.UTF_8).contains("refused-1"));
        assertThat(archived).allSatisfy(e -> assertThat(e.getHeaders()).doesNotContainKey("x-callstream-secret"));
        assertThat(archived).allSatisfy(e -> assertThat(e.getEndpoint()).doesNotContain(SECRET));
        assertThat(ingest.get("/prometheus").body())
                .contains("callstream_ingest_pushes_total{outcome=\"unauthorized\",vendor=\"ytx\"} 3.0");
    }

    @Test
    void shouldKeepEveryPushItCannotTakeAsADeadLetterAndNeverAnswer5xx() throws Exception {
        byte[] large = ("{\"pad\":\"" + "x".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] plainText =
                "{\"callId\":\"csrf-1\",\"callerState\":0,\"calleeState\":0}".getBytes(StandardCharsets.UTF_8);
        byte[] hugeAmount =
                "{\"cdr\":[{\"requestid\":\"big-1\",\"oriamount\":\"1e13\"}]}".getBytes(StandardCharsets.UTF_8);
        byte[] hugeExponent =
                "{\"cdr\":[{\"requestid\":\"exp-1\",\"oriamount\":\"1e-100000000\"}]}".getBytes(StandardCharsets.UTF_8);
        byte[] longEpoch = ("{\"event\":\"duo_callback.end\",\"id\":\"ep-1\",\"begin_time\":12345678901234567890,"
                        + "\"end_time\":1}")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(ingest.post("/webhooks/winnerlook", "application/json", large, Map.of())
                        .statusCode())
                .isEqualTo(413);
        assertThat(ingest.post("/webhooks/winnerlook", "text/plain", plainText, Map.of())
                        .statusCode())
                .isEqualTo(415);
        long start = System.nanoTime();
        assertThat(ingest.post("/webhooks/ytx/" + SECRET + "?Call", "application/json", hugeExponent, Map.of())
                        .statusCode())
                .isEqualTo(400);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(ingest.post("/webhooks/ytx/" + SECRET + "?Call", "application/json", hugeAmount, Map.of())
                        .statusCode())
                .isEqualTo(400);
        assertThat(ingest.post("/webhooks/yunhuni", "application/json", longEpoch, Map.of())
                        .statusCode())
                .isEqualTo(400);

        List<DeadLetter> deadLetters = values(ingest.readAll(Topics.DEAD_LETTERS, Duration.ofSeconds(2)));
        assertThat(deadLetters)
                .filteredOn(letter -> letter.getError().startsWith("body of " + large.length + " bytes"))
                .singleElement()
                .satisfies(
                        letter -> assertThat(letter.getOriginalBytes().array()).isEqualTo(Arrays.copyOf(large, 4096)));
        for (byte[] body : List.of(plainText, hugeAmount, hugeExponent, longEpoch)) {
            assertThat(deadLetters)
                    .filteredOn(
                            letter -> Arrays.equals(letter.getOriginalBytes().array(), body))
                    .singleElement()
                    .satisfies(letter -> assertThat(letter.getSourceEndpoint()).doesNotContain(SECRET));
        }
        assertThat(ingest.get("/prometheus").body())
                .contains("callstream_ingest_pushes_total{outcome=\"too_large\",vendor=\"winnerlook\"} 1.0");
    }

    @Test
    void shouldBeReadyWhenKafkaAndTheRegistryAnswer() throws Exception {
        assertThat(ingest.get("/health").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = ingest.get("/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"UP\",\"kafka\":\"UP\",\"schemaRegistry\":\"UP\"}");
    }

    private static String secretPath(Push push) {
        return push.vendor().equals("ytx") ? "/" + SECRET : "";
    }

    private static String query(Push push) {
        return push.query().isEmpty() ? "" : "?" + push.query();
    }

    /** The push an archived envelope records, as the adapter saw it. */
    static PushRequest replay(WebhookEnvelope envelope) {
        String endpoint = envelope.getEndpoint();
        int q = endpoint.indexOf('?');
        return new PushRequest(
                envelope.getEnvelopeId(),
                envelope.getVendor(),
                endpoint,
                q < 0 ? "" : endpoint.substring(q + 1),
                envelope.getHeaders(),
                envelope.getContentType(),
                envelope.getBody().array(),
                envelope.getRemoteAddress(),
                envelope.getReceivedAt());
    }

    @SuppressWarnings("unchecked")
    static <T> List<T> values(List<ConsumerRecord<String, Object>> records) {
        return records.stream().map(record -> (T) record.value()).collect(Collectors.toList());
    }
}
