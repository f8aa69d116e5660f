package io.callstream.platform.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callstream.schema.AlertKind;
import io.callstream.schema.AlertState;
import io.callstream.schema.CallAlert;
import io.callstream.schema.CategoryCount;
import io.callstream.schema.FailureCategory;
import io.callstream.testkit.BoundedProcess;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The bodies and signatures each receiver expects. The signatures are checked against Python's
 * {@code hmac}, written as the vendors' own documentation samples compute them (DingTalk: HMAC of
 * {@code "timestamp\nsecret"} keyed by the secret, URL-encoded; Feishu: HMAC of an empty message
 * keyed by {@code "timestamp\nsecret"}).
 */
class DeliveriesTest {

    static final Instant NOW = Instant.parse("2026-12-02T08:00:00.123Z");
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldSignDingTalkAsItsDocumentationsPythonSampleDoes() throws Exception {
        Receiver dingTalk =
                receiver(Receiver.Format.DINGTALK, "https://oapi.dingtalk.com/robot/send?access_token=t", "SECabc");
        URI url = Deliveries.of(dingTalk, alert(AlertState.RAISED), "http://d/", NOW)
                .url();

        String expected = python("""
                import base64, hashlib, hmac, sys, urllib.parse
                ts, secret = sys.argv[1], sys.argv[2]
                code = hmac.new(secret.encode(), f'{ts}\\n{secret}'.encode(), digestmod=hashlib.sha256).digest()
                print(urllib.parse.quote_plus(base64.b64encode(code)))
                """, Long.toString(NOW.toEpochMilli()), "SECabc");
        assertThat(url.toString())
                .isEqualTo("https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=" + NOW.toEpochMilli()
                        + "&sign=" + expected);
        assertThat(URLDecoder.decode(expected, StandardCharsets.UTF_8))
                .isNotEqualTo(expected); // '+', '/' or '=' encoded
    }

    @Test
    void shouldSignFeishuAsItsDocumentationsPythonSampleDoes() throws Exception {
        Receiver feishu = receiver(Receiver.Format.FEISHU, "https://open.feishu.cn/open-apis/bot/v2/hook/x", "s3cret");
        JsonNode body = JSON.readTree(Deliveries.of(feishu, alert(AlertState.RAISED), "http://d/", NOW)
                .body());

        String expected = python("""
                import base64, hashlib, hmac, sys
                ts, secret = sys.argv[1], sys.argv[2]
                code = hmac.new(f'{ts}\\n{secret}'.encode('utf-8'), ''.encode('utf-8'), digestmod=hashlib.sha256).digest()
                print(base64.b64encode(code).decode('utf-8'))
                """, Long.toString(NOW.getEpochSecond()), "s3cret");
        assertThat(body.get("timestamp").asText()).isEqualTo(Long.toString(NOW.getEpochSecond()));
        assertThat(body.get("sign").asText()).isEqualTo(expected);
        assertThat(body.get("msg_type").asText()).isEqualTo("text");
        assertThat(body.at("/content/text").asText())
                .startsWith("[RAISED] Failure rate of ucpaas calls for tenant acct-1 is abnormal")
                .contains("62.5% of 40 calls failed (25)")
                .contains("Top failures: NETWORK_ERROR 20, UNREACHABLE 5")
                .contains("Dashboard: http://d/#alerts");
    }

    @Test
    void shouldSendUnsignedWhenThereIsNoSecret() throws Exception {
        Receiver dingTalk =
                receiver(Receiver.Format.DINGTALK, "https://oapi.dingtalk.com/robot/send?access_token=t", null);
        Receiver feishu = receiver(Receiver.Format.FEISHU, "https://open.feishu.cn/open-apis/bot/v2/hook/x", null);

        assertThat(Deliveries.of(dingTalk, alert(AlertState.RAISED), "http://d/", NOW)
                        .url())
                .isEqualTo(URI.create("https://oapi.dingtalk.com/robot/send?access_token=t"));
        assertThat(JSON.readTree(Deliveries.of(feishu, alert(AlertState.RAISED), "http://d/", NOW)
                                .body())
                        .has("sign"))
                .isFalse();
    }

