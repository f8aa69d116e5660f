package io.callstream.processor.domain;

import io.callstream.schema.BillingMode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The tariffs in force: a call is billed by the most specific one that applies (tenant, then
 * vendor, then the longest destination prefix), else by {@link Tariff#DEFAULT}. Written as CSV and
 * published to the compacted {@code tariffs} topic, which the processor reads as a global table:
 * {@code id,tenant,vendor,prefix,first,next,free,connectFee,price,minimum,currency,mode}, with
 * {@code *} or an empty cell for "any" / "none".
 */
public final class TariffTable {

    static final String HEADER =
            "id,tenant,vendor,prefix,first,next,free,connectFee,price,minimum,currency,mode,maxTalk";

    private final List<Tariff> tariffs;

    public TariffTable(List<Tariff> tariffs) {
        this.tariffs = tariffs.stream()
                .sorted(Comparator.comparingInt(Tariff::specificity).reversed())
                .toList();
    }

    public static TariffTable empty() {
        return new TariffTable(List.of());
    }

    /** The tariffs shipped with callstream ({@code tariffs/tariffs.csv}; none by default). */
    public static List<Tariff> bundledRules() {
        try (InputStream in = TariffTable.class.getResourceAsStream("/tariffs/tariffs.csv")) {
            if (in == null) {
                throw new IllegalStateException("missing bundled tariffs/tariffs.csv");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tariff for a call of {@code tenant} through {@code vendor} to {@code destination}. */
    public Tariff find(String tenant, String vendor, String destination) {
        return tariffs.stream()
                .filter(tariff -> tariff.appliesTo(tenant, vendor, destination))
                .findFirst()
                .orElse(Tariff.DEFAULT);
    }

    /**
     * Parses tariffs; blank lines, {@code #} comments and the header line are skipped.
     *
     * @throws IllegalArgumentException naming the malformed line
     */
    public static List<Tariff> parse(String csv) {
        List<Tariff> tariffs = new ArrayList<>();
        int number = 0;
        try (BufferedReader lines = new BufferedReader(new StringReader(csv))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                number++;
                if (line.isBlank()
                        || line.startsWith("#")
                        || line.replace(" ", "").equals(HEADER)
                        || line.replace(" ", "").equals(HEADER.substring(0, HEADER.lastIndexOf(',')))) {
                    continue;
                }
                tariffs.add(row(line, number));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tariffs;
    }

    private static Tariff row(String line, int number) {
        String[] c = line.split(",", -1);
        if (c.length != 12 && c.length != 13) {
            throw new IllegalArgumentException(
                    "tariff line " + number + ": expected 12 or 13 cells (" + HEADER + "): " + line);
        }
        try {
            return new Tariff(
                    c[0].trim(),
                    any(c[1]),
                    any(c[2]),
                    any(c[3]),
                    Integer.parseInt(c[4].trim()),
                    Integer.parseInt(c[5].trim()),
                    Integer.parseInt(c[6].trim()),
                    decimal(c[7]),
                    decimal(c[8]),
                    decimal(c[9]),
                    any(c[10]),
                    BillingMode.valueOf(c[11].trim()),
                    c.length == 13 && !c[12].isBlank() ? Integer.valueOf(c[12].trim()) : null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tariff line " + number + ": " + e.getMessage() + ": " + line, e);
        }
    }

    private static String any(String cell) {
        String trimmed = cell.trim();
        return trimmed.isEmpty() || trimmed.equals("*") ? null : trimmed;
    }

    private static BigDecimal decimal(String cell) {
        String trimmed = cell.trim();
        return trimmed.isEmpty() ? null : new BigDecimal(trimmed);
    }
}
