package io.callstream.ingest.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.callstream.ingest.config.IngestConfig;
import io.callstream.ingest.vendor.VendorAdapter;
import io.callstream.ingest.vendor.winnerlook.WinnerlookAdapter;
import io.callstream.ingest.vendor.ytx.YtxAdapter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PushGuardTest {

    static final List<VendorAdapter> ADAPTERS = List.of(new YtxAdapter(), new WinnerlookAdapter());

    @Test
    void shouldLetAnyLocalPushThroughOnLoopbackWithoutConfiguration() {
        PushGuard guard = new PushGuard(config(Map.of(), Map.of()), ADAPTERS, "127.0.0.1");

        assertThat(guard.refuse("ytx", null, "127.0.0.1")).isEmpty();
    }

    @Test
    void shouldRequireTheConfiguredSecretWhereverItIsSet() {
        PushGuard guard = new PushGuard(config(Map.of("ytx", "s3cret"), Map.of()), ADAPTERS, "127.0.0.1");

        assertThat(guard.refuse("ytx", null, "127.0.0.1")).contains(401);
        assertThat(guard.refuse("ytx", "s3cre", "127.0.0.1")).contains(401);
        assertThat(guard.refuse("ytx", "s3cret!", "127.0.0.1")).contains(401);
        assertThat(guard.refuse("ytx", "s3cret", "127.0.0.1")).isEmpty();
        assertThat(guard.refuse("winnerlook", null, "127.0.0.1")).isEmpty();
    }

    @Test
    void shouldRefuseAddressesOutsideTheAllowList() {
        PushGuard guard = new PushGuard(
                config(Map.of(), Map.of("winnerlook", "10.1.0.0/16, 2001:db8::/32")), ADAPTERS, "127.0.0.1");

        assertThat(guard.refuse("winnerlook", null, "10.1.200.3")).isEmpty();
        assertThat(guard.refuse("winnerlook", null, "2001:db8:0:1::5")).isEmpty();
        assertThat(guard.refuse("winnerlook", null, "10.2.0.1")).contains(403);
        assertThat(guard.refuse("winnerlook", null, "not-an-ip")).contains(403);
    }

    @Test
    void shouldRefuseToStartOffLoopbackUnlessEveryVendorHasASecret() {
        assertThatThrownBy(() -> new PushGuard(config(Map.of("ytx", "s"), Map.of()), ADAPTERS, "0.0.0.0"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("callstream.ingest.secrets.<vendor> for [winnerlook]");

        PushGuard guarded = new PushGuard(config(Map.of("ytx", "s", "winnerlook", "t"), Map.of()), ADAPTERS, "0.0.0.0");
        assertThat(guarded.refuse("winnerlook", "t", "192.0.2.1")).isEmpty();
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

    private static IngestConfig config(Map<String, String> secrets, Map<String, String> cidrs) {
        return new IngestConfig("k:9092", "http://r", Duration.ofSeconds(1), 1024, "default", Map.of(), secrets, cidrs);
    }
}
