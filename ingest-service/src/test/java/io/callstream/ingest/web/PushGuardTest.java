package io.callstream.ingest.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.callstream.ingest.config.IngestConfig;
import io.callstream.ingest.vendor.PushRequest;
import io.callstream.ingest.vendor.VendorAdapter;
import io.callstream.ingest.vendor.winnerlook.WinnerlookAdapter;
import io.callstream.ingest.vendor.ytx.YtxAdapter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PushGuardTest {

    static final List<VendorAdapter> ADAPTERS = List.of(new YtxAdapter(), new WinnerlookAdapter());
    static final String YTX_SECRET = "0123456789abcdef0123";
    static final String WINNERLOOK_SECRET = "fedcba9876543210fedc";

    @Test
    void shouldLetAnyLocalPushThroughOnLoopbackWithoutConfiguration() {
        PushGuard guard = new PushGuard(config(Map.of(), Map.of(), ""), ADAPTERS, "127.0.0.1");

        assertThat(status(guard, "ytx", null, "127.0.0.1", "127.0.0.1:8090", null))
                .isEmpty();
        assertThat(status(guard, "ytx", null, "127.0.0.1", "localhost", null)).isEmpty();
        assertThat(status(guard, "ytx", null, "::1", "[::1]:8090", null)).isEmpty();
    }

    @Test
    void shouldRefuseForeignHostNamesOnLoopback() {
        PushGuard guard = new PushGuard(config(Map.of(), Map.of(), ""), ADAPTERS, "127.0.0.1");

        assertThat(status(guard, "ytx", null, "127.0.0.1", "attacker.example:8090", null))
                .contains(403);
        assertThat(status(guard, "ytx", null, "127.0.0.1", "127.0.0.1.nip.io", null))
                .contains(403);
    }

    @Test
    void shouldRequireTheConfiguredSecret() {
        PushGuard guard = new PushGuard(config(Map.of("ytx", YTX_SECRET), Map.of(), ""), ADAPTERS, "127.0.0.1");

        assertThat(status(guard, "ytx", null, "127.0.0.1", null, null)).contains(401);
        assertThat(status(guard, "ytx", "", "127.0.0.1", null, null)).contains(401);
        assertThat(status(guard, "ytx", YTX_SECRET.substring(1), "127.0.0.1", null, null))
                .contains(401);
        assertThat(status(guard, "ytx", YTX_SECRET + "!", "127.0.0.1", null, null))
                .contains(401);
        assertThat(status(guard, "ytx", YTX_SECRET, "127.0.0.1", null, null)).isEmpty();
        assertThat(status(guard, "winnerlook", null, "127.0.0.1", null, null)).isEmpty();
    }

    @Test
    void shouldRefuseAddressesOutsideTheAllowList() {
        PushGuard guard = new PushGuard(
                config(Map.of(), Map.of("winnerlook", "10.1.0.0/16, 2001:db8::/32"), ""), ADAPTERS, "127.0.0.1");

        assertThat(status(guard, "winnerlook", null, "10.1.200.3", null, null)).isEmpty();
        assertThat(status(guard, "winnerlook", null, "2001:db8:0:1::5", null, null))
                .isEmpty();
        assertThat(status(guard, "winnerlook", null, "10.2.0.1", null, null)).contains(403);
        assertThat(status(guard, "winnerlook", null, "not-an-ip", null, null)).contains(403);
    }

    @Test
    void shouldTakeTheClientFromForwardedForOnlyBehindATrustedProxy() {
        PushGuard guard = new PushGuard(
                config(Map.of(), Map.of("winnerlook", "198.51.100.0/24"), "10.0.0.0/8"), ADAPTERS, "127.0.0.1");

        assertThat(status(guard, "winnerlook", null, "10.0.0.5", null, "198.51.100.7"))
                .isEmpty();
        assertThat(status(guard, "winnerlook", null, "10.0.0.5", null, "198.51.100.7, 10.0.0.9"))
                .isEmpty();
        // A client cannot forge its way in by prepending an allowed address.
        assertThat(status(guard, "winnerlook", null, "10.0.0.5", null, "198.51.100.7, 203.0.113.1"))
                .contains(403);
        // An untrusted peer's header is ignored.
        assertThat(status(guard, "winnerlook", null, "203.0.113.1", null, "198.51.100.7"))
                .contains(403);
    }

    @Test
    void shouldRefuseToStartOffLoopbackUnlessEveryVendorHasASecret() {
        assertThatThrownBy(() -> new PushGuard(config(Map.of("ytx", YTX_SECRET), Map.of(), ""), ADAPTERS, "0.0.0.0"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("callstream.ingest.secrets.<vendor> for [winnerlook]");

        PushGuard guarded = new PushGuard(
                config(Map.of("ytx", YTX_SECRET, "winnerlook", WINNERLOOK_SECRET), Map.of(), ""), ADAPTERS, "0.0.0.0");
        assertThat(status(guarded, "winnerlook", WINNERLOOK_SECRET, "192.0.2.1", "ingest.example.com", null))
                .isEmpty();
    }

    @ParameterizedTest(name = "secret \"{0}\" is refused")
    @CsvSource({
        "''",
        "short-secret",
        "change-me-winnerlook-secret",
        "my-example-token-1234",
        "CHANGEME1234567890",
        "placeholder-0123456789"
    })
    void shouldRefuseShortAndPlaceholderSecretsAtStartUp(String secret) {
        assertThatThrownBy(() -> new PushGuard(config(Map.of("ytx", secret), Map.of(), ""), ADAPTERS, "127.0.0.1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("callstream.ingest.secrets.ytx");
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
        "10.0.0.0/8, 10.255.1.1, true",
        "10.0.0.0/8, 11.0.0.1, false",
        "192.168.1.128/25, 192.168.1.200, true",
        "192.168.1.128/25, 192.168.1.100, false",
        "203.0.113.7, 203.0.113.7, true",
        "0.0.0.0/0, 198.51.100.1, true",
        "2001:db8::/32, 10.0.0.1, false"
    })
    void shouldMatchCidrBlocks(String block, String address, boolean contained) {
        assertThat(Cidr.parse(block).contains(address)).isEqualTo(contained);
    }

    private static Optional<Integer> status(
            PushGuard guard, String vendor, String secret, String peer, String host, String forwardedFor) {
        Map<String, String> headers = new HashMap<>();
        if (host != null) {
            headers.put("host", host);
        }
        if (forwardedFor != null) {
            headers.put("x-forwarded-for", forwardedFor);
        }
        PushRequest request = new PushRequest(
                "e1", vendor, "/webhooks/" + vendor, "", headers, "application/json", new byte[0], peer, Instant.now());
        return guard.refuse(request, secret).map(PushGuard.Refusal::status);
    }

    private static IngestConfig config(Map<String, String> secrets, Map<String, String> cidrs, String proxies) {
        return new IngestConfig(
                "k:9092", "http://r", Duration.ofSeconds(1), 1024, "default", Map.of(), secrets, cidrs, proxies);
    }
}
