package io.callstream.platform.reconcile;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Properties;

/**
 * Which columns of a vendor's CDR or bill export (CSV with a header row) hold which figure:
 * configuration, one properties file per vendor ({@code cdr-mappings/<vendor>.properties} ships the
 * four seed vendors' field names; {@code --mapping} replaces it). A column left empty is a figure
 * the export does not have.
 *
 * @param callId the vendor's call id (required)
 * @param startTime when the call started (for which of our calls the export covers)
 * @param talkSeconds the talk seconds the vendor states
 * @param legASeconds the duration of leg A the vendor states
 * @param billedSeconds the billed seconds the vendor states
 * @param amount the amount the vendor charged
 * @param zone the zone of local time strings
 */
public record CdrMapping(
        String callId,
        String startTime,
        String talkSeconds,
        String legASeconds,
        String billedSeconds,
        String amount,
        ZoneId zone) {

    public CdrMapping {
        if (callId == null) {
            throw new IllegalArgumentException("a CDR mapping needs the callId column");
        }
    }

    /** The shipped mapping of {@code vendor}. */
    public static CdrMapping bundled(String vendor) {
        try (InputStream in = CdrMapping.class.getResourceAsStream("/cdr-mappings/" + vendor + ".properties")) {
            if (in == null) {
                throw new IllegalArgumentException("no CDR mapping ships for " + vendor
                        + " (winnerlook, ucpaas, yunhuni, ytx): pass --mapping FILE");
            }
            Properties properties = new Properties();
            properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            return of(properties);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static CdrMapping load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        return of(properties);
    }

    static CdrMapping of(Properties properties) {
        return new CdrMapping(
                column(properties, "callId"),
                column(properties, "startTime"),
                column(properties, "talkSeconds"),
                column(properties, "legASeconds"),
                column(properties, "billedSeconds"),
                column(properties, "amount"),
                ZoneId.of(properties.getProperty("zone", "Asia/Shanghai").trim()));
    }

    private static String column(Properties properties, String figure) {
        String column = properties.getProperty(figure, "").trim();
        return column.isEmpty() ? null : column;
    }
}
