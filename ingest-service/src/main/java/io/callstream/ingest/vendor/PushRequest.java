package io.callstream.ingest.vendor;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A push as received, independent of the HTTP framework.
 *
 * @param envelopeId unique id of this receipt
 * @param vendor the vendor key from the path
 * @param endpoint path and query as received
 * @param query the raw query string, or empty (YTX tells its push kinds apart by it)
 * @param headers request headers, lower-case names
 * @param contentType the Content-Type header, or null
 * @param body the body bytes, unmodified
 * @param remoteAddress the peer's IP literal
 * @param receivedAt when the push arrived
 */
public record PushRequest(
        String envelopeId,
        String vendor,
        String endpoint,
        String query,
        Map<String, String> headers,
        String contentType,
        byte[] body,
        String remoteAddress,
        Instant receivedAt) {

    /** The charset the Content-Type header declares, if it declares one. */
    public Optional<Charset> declaredCharset() throws InvalidPushException {
        Optional<String> declared = Optional.ofNullable(contentType).flatMap(PushRequest::charsetParameter);
        if (declared.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Charset.forName(declared.get()));
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new InvalidPushException("unsupported charset " + declared.get());
        }
    }

    /** The body decoded with the declared charset, or UTF-8. */
    public String text() throws InvalidPushException {
        return new String(body, declaredCharset().orElse(StandardCharsets.UTF_8));
    }

    /** Whether the query string has this key ({@code ?CallState} or {@code ?CallState=…}). */
    public boolean hasQueryKey(String key) {
        for (String pair : query.split("&")) {
            if (pair.equals(key) || pair.startsWith(key + "=")) {
                return true;
            }
        }
        return false;
    }

    private static Optional<String> charsetParameter(String contentType) {
        for (String parameter : contentType.split(";")) {
            String trimmed = parameter.trim();
            if (trimmed.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                return Optional.of(
                        trimmed.substring("charset=".length()).replace("\"", "").trim());
            }
        }
        return Optional.empty();
    }
}
