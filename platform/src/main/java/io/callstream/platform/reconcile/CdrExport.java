package io.callstream.platform.reconcile;

import io.callstream.ingest.vendor.Fields;
import io.callstream.ingest.vendor.InvalidPushException;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** Reads a vendor's CDR export (CSV, RFC 4180, header row) through its {@link CdrMapping}. */
public final class CdrExport {

    /** A plain decimal of the contracts' size (no exponent, so no value can be costly to read). */
    private static final java.util.regex.Pattern AMOUNT = java.util.regex.Pattern.compile("-?\\d{1,12}(\\.\\d{1,12})?");

    private CdrExport() {}

    /**
     * The export's calls, in file order.
     *
     * @throws IllegalArgumentException naming the line and column of the first value that is not
     *     what its column should hold, or a mapped column the header lacks
     */
    public static List<VendorCdr> read(Reader csv, CdrMapping mapping) throws IOException {
        try (CSVParser parser = CSVFormat.RFC4180
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(true)
                .get()
                .parse(csv)) {
            Map<String, Integer> header = parser.getHeaderMap();
            for (String column : new String[] {
                mapping.callId(),
                mapping.startTime(),
                mapping.talkSeconds(),
                mapping.legASeconds(),
                mapping.billedSeconds(),
                mapping.amount()
            }) {
                if (column != null && !header.containsKey(column)) {
                    throw new IllegalArgumentException(
                            "the export has no column " + column + " (its header: " + header.keySet() + ")");
                }
            }
            List<VendorCdr> calls = new ArrayList<>();
            for (CSVRecord row : parser) {
                calls.add(call(row, mapping));
            }
            return calls;
        }
    }

    private static VendorCdr call(CSVRecord row, CdrMapping mapping) {
        String line = "line " + (row.getRecordNumber() + 1);
        String callId = text(row, mapping.callId());
        if (callId == null) {
            throw new IllegalArgumentException(line + ": no " + mapping.callId());
        }
        try {
            String start = text(row, mapping.startTime());
            return new VendorCdr(
                    callId,
                    start == null ? null : Fields.time(line + " " + mapping.startTime(), start, mapping.zone()),
                    seconds(row, mapping.talkSeconds(), line),
                    seconds(row, mapping.legASeconds(), line),
                    seconds(row, mapping.billedSeconds(), line),
                    amount(row, mapping.amount(), line));
        } catch (InvalidPushException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static String text(CSVRecord row, String column) {
        if (column == null || !row.isSet(column)) {
            return null;
        }
        String value = row.get(column).trim();
        return value.isEmpty() ? null : value;
    }

    private static Integer seconds(CSVRecord row, String column, String line) {
        String value = text(row, column);
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(line + ": " + column + " is not whole seconds: " + value);
        }
    }

    private static BigDecimal amount(CSVRecord row, String column, String line) {
        String value = text(row, column);
        if (value == null) {
            return null;
        }
        if (!AMOUNT.matcher(value).matches()) {
            throw new IllegalArgumentException(line + ": " + column + " is not an amount: " + value);
        }
        return new BigDecimal(value).setScale(6, RoundingMode.HALF_EVEN);
    }
}
