package io.callstream.registry.client;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach the schema registry, read from Confluent's configuration names so existing client
 * configuration works unchanged.
 *
 * @param urls {@code schema.registry.url}: one or more base URLs, comma-separated; tried in turn
 * @param userInfo {@code basic.auth.user.info} ({@code user:password}) when {@code
 *     basic.auth.credentials.source} is USER_INFO, or the user info of the URL when it is URL
 * @param maxRetries {@code max.retries}: retries of a transient failure (unreachable, 408, 429, 5xx)
 * @param retryWait {@code retries.wait.ms}: the first backoff, doubled on each retry
 * @param maxRetryWait {@code retries.max.wait.ms}: the backoff cap
 * @param connectTimeout {@code http.connect.timeout.ms}
 * @param requestTimeout {@code http.read.timeout.ms}
 * @param latestCacheTtl {@code latest.cache.ttl.sec}: how long a looked-up latest version is reused
 */
public record RegistryClientConfig(
        List<URI> urls,
        Optional<String> userInfo,
        int maxRetries,
        Duration retryWait,
        Duration maxRetryWait,
        Duration connectTimeout,
        Duration requestTimeout,
        Duration latestCacheTtl) {

    public static final String URL = "schema.registry.url";
    public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String USER_INFO = "basic.auth.user.info";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";

    public RegistryClientConfig {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException(URL + " must name at least one registry URL");
        }
        urls = List.copyOf(urls);
    }

    /** Reads the configuration from a Kafka-style config map (values may be strings or typed). */
    public static RegistryClientConfig from(Map<String, ?> configs) {
        ConfigValues values = new ConfigValues(configs);
        List<URI> urls = Arrays.stream(values.string(URL, "").split(","))
                .map(String::trim)
                .filter(url -> !url.isEmpty())
                .map(RegistryClientConfig::parseUrl)
                .toList();
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("Missing required configuration '" + URL + "'");
        }
        return new RegistryClientConfig(
                urls,
                userInfo(values, urls.getFirst()),
                values.integer(MAX_RETRIES, 3),
                Duration.ofMillis(values.integer(RETRIES_WAIT_MS, 200)),
                Duration.ofMillis(values.integer(RETRIES_MAX_WAIT_MS, 5_000)),
                Duration.ofMillis(values.integer(CONNECT_TIMEOUT_MS, 10_000)),
                Duration.ofMillis(values.integer(READ_TIMEOUT_MS, 30_000)),
                Duration.ofSeconds(values.integer(LATEST_CACHE_TTL_SEC, 60)));
    }

    /** A configuration with defaults for everything but the URL. */
    public static RegistryClientConfig of(String url) {
        return from(Map.of(URL, url));
    }

    private static Optional<String> userInfo(ConfigValues values, URI firstUrl) {
        String source = values.string(CREDENTIALS_SOURCE, "URL");
        return switch (source.toUpperCase(java.util.Locale.ROOT)) {
            case "USER_INFO" ->
                Optional.of(values.string(USER_INFO, ""))
                        .filter(info -> !info.isEmpty())
                        .or(() -> {
                            throw new IllegalArgumentException(
                                    CREDENTIALS_SOURCE + "=USER_INFO requires '" + USER_INFO + "'");
                        });
            case "URL" -> Optional.ofNullable(firstUrl.getUserInfo());
            default ->
                throw new IllegalArgumentException(
                        "Unsupported " + CREDENTIALS_SOURCE + " '" + source + "'; use USER_INFO or URL");
        };
    }

    private static URI parseUrl(String url) {
        URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        if (uri.getScheme() == null || uri.getHost() == null && !"mock".equals(uri.getScheme())) {
            throw new IllegalArgumentException("Invalid schema registry URL '" + url + "'");
        }
        return uri;
    }
}
