package io.callstream.ingest.config;

import io.callstream.ingest.vendor.VendorContext;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;

/**
 * The ingest service's settings ({@code callstream.ingest.*}), validated at start-up. The defaults
 * run the embedded mode with no configuration at all.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param schemaRegistryUrl the schema registry for the Avro serializer
 * @param publishTimeout how long a push may wait for Kafka to acknowledge it before the vendor is
 *     answered 503 (vendors time out at about 5 s)
 * @param maxBodyBytes larger bodies are refused with 413
 * @param defaultTenant the tenant of pushes that name none
 * @param zones per vendor, the zone of its local time strings (default Asia/Shanghai)
 * @param secrets per vendor, the shared secret a push must present (path segment or header
 *     X-Callstream-Secret); required for every vendor when the server is not bound to loopback
 * @param allowedCidrs per vendor, comma-separated CIDR blocks pushes may come from (empty: any)
 * @param trustedProxies comma-separated CIDR blocks of reverse proxies whose {@code
 *     X-Forwarded-For} names the client for the allow-lists (empty: the peer is the client)
 */
@ConfigurationProperties("callstream.ingest")
public record IngestConfig(
        @Bindable(defaultValue = "127.0.0.1:9092") String bootstrapServers,
        @Bindable(defaultValue = "http://127.0.0.1:8081") String schemaRegistryUrl,
        @Bindable(defaultValue = "3s") Duration publishTimeout,
        @Bindable(defaultValue = "262144") int maxBodyBytes,
        @Bindable(defaultValue = "default") String defaultTenant,
        Map<String, String> zones,
        Map<String, String> secrets,
        Map<String, String> allowedCidrs,
        @Bindable(defaultValue = "") String trustedProxies) {

    public IngestConfig {
        trustedProxies = trustedProxies == null ? "" : trustedProxies;
        zones = zones == null ? Map.of() : Map.copyOf(zones);
        secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
        allowedCidrs = allowedCidrs == null ? Map.of() : Map.copyOf(allowedCidrs);
        if (publishTimeout.isNegative() || publishTimeout.isZero()) {
            throw new IllegalArgumentException("callstream.ingest.publish-timeout must be positive");
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("callstream.ingest.max-body-bytes must be positive");
        }
        zones.forEach((vendor, zone) -> ZoneId.of(zone));
    }

    /** The settings a vendor's adapter sees. */
    public VendorContext contextFor(String vendor) {
        return new VendorContext(
                zones.containsKey(vendor) ? ZoneId.of(zones.get(vendor)) : VendorContext.BEIJING, defaultTenant);
    }
}
