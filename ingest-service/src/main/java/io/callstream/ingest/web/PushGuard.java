package io.callstream.ingest.web;

import io.callstream.ingest.config.IngestConfig;
import io.callstream.ingest.vendor.VendorAdapter;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides who may push. On loopback (the embedded default) anyone local may; bound elsewhere, every
 * vendor must have a shared secret configured (start-up fails otherwise). A configured secret must
 * be presented (path segment or {@code X-Callstream-Secret}) and is compared in constant time; a
 * configured allow-list must contain the peer address.
 */
@Singleton
final class PushGuard {

    static final int UNAUTHORIZED = 401;
    static final int FORBIDDEN = 403;

    private final Map<String, byte[]> secrets;
    private final Map<String, List<Cidr>> allowed;

    PushGuard(
            IngestConfig config,
            List<VendorAdapter> adapters,
            @Value("${micronaut.server.host:127.0.0.1}") String host) {
        this.secrets = config.secrets().entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> bytes(e.getValue())));
        this.allowed = config.allowedCidrs().entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(
                        Map.Entry::getKey,
                        e -> Arrays.stream(e.getValue().split(","))
                                .filter(cidr -> !cidr.isBlank())
                                .map(Cidr::parse)
                                .toList()));
        if (!isLoopback(host)) {
            List<String> unprotected = adapters.stream()
                    .map(VendorAdapter::vendor)
                    .filter(vendor -> !secrets.containsKey(vendor))
                    .sorted()
                    .toList();
            if (!unprotected.isEmpty()) {
                throw new IllegalStateException("The ingest service listens on " + host
                        + ", not loopback: configure callstream.ingest.secrets.<vendor> for " + unprotected);
            }
        }
    }

    /** The refusal status (401 or 403) for this push, or empty when it may be accepted. */
    Optional<Integer> refuse(String vendor, String presentedSecret, String remoteAddress) {
        List<Cidr> blocks = allowed.getOrDefault(vendor, List.of());
        if (!blocks.isEmpty() && blocks.stream().noneMatch(block -> block.contains(remoteAddress))) {
            return Optional.of(FORBIDDEN);
        }
        byte[] expected = secrets.get(vendor);
        if (expected != null && (presentedSecret == null || !MessageDigest.isEqual(expected, bytes(presentedSecret)))) {
            return Optional.of(UNAUTHORIZED);
        }
        return Optional.empty();
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static byte[] bytes(String secret) {
        return secret.getBytes(StandardCharsets.UTF_8);
    }
}
