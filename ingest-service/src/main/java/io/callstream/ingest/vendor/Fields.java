package io.callstream.ingest.vendor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Typed reads of a push's fields (JSON object or XML element), failing with a short reason that
 * names the field: a missing required field is an error, never a null in an event.
 */
public final class Fields {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final XmlMapper XML = new XmlMapper();
    /** The scale of every {@code decimal} money field in the Avro contracts. */
    public static final int MONEY_SCALE = 6;

    /** The most digits a money field of the contracts ({@code decimal(18,6)}) holds. */
    public static final int MONEY_PRECISION = 18;
    /** The range of times a push may state; outside it a time is unusable (bounded arithmetic). */
    public static final Instant EARLIEST = Instant.EPOCH;

    public static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");

    private static final Pattern PLAIN_NUMBER =
            Pattern.compile("[+-]?(\\d{1,30}(\\.\\d{0,30})?|\\.\\d{1,30})([eE][+-]?\\d{1,2})?");
    private static final Pattern EPOCH = Pattern.compile("\\d{1,13}(\\.\\d{1,6})?");
    private static final DateTimeFormatter DASHED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS][.SS][.S]");
    private static final DateTimeFormatter ISO_LIKE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss[.SSS][.SS][.S]");
    private static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final DateTimeFormatter SLASHED = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss");

    private final JsonNode node;
    private final String path;

    private Fields(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** The push body as a JSON object, decoded with its declared charset. */
    public static Fields json(PushRequest request) throws InvalidPushException {
        return parse(JSON, request.text(), "JSON");
    }

    /** The form media type, in which some vendors' platforms post the same fields as JSON. */
    public static final String FORM = "application/x-www-form-urlencoded";

    /**
     * The push body as JSON, or, when it is posted as a form ({@value #FORM}), its fields as text
     * values (percent-decoded with the declared charset, UTF-8 by default; a repeated field keeps its
     * last value), read the same way.
     */
    public static Fields jsonOrForm(PushRequest request) throws InvalidPushException {
        String type = request.contentType() == null ? "" : request.contentType().toLowerCase(java.util.Locale.ROOT);
        if (!type.startsWith(FORM)) {
            return json(request);
        }
        java.nio.charset.Charset charset = request.declaredCharset().orElse(java.nio.charset.StandardCharsets.UTF_8);
        String text = new String(request.body(), java.nio.charset.StandardCharsets.ISO_8859_1).trim();
        if (text.isEmpty()) {
            throw new InvalidPushException("empty body");
        }
        com.fasterxml.jackson.databind.node.ObjectNode fields = JSON.createObjectNode();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            try {
                String name = java.net.URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), charset);
                String value = equals < 0 ? "" : java.net.URLDecoder.decode(pair.substring(equals + 1), charset);
                fields.put(name, value);
            } catch (IllegalArgumentException e) {
                throw new InvalidPushException("malformed form field: " + shorten(pair));
            }
        }
        return new Fields(fields, "");
    }

    /**
     * The push body as an XML document's root element: decoded with the charset the Content-Type
     * declares, or else the one the XML declaration names (UTF-8 when neither does).
     */
    public static Fields xml(PushRequest request) throws InvalidPushException {
        if (request.declaredCharset().isPresent()) {
            // The header's charset wins; the declaration's encoding no longer applies to decoded text.
            return parse(XML, request.text().replaceFirst("^\\s*<\\?xml[^>]*\\?>", ""), "XML");
        }
        if (request.body().length == 0) {
            throw new InvalidPushException("empty body");
        }
        try {
            return object(XML.readTree(request.body()), "XML");
        } catch (java.io.IOException e) {
            throw new InvalidPushException(
                    "malformed XML: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static Fields parse(ObjectMapper mapper, String text, String format) throws InvalidPushException {
        if (text.isBlank()) {
            throw new InvalidPushException("empty body");
        }
        try {
            return object(mapper.readTree(text), format);
        } catch (JsonProcessingException e) {
            throw new InvalidPushException("malformed " + format + ": " + e.getOriginalMessage());
        }
    }

    private static Fields object(JsonNode node, String format) throws InvalidPushException {
        if (node == null || !node.isObject()) {
            throw new InvalidPushException("body is not a " + format + " object");
        }
        return new Fields(node, "");
    }

    /** A non-blank text field. */
    public String text(String name) throws InvalidPushException {
        return optionalText(name).orElseThrow(() -> new InvalidPushException("missing field " + path + name));
    }

    /** A text field, empty when absent, null or blank. */
    public Optional<String> optionalText(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull() || value.isContainerNode()) {
            return Optional.empty();
        }
        String text = value.asText().trim();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    public int integer(String name) throws InvalidPushException {
        return optionalInteger(name).orElseThrow(() -> new InvalidPushException("missing field " + path + name));
    }

    public Optional<Integer> optionalInteger(String name) throws InvalidPushException {
        Optional<String> text = optionalText(name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(text.get()));
        } catch (NumberFormatException e) {
            throw new InvalidPushException("field " + path + name + " is not an integer: " + text.get());
        }
    }

    /**
     * A money amount at the contracts' scale ({@value #MONEY_SCALE} decimals, at most {@value
     * #MONEY_PRECISION} digits): more decimals are rounded half-even and the rounding is recorded by
     * the caller through {@link Money#rounded()}; a value that is not a plain decimal (or one with a
     * small exponent), or too large for the contract, is an error. The text is checked before it is
     * parsed, so no exponent can make the arithmetic expensive.
     */
    public Optional<Money> optionalMoney(String name) throws InvalidPushException {
        Optional<String> text = optionalText(name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String value = text.get();
        if (value.length() > 64 || !PLAIN_NUMBER.matcher(value).matches()) {
            throw new InvalidPushException("field " + path + name + " is not an amount: " + shorten(value));
        }
        BigDecimal exact = new BigDecimal(value);
        BigDecimal scaled = exact.setScale(MONEY_SCALE, RoundingMode.HALF_EVEN);
        if (scaled.precision() > MONEY_PRECISION) {
            throw new InvalidPushException("field " + path + name + " is too large for an amount: " + shorten(value));
        }
        return Optional.of(new Money(scaled, exact.compareTo(scaled) != 0 ? value : null));
    }

    /**
     * An amount as the contracts hold it.
     *
     * @param amount the amount at scale {@value #MONEY_SCALE}
     * @param original the vendor's text when it had to be rounded, else null
     */
    public record Money(BigDecimal amount, String original) {
        public boolean rounded() {
            return original != null;
        }
    }

    /**
     * A local time in {@code zone}: {@code yyyy-MM-dd HH:mm:ss} (also with a {@code T} or fractional
     * seconds) or the compact {@code yyyyMMddHHmmss}; a 10- or 13-digit number is taken as epoch
     * seconds or milliseconds (a 14-digit one is the compact form). Empty when absent or blank.
     */
    public Optional<Instant> optionalLocalTime(String name, ZoneId zone) throws InvalidPushException {
        Optional<String> text = optionalText(name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(time(path + name, text.get(), zone));
    }

    /**
     * A time as vendors write it (the forms of {@link #optionalLocalTime}), local ones in {@code
     * zone}: also for what is not a push, such as a vendor's CDR export.
     *
     * @param label the field, for the error
     */
    public static Instant time(String label, String value, ZoneId zone) throws InvalidPushException {
        if (value.length() != 14 && EPOCH.matcher(value).matches()) {
            return epoch(label, value);
        }
        // The format is chosen by the text's shape, so a push's times are parsed once, not tried in turn.
        DateTimeFormatter format = value.length() == 14
                ? COMPACT
                : value.indexOf('T') > 0 ? ISO_LIKE : value.indexOf('/') > 0 ? SLASHED : DASHED;
        try {
            return bounded(
                    label, LocalDateTime.parse(value, format).atZone(zone).toInstant(), value);
        } catch (DateTimeParseException e) {
            // refused below with the formats accepted
        }
        throw new InvalidPushException(
                "field " + label + " is not a time (yyyy-MM-dd HH:mm:ss, yyyyMMddHHmmss or epoch): " + shorten(value));
    }

    public Instant localTime(String name, ZoneId zone) throws InvalidPushException {
        return optionalLocalTime(name, zone)
                .orElseThrow(() -> new InvalidPushException("missing field " + path + name));
    }

    /**
     * An epoch time: milliseconds, or seconds when it has at most 11 digits (before 5138 as seconds,
     * before 1973 as milliseconds, which no call is); empty when absent or null.
     */
    public Optional<Instant> optionalEpochMillis(String name) throws InvalidPushException {
        JsonNode value = node.get(name);
        if (value == null || value.isNull() || value.asText().isBlank()) {
            return Optional.empty();
        }
        String text = value.asText().trim();
        if (!EPOCH.matcher(text).matches()) {
            throw new InvalidPushException("field " + path + name + " is not an epoch time: " + shorten(text));
        }
        return Optional.of(epoch(path + name, text));
    }

    public Instant epochMillis(String name) throws InvalidPushException {
        return optionalEpochMillis(name).orElseThrow(() -> new InvalidPushException("missing field " + path + name));
    }

    private static Instant epoch(String label, String digits) throws InvalidPushException {
        String whole = digits.contains(".") ? digits.substring(0, digits.indexOf('.')) : digits;
        long number = Long.parseLong(whole); // at most 13 digits: EPOCH
        Instant instant = whole.length() <= 11 ? Instant.ofEpochSecond(number) : Instant.ofEpochMilli(number);
        return bounded(label, instant, digits);
    }

    /** Times outside {@link #EARLIEST} to {@link #LATEST} are unusable, not just suspicious. */
    private static Instant bounded(String label, Instant time, String text) throws InvalidPushException {
        if (time.isBefore(EARLIEST) || !time.isBefore(LATEST)) {
            throw new InvalidPushException("field " + label + " is out of range: " + shorten(text));
        }
        return time;
    }

    private static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "… (" + text.length() + " characters)";
    }

    /** The elements of an array field; an error when it is absent or empty. */
    public List<Fields> array(String name) throws InvalidPushException {
        JsonNode value = node.get(name);
        if (value == null || !value.isArray() || value.isEmpty()) {
            throw new InvalidPushException("missing or empty array " + path + name);
        }
        List<Fields> elements = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isObject()) {
                throw new InvalidPushException(path + name + "[" + i + "] is not an object");
            }
            elements.add(new Fields(value.get(i), path + name + "[" + i + "]."));
        }
        return elements;
    }
}
