package io.callstream.platform.sql;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The loopback API of a running {@code ./callstream up} (served beside its dashboard), for the
 * commands that work through the platform when it runs and on its files when it does not.
 */
public final class PlatformApi {

    private final String baseUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** @param dashboardUrl where the platform serves its dashboard */
    public PlatformApi(String dashboardUrl) {
        this.baseUrl = dashboardUrl.endsWith("/") ? dashboardUrl : dashboardUrl + "/";
    }

    public String baseUrl() {
        return baseUrl;
    }

    /**
     * POSTs {@code body} to {@code path}; empty when no platform answers there (nothing listens).
     *
     * @throws SqlClient.SqlException when a platform is there but cannot be talked to
     */
    public Optional<HttpResponse<String>> post(String path, String contentType, String body) {
        try {
            return Optional.of(http.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + path))
                            .timeout(Duration.ofMinutes(5))
                            .header("Content-Type", contentType)
                            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
        } catch (ConnectException notRunning) {
            return Optional.empty();
        } catch (IOException e) {
            throw new SqlClient.SqlException("cannot reach the platform at " + baseUrl + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SqlClient.SqlException("interrupted");
        }
    }
}
