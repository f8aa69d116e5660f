package io.callstream.ingest.web;

import io.callstream.ingest.config.IngestConfig;
import io.callstream.ingest.vendor.PushRequest;
import io.callstream.ingest.vendor.VendorAdapter;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides who may push. Bound to loopback (the embedded default) anyone local may, but only under a
 * loopback {@code Host} (a page that rebinds its own name to 127.0.0.1 is refused); bound elsewhere,
 * every vendor must have a shared secret configured (start-up fails otherwise). Secrets are at
 * least {@value #MIN_SECRET_LENGTH} characters and not a placeholder; a configured secret must be
 * presented (path segment or {@code X-Callstream-Secret}) and is compared in constant time. A
 * configured allow-list must contain the client's address: the peer's, or, when the peer is a
 * trusted proxy, the nearest untrusted address of {@code X-Forwarded-For}.
 */
@Context // created at start-up, so a bad secret stops the service instead of failing pushes
final class PushGuard {

    static final int UNAUTHORIZED = 401;
    static final int FORBIDDEN = 403;
    static final int MIN_SECRET_LENGTH = 16;
    /** Words of example values: a secret containing one was copied from documentation. */
    private static final List<String> PLACEHOLDERS =
            List.of("change-me", "changeme", "replace-me", "placeholder", "example");

    /** Why a push is refused: the status and a reason that reveals nothing about the secret. */
    record Refusal(int status, String reason) {}

    private final Map<String, byte[]> secrets;
    private final Map<String, List<Cidr>> allowed;
    private final List<Cidr> trustedProxies;
    private final boolean loopback;

    PushGuard(
            IngestConfig config,
            List<VendorAdapter> adapters,
            @Value("${micronaut.server.host:127.0.0.1}") String host) {
        config.secrets().forEach(PushGuard::checkSecret);
        this.secrets = config.secrets().entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> bytes(e.getValue())));
        this.allowed = config.allowedCidrs().entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> blocks(e.getValue())));
        this.trustedProxies = blocks(config.trustedProxies());
        this.loopback = isLoopback(host);
        if (!loopback) {
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

    /** Why this push is refused (401 or 403), or empty when it may be accepted. */
    Optional<Refusal> refuse(PushRequest request, String presentedSecret) {
        if (loopback && !isLoopbackHost(request.headers().get("host"))) {
            return Optional.of(new Refusal(FORBIDDEN, "host not allowed"));
        }
        List<Cidr> blocks = allowed.getOrDefault(request.vendor(), List.of());
        String client = clientAddress(request.remoteAddress(), request.headers().get("x-forwarded-for"));
        if (!blocks.isEmpty() && blocks.stream().noneMatch(block -> block.contains(client))) {
            return Optional.of(new Refusal(FORBIDDEN, "address not allowed"));
        }
        byte[] expected = secrets.get(request.vendor());
        if (expected != null && (presentedSecret == null || !MessageDigest.isEqual(expected, bytes(presentedSecret)))) {
            return Optional.of(new Refusal(UNAUTHORIZED, "missing or wrong secret"));
        }
        return Optional.empty();
    }

    /**
     * The address a push comes from: the peer, unless the peer is a trusted proxy; then the
     * right-most {@code X-Forwarded-For} entry that is not itself a trusted proxy.
     */
    String clientAddress(String peer, String forwardedFor) {
        if (forwardedFor == null || trustedProxies.stream().noneMatch(proxy -> proxy.contains(peer))) {
            return peer;
        }
        List<String> hops = Arrays.stream(forwardedFor.split(","))
                .map(String::trim)
                .filter(hop -> !hop.isEmpty())
                .toList();
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (trustedProxies.stream().noneMatch(proxy -> proxy.contains(hop))) {
                return hop;
            }
        }
        return peer;
    }

    private static void checkSecret(String vendor, String secret) {
        String lower = secret == null ? "" : secret.toLowerCase(Locale.ROOT);
        if (lower.length() < MIN_SECRET_LENGTH) {
            throw new IllegalStateException("callstream.ingest.secrets." + vendor + " must have at least "
                    + MIN_SECRET_LENGTH + " characters (e.g. openssl rand -hex 16)");
        }
        if (PLACEHOLDERS.stream().anyMatch(lower::contains)) {
            throw new IllegalStateException("callstream.ingest.secrets." + vendor
                    + " is a placeholder value; generate one (e.g. openssl rand -hex 16)");
        }
    }

    private static List<Cidr> blocks(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(","))
                .filter(cidr -> !cidr.isBlank())
                .map(Cidr::parse)
                .toList();
    }

    /** A Host header naming this machine's loopback (any port), or none (HTTP/1.0). */
    static boolean isLoopbackHost(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return true;
        }
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close > 0 && host.substring(1, close).equals("::1");
        }
        int colon = host.indexOf(':');
        String name = colon < 0 ? host : host.substring(0, colon);
        return name.equals("localhost") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
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
