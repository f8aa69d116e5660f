package io.callstream.platform.notify;

import io.callstream.schema.CallAlert;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Where alert transitions are delivered, in which format, and which of them.
 *
 * @param name unique; names the receiver's committed progress ({@code callstream-notify-<name>})
 * @param format the body (and signature) the receiver expects
 * @param url where transitions are POSTed
 * @param secret DingTalk's or Feishu's signing secret (optional; null: unsigned)
 * @param tenants only these tenants (empty: all)
 * @param vendors only these vendors (empty: all)
 * @param severities only these severities (empty: all): failure-rate alerts are {@code warning},
 *     silence alerts {@code critical} (nothing of the pair is seen, billed or checked)
 */
public record Receiver(
        String name,
        Format format,
        URI url,
        String secret,
        Set<String> tenants,
        Set<String> vendors,
        Set<String> severities) {

    /** The formats receivers take. */
    public enum Format {
        /** callstream's own JSON: the transition's fields, the message and the dashboard link. */
        WEBHOOK,
        /** Prometheus Alertmanager's webhook payload (version 4), as Alertmanager sends it. */
        ALERTMANAGER,
        /** A DingTalk (钉钉) group robot: a markdown message, signed when the robot has a secret. */
        DINGTALK,
        /** A WeCom (企业微信) group robot: a markdown message; the key is in the URL. */
        WECOM,
        /** A Feishu/Lark (飞书) custom bot: a text message, signed when the bot has a secret. */
        FEISHU;

        static Format parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "receiver type " + text + ": use webhook, alertmanager, dingtalk, wecom or feishu");
            }
        }
    }

    public Receiver {
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("receiver name '" + name + "': letters, digits, '.', '_' or '-' only");
        }
        if (url == null || url.getScheme() == null || !url.getScheme().matches("https?")) {
            throw new IllegalArgumentException("receiver " + name + ": url must be http(s), not " + url);
        }
        tenants = Set.copyOf(tenants);
        vendors = Set.copyOf(vendors);
        severities = Set.copyOf(severities);
    }

    /** The severity of an alert's kind: critical for silence, new destinations and spend (money at stake). */
    static String severity(CallAlert alert) {
        return switch (alert.getKind()) {
            case SILENCE, NEW_DESTINATIONS, SPEND -> "critical";
            default -> "warning";
        };
    }

    /** Whether this receiver wants the transition. */
    public boolean wants(CallAlert alert) {
        return (tenants.isEmpty() || tenants.contains(alert.getTenantId()))
                && (vendors.isEmpty() || vendors.contains(alert.getVendor()))
                && (severities.isEmpty() || severities.contains(severity(alert)));
    }
}
