package io.callstream.platform.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callstream.schema.AlertKind;
import io.callstream.schema.AlertState;
import io.callstream.schema.CallAlert;
import io.callstream.schema.CategoryCount;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What one receiver is sent for one alert transition: the URL (signed, for DingTalk), the JSON
 * body in the receiver's format and the idempotency key ({@code <alertId>:<state>}, the same on
 * every delivery of the transition, for receivers that de-duplicate).
 */
public record Deliveries(URI url, String body, String idempotencyKey) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The delivery of {@code alert} to {@code receiver}, signed at {@code now} where the format signs. */
    public static Deliveries of(Receiver receiver, CallAlert alert, String dashboardUrl, Instant now) {
        String key = alert.getAlertId() + ":" + alert.getState();
        String text = text(alert, dashboardUrl);
        return switch (receiver.format()) {
            case WEBHOOK -> new Deliveries(receiver.url(), webhook(alert, text, dashboardUrl, key), key);
            case ALERTMANAGER -> new Deliveries(receiver.url(), alertmanager(receiver, alert, text, dashboardUrl), key);
            case DINGTALK -> new Deliveries(dingTalkUrl(receiver, now), dingTalk(alert, text), key);
            case WECOM -> new Deliveries(receiver.url(), weCom(text), key);
            case FEISHU -> new Deliveries(receiver.url(), feishu(receiver, text, now), key);
        };
    }

    /** The fraud signals, as a message names them. */
    private static final Map<AlertKind, String> FRAUD = Map.of(
            AlertKind.SHORT_CALLS, "a burst of short calls",
            AlertKind.NEW_DESTINATIONS, "calls to destinations never seen",
            AlertKind.SPEND, "spend far above its baseline");

    /** The readable message: what, where, the evidence, the top categories, example calls, the dashboard link. */
    static String text(CallAlert alert, String dashboardUrl) {
        boolean raised = alert.getState() == AlertState.RAISED;
        StringBuilder out = new StringBuilder();
        out.append(raised ? "[RAISED] " : "[CLEARED] ");
        if (alert.getKind() == AlertKind.SILENCE) {
            out.append(raised ? "No pushes from " : "Pushes again from ")
                    .append(alert.getVendor())
                    .append(" for tenant ")
                    .append(alert.getTenantId())
                    .append('\n');
            if (raised && alert.getExpectedAttempts() != null) {
                out.append(String.format(
                                Locale.ROOT,
                                "No push between %s and %s, about %.0f calls expected at the rate before",
                                alert.getWindowStart(),
                                alert.getWindowEnd(),
                                alert.getExpectedAttempts()))
                        .append('\n');
            }
        } else if (FRAUD.containsKey(alert.getKind())) {
            out.append(raised ? "Possible fraud: " : "Back to normal: ")
                    .append(FRAUD.get(alert.getKind()))
                    .append(" on ")
                    .append(alert.getVendor())
                    .append(" calls of tenant ")
                    .append(alert.getTenantId())
                    .append('\n');
            if (!alert.getPrefixes().isEmpty()) {
                out.append("New destination prefixes: ")
                        .append(String.join(", ", alert.getPrefixes()))
                        .append('\n');
            }
            if (alert.getAmount() != null) {
                out.append("Amount billed: ")
                        .append(alert.getAmount().setScale(2, RoundingMode.HALF_UP))
                        .append(
                                alert.getBaselineAmount() == null
                                        ? ""
                                        : " (baseline "
                                                + alert.getBaselineAmount().setScale(2, RoundingMode.HALF_UP)
                                                + ")")
                        .append('\n');
            }
        } else if (alert.getKind() == AlertKind.UNKNOWN) {
            // a kind newer than this notifier: its own message says what it is
            out.append("Alert for ")
                    .append(alert.getVendor())
                    .append(" calls of tenant ")
                    .append(alert.getTenantId())
                    .append('\n');
        } else {
            boolean finals = alert.getKind() == AlertKind.MISSING_FINALS;
            out.append(finals ? "Share of " : "Failure rate of ")
                    .append(alert.getVendor())
                    .append(" calls for tenant ")
                    .append(alert.getTenantId())
                    .append(finals ? " without a final push" : "")
                    .append(raised ? " is abnormal" : " is back to normal")
                    .append('\n');
            out.append(String.format(
                    Locale.ROOT,
                    finals
                            ? "%.1f%% of %d calls got no final push (%d) between %s and %s"
                            : "%.1f%% of %d calls failed (%d) between %s and %s",
                    alert.getFailureRate() * 100,
                    alert.getAttempts(),
                    alert.getFailures(),
                    alert.getWindowStart(),
                    alert.getWindowEnd()));
            out.append(String.format(Locale.ROOT, "; threshold %.0f%%", alert.getThreshold() * 100));
            if (alert.getBaselineRate() != null) {
                out.append(String.format(
                        Locale.ROOT,
                        ", baseline %.1f%% (x%.1f)",
                        alert.getBaselineRate() * 100,
                        alert.getBaselineFactor()));
            }
            out.append('\n');
        }
        if (!alert.getTopCategories().isEmpty()) {
            out.append("Top failures: ")
                    .append(alert.getTopCategories().stream()
                            .map(count -> count.getCategory() + " " + count.getCount())
                            .collect(Collectors.joining(", ")))
                    .append('\n');
        }
        out.append(alert.getMessage()).append('\n');
        if (!alert.getExampleCallIds().isEmpty()) {
            out.append("Example calls: ")
                    .append(String.join(", ", alert.getExampleCallIds()))
                    .append('\n');
        }
        out.append("Dashboard: ").append(dashboardUrl).append("#alerts");
        return out.toString();
    }

    /** The Alertmanager alert name of an alert's kind. */
    static String alertName(CallAlert alert) {
        return switch (alert.getKind()) {
            case SILENCE -> "CallstreamTenantSilence";
            case MISSING_FINALS -> "CallstreamTenantMissingFinals";
            case FAILURE_RATE -> "CallstreamTenantFailureRate";
            case SHORT_CALLS -> "CallstreamTenantShortCalls";
            case NEW_DESTINATIONS -> "CallstreamTenantNewDestinations";
            case SPEND -> "CallstreamTenantSpend";
            case UNKNOWN -> "CallstreamTenantAlert";
        };
    }

    private static String webhook(CallAlert alert, String text, String dashboardUrl, String key) {
        ObjectNode body = JSON.createObjectNode();
        body.put("idempotencyKey", key);
        body.put("alertId", alert.getAlertId());
        body.put("kind", alert.getKind().name());
        body.put("severity", Receiver.severity(alert));
        body.put("state", alert.getState().name());
        body.put("tenantId", alert.getTenantId());
        body.put("vendor", alert.getVendor());
        body.put("eventTime", alert.getEventTime().toString());
        body.put("windowStart", alert.getWindowStart().toString());
        body.put("windowEnd", alert.getWindowEnd().toString());
        body.put("attempts", alert.getAttempts());
        body.put("failures", alert.getFailures());
        body.put("failureRate", alert.getFailureRate());
        if (alert.getBaselineRate() != null) {
            body.put("baselineRate", alert.getBaselineRate());
        } else {
            body.putNull("baselineRate");
        }
        body.put("threshold", alert.getThreshold());
        if (alert.getExpectedAttempts() != null) {
            body.put("expectedAttempts", alert.getExpectedAttempts());
        }
        ArrayNode categories = body.putArray("topCategories");
        for (CategoryCount count : alert.getTopCategories()) {
            categories.addObject().put("category", count.getCategory().name()).put("calls", count.getCount());
        }
        body.put("message", text);
        body.put("dashboardUrl", dashboardUrl + "#alerts");
        return body.toString();
    }

    /** Alertmanager's webhook payload (version 4) for one alert: firing when raised, resolved when cleared. */
    private static String alertmanager(Receiver receiver, CallAlert alert, String text, String dashboardUrl) {
        boolean firing = alert.getState() == AlertState.RAISED;
        ObjectNode labels = JSON.createObjectNode();
        labels.put("alertname", alertName(alert));
        labels.put("severity", Receiver.severity(alert));
        labels.put("tenant", alert.getTenantId());
        labels.put("vendor", alert.getVendor());
        ObjectNode annotations = JSON.createObjectNode();
        annotations.put("summary", text.lines().findFirst().orElse(""));
        annotations.put("description", text);
        ObjectNode body = JSON.createObjectNode();
        body.put("version", "4");
        body.put(
                "groupKey",
                "{}:{alertname=\"" + alertName(alert) + "\", tenant=\"" + alert.getTenantId() + "\", vendor=\""
                        + alert.getVendor() + "\"}");
        body.put("truncatedAlerts", 0);
        body.put("status", firing ? "firing" : "resolved");
        body.put("receiver", receiver.name());
        body.set("groupLabels", labels.deepCopy());
        body.set("commonLabels", labels.deepCopy());
        body.set("commonAnnotations", annotations.deepCopy());
        body.put("externalURL", dashboardUrl);
        ObjectNode one = body.putArray("alerts").addObject();
        one.put("status", firing ? "firing" : "resolved");
        one.set("labels", labels);
        one.set("annotations", annotations);
        // the episode's start is the RAISED transition's event time; CLEARED carries its own
        one.put("startsAt", (firing ? alert.getEventTime() : alert.getWindowStart()).toString());
        one.put("endsAt", firing ? "0001-01-01T00:00:00Z" : alert.getEventTime().toString());
        one.put("generatorURL", dashboardUrl + "#alerts");
        one.put("fingerprint", HexFormat.of().formatHex(sha256(alert.getAlertId()), 0, 8));
        return body.toString();
    }

    private static String dingTalk(CallAlert alert, String text) {
        ObjectNode body = JSON.createObjectNode();
        body.put("msgtype", "markdown");
        ObjectNode markdown = body.putObject("markdown");
        markdown.put("title", text.lines().findFirst().orElse("callstream alert"));
        markdown.put("text", markdown(text));
        return body.toString();
    }

    /**
     * DingTalk's signed URL: {@code &timestamp=<ms>&sign=<urlencoded base64 HMAC-SHA256 of
     * "timestamp\nsecret" keyed by the secret>}; the URL as configured when there is no secret.
     */
    static URI dingTalkUrl(Receiver receiver, Instant now) {
        if (receiver.secret() == null || receiver.secret().isEmpty()) {
            return receiver.url();
        }
        String timestamp = Long.toString(now.toEpochMilli());
        String sign = Base64.getEncoder()
                .encodeToString(hmacSha256(
                        receiver.secret().getBytes(StandardCharsets.UTF_8),
                        (timestamp + "\n" + receiver.secret()).getBytes(StandardCharsets.UTF_8)));
        String url = receiver.url().toString();
        return URI.create(url + (url.contains("?") ? "&" : "?") + "timestamp=" + timestamp + "&sign="
                + URLEncoder.encode(sign, StandardCharsets.UTF_8));
    }

    private static String weCom(String text) {
        ObjectNode body = JSON.createObjectNode();
        body.put("msgtype", "markdown");
        body.putObject("markdown").put("content", markdown(text));
        return body.toString();
    }

    /**
     * Feishu's text message; with a secret, {@code timestamp} (seconds) and {@code sign}: the
     * base64 HMAC-SHA256 of an empty message keyed by {@code "timestamp\nsecret"}.
     */
    private static String feishu(Receiver receiver, String text, Instant now) {
        ObjectNode body = JSON.createObjectNode();
        if (receiver.secret() != null && !receiver.secret().isEmpty()) {
            String timestamp = Long.toString(now.getEpochSecond());
            body.put("timestamp", timestamp);
            body.put("sign", feishuSign(timestamp, receiver.secret()));
        }
        body.put("msg_type", "text");
        body.putObject("content").put("text", text);
        return body.toString();
    }

    static String feishuSign(String timestamp, String secret) {
        return Base64.getEncoder()
                .encodeToString(hmacSha256((timestamp + "\n" + secret).getBytes(StandardCharsets.UTF_8), new byte[0]));
    }

    /** The first line as a heading, the rest as lines (two spaces end a markdown line). */
    private static String markdown(String text) {
        String[] lines = text.split("\n");
        StringBuilder out = new StringBuilder("### ").append(lines[0]).append("\n");
        for (int i = 1; i < lines.length; i++) {
            out.append(lines[i]).append("  \n");
        }
        return out.toString();
    }

    private static byte[] hmacSha256(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