    @Test
    void shouldSpeakAlertmanagersWebhookFormatFiringThenResolved() throws Exception {
        Receiver alertmanager = receiver(Receiver.Format.ALERTMANAGER, "http://127.0.0.1:9/hook", null);
        JsonNode firing = JSON.readTree(Deliveries.of(alertmanager, alert(AlertState.RAISED), "http://d/", NOW)
                .body());
        JsonNode resolved = JSON.readTree(Deliveries.of(alertmanager, alert(AlertState.CLEARED), "http://d/", NOW)
                .body());

        assertThat(firing.get("version").asText()).isEqualTo("4");
        assertThat(firing.get("status").asText()).isEqualTo("firing");
        assertThat(resolved.get("status").asText()).isEqualTo("resolved");
        assertThat(firing.at("/alerts/0/labels/alertname").asText()).isEqualTo("CallstreamTenantFailureRate");
        assertThat(firing.at("/alerts/0/labels/tenant").asText()).isEqualTo("acct-1");
        assertThat(firing.at("/alerts/0/endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(resolved.at("/alerts/0/endsAt").asText()).isEqualTo("2026-12-02T08:10:00Z");
        assertThat(firing.at("/alerts/0/fingerprint").asText())
                .isEqualTo(resolved.at("/alerts/0/fingerprint").asText())
                .hasSize(16);
    }

    @Test
    void shouldCarryTheSameIdempotencyKeyOnEveryDeliveryOfATransition() {
        Receiver webhook = receiver(Receiver.Format.WEBHOOK, "http://127.0.0.1:9/hook", null);
        Deliveries first = Deliveries.of(webhook, alert(AlertState.RAISED), "http://d/", NOW);
        Deliveries again = Deliveries.of(webhook, alert(AlertState.RAISED), "http://d/", NOW.plusSeconds(30));
        Deliveries cleared = Deliveries.of(webhook, alert(AlertState.CLEARED), "http://d/", NOW);

        assertThat(first.idempotencyKey()).isEqualTo(again.idempotencyKey()).isEqualTo("episode-1:RAISED");
        assertThat(cleared.idempotencyKey()).isEqualTo("episode-1:CLEARED");
        assertThat(first.body()).contains("\"idempotencyKey\":\"episode-1:RAISED\"", "\"failureRate\":0.625");
    }

    @Test
    void shouldFilterByTenantVendorAndSeverity() {
        Receiver onlyOther = new Receiver(
                "other", Receiver.Format.WEBHOOK, URI.create("http://x/"), null, Set.of("acct-2"), Set.of(), Set.of());
        Receiver onlyUcpaas = new Receiver(
                "ucpaas", Receiver.Format.WEBHOOK, URI.create("http://x/"), null, Set.of(), Set.of("ucpaas"), Set.of());
        Receiver onlyPages = new Receiver(
                "pages", Receiver.Format.WEBHOOK, URI.create("http://x/"), null, Set.of(), Set.of(), Set.of("page"));

        assertThat(onlyOther.wants(alert(AlertState.RAISED))).isFalse();
        assertThat(onlyUcpaas.wants(alert(AlertState.RAISED))).isTrue();
        assertThat(onlyPages.wants(alert(AlertState.RAISED))).isFalse();
    }

    @Test
    void shouldSayWhatASilenceIsInEachFormatAndRankItCritical() throws Exception {
        CallAlert silence = CallAlert.newBuilder(alert(AlertState.RAISED))
                .setAlertId("acct-1:ucpaas:silence:1")
                .setKind(AlertKind.SILENCE)
                .setWindowStart(Instant.parse("2026-12-02T07:50:00Z"))
                .setWindowEnd(Instant.parse("2026-12-02T07:56:00Z"))
                .setAttempts(0)
                .setFailures(0)
                .setFailureRate(0)
                .setBaselineRate(null)
                .setThreshold(0)
                .setBaselineFactor(0)
                .setTopCategories(List.of())
                .setExpectedAttempts(240.0)
                .setMessage("SILENCE RAISED acct-1/ucpaas: no call started for 6.0 min")
                .build();

        JsonNode webhook = body(Receiver.Format.WEBHOOK, silence);
        JsonNode alertmanager = body(Receiver.Format.ALERTMANAGER, silence);

        assertThat(webhook.get("kind").asText()).isEqualTo("SILENCE");
        assertThat(webhook.get("severity").asText()).isEqualTo("critical");
        assertThat(webhook.get("expectedAttempts").asDouble()).isEqualTo(240.0);
        assertThat(webhook.get("message").asText())
                .startsWith("[RAISED] No pushes from ucpaas for tenant acct-1\n"
                        + "No push between 2026-12-02T07:50:00Z and 2026-12-02T07:56:00Z, about 240 calls expected")
                .doesNotContain("Failure rate", "threshold");
        assertThat(alertmanager.at("/alerts/0/labels/alertname").asText()).isEqualTo("CallstreamTenantSilence");
        assertThat(alertmanager.at("/alerts/0/labels/severity").asText()).isEqualTo("critical");
        Receiver warningsOnly = new Receiver(
                "warnings",
                Receiver.Format.WEBHOOK,
                URI.create("http://x/"),
                null,
                Set.of(),
                Set.of(),
                Set.of("warning"));
        assertThat(warningsOnly.wants(silence)).isFalse();
        assertThat(warningsOnly.wants(alert(AlertState.RAISED))).isTrue();
    }

    @Test
    void shouldNotCallAnAlertOfAKindItDoesNotKnowAFailureRate() {
        CallAlert newer = CallAlert.newBuilder(alert(AlertState.RAISED))
                .setKind(AlertKind.UNKNOWN)
                .setMessage("FRAUD RAISED acct-1/ucpaas: 40 calls under 10 s")
                .setTopCategories(List.of())
                .build();

        assertThat(Deliveries.alertName(newer)).isEqualTo("CallstreamTenantAlert");
        assertThat(Deliveries.text(newer, "http://dash/"))
                .startsWith("[RAISED] Alert for ucpaas calls of tenant acct-1\nFRAUD RAISED")
                .doesNotContainIgnoringCase("failure rate")
                .doesNotContain("threshold");
    }

    @Test
    void shouldSayWhatMissingFinalPushesAreAndNameTheirAlert() throws Exception {
        CallAlert finals = CallAlert.newBuilder(alert(AlertState.RAISED))
                .setAlertId("acct-1:ytx:missing-finals:1")
                .setVendor("ytx")
                .setKind(AlertKind.MISSING_FINALS)
                .setAttempts(100)
                .setFailures(16)
                .setFailureRate(0.16)
                .setBaselineRate(0.01)
                .setThreshold(0.10)
                .setTopCategories(List.of())
                .setMessage("MISSING_FINALS RAISED acct-1/ytx: 16.0% of calls got no final push")
                .build();

        JsonNode webhook = body(Receiver.Format.WEBHOOK, finals);
        JsonNode alertmanager = body(Receiver.Format.ALERTMANAGER, finals);

        assertThat(webhook.get("kind").asText()).isEqualTo("MISSING_FINALS");
        assertThat(webhook.get("severity").asText()).isEqualTo("warning");
        assertThat(webhook.get("message").asText())
                .startsWith("[RAISED] Share of ytx calls for tenant acct-1 without a final push is abnormal\n"
                        + "16.0% of 100 calls got no final push (16) between 2026-12-02T07:54:00Z and"
                        + " 2026-12-02T07:59:00Z; threshold 10%, baseline 1.0% (x2.0)")
                .doesNotContain("failed");
        assertThat(alertmanager.at("/alerts/0/labels/alertname").asText()).isEqualTo("CallstreamTenantMissingFinals");
    }

    @Test
    void shouldNameTheFraudSignalWithItsPrefixesAndExampleCalls() throws Exception {
        CallAlert destinations = CallAlert.newBuilder(alert(AlertState.RAISED))
                .setAlertId("acct-1:ytx:new-destinations:1")
                .setVendor("ytx")
                .setKind(AlertKind.NEW_DESTINATIONS)
                .setAttempts(37)
                .setTopCategories(List.of())
                .setPrefixes(List.of("00882", "00537"))
                .setExampleCallIds(List.of("c-1", "c-2"))
                .setMessage("NEW_DESTINATIONS RAISED acct-1/ytx: 37 calls in 60 min to 2 destination prefixes")
                .build();
        CallAlert spend = CallAlert.newBuilder(destinations)
                .setAlertId("acct-1:ytx:spend:1")
                .setKind(AlertKind.SPEND)
                .setPrefixes(List.of())
                .setExampleCallIds(List.of())
                .setAmount(new java.math.BigDecimal("1234.567890"))
                .setBaselineAmount(new java.math.BigDecimal("100.000000"))
                .setMessage("SPEND RAISED acct-1/ytx: billed 12345 min")
                .build();

        JsonNode webhook = body(Receiver.Format.WEBHOOK, destinations);
        JsonNode spent = body(Receiver.Format.WEBHOOK, spend);

        assertThat(webhook.get("severity").asText()).isEqualTo("critical");
        assertThat(webhook.get("message").asText())
                .startsWith("[RAISED] Possible fraud: calls to destinations never seen on ytx calls of tenant acct-1\n"
                        + "New destination prefixes: 00882, 00537\n"
                        + "NEW_DESTINATIONS RAISED acct-1/ytx: 37 calls in 60 min to 2 destination prefixes\n"
                        + "Example calls: c-1, c-2\n");
        assertThat(spent.get("message").asText())
                .contains("spend far above its baseline", "Amount billed: 1234.57 (baseline 100.00)")
                .doesNotContain("failed");
        assertThat(body(Receiver.Format.ALERTMANAGER, spend)
                        .at("/alerts/0/labels/alertname")
                        .asText())
                .isEqualTo("CallstreamTenantSpend");
        assertThat(body(Receiver.Format.ALERTMANAGER, destinations)
                        .at("/alerts/0/labels/alertname")
                        .asText())
                .isEqualTo("CallstreamTenantNewDestinations");
    }

    /** The body delivered to an unsigned receiver of this format. */
    private static JsonNode body(Receiver.Format format, CallAlert alert) throws Exception {
        return JSON.readTree(Deliveries.of(receiver(format, "http://127.0.0.1:9/hook", null), alert, "http://d/", NOW)
                .body());
    }

    static Receiver receiver(Receiver.Format format, String url, String secret) {
        return new Receiver(format.name().toLowerCase(), format, URI.create(url), secret, Set.of(), Set.of(), Set.of());
    }

    static CallAlert alert(AlertState state) {
        return CallAlert.newBuilder()
                .setAlertId("episode-1")
                .setTenantId("acct-1")
                .setVendor("ucpaas")
                .setState(state)
                .setEventTime(
                        Instant.parse(state == AlertState.RAISED ? "2026-12-02T07:59:00Z" : "2026-12-02T08:10:00Z"))
                .setWindowStart(Instant.parse("2026-12-02T07:54:00Z"))
                .setWindowEnd(Instant.parse("2026-12-02T07:59:00Z"))
                .setAttempts(40)
                .setFailures(25)
                .setFailureRate(0.625)
                .setBaselineRate(0.1)
                .setThreshold(0.3)
                .setBaselineFactor(2.0)
                .setTopCategories(List.of(
                        new CategoryCount(FailureCategory.NETWORK_ERROR, 20L),
                        new CategoryCount(FailureCategory.UNREACHABLE, 5L)))
                .setMessage("ucpaas failure rate 62.5% over 5 minutes")
                .build();
    }

    private static String python(String script, String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/python3", "-c", script));
        command.addAll(List.of(arguments));
        BoundedProcess.Result result =
                BoundedProcess.run(new ProcessBuilder(command).redirectErrorStream(true), Duration.ofSeconds(30));
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output().trim();
    }
}
