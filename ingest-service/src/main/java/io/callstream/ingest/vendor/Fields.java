package io.callstream.ingest.vendor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * Typed reads of a push's fields (JSON object or XML element), failing with a short reason that
 * names the field: a missing required field is an error, never a null in an event.
 */
public final class Fields {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final XmlMapper XML = new XmlMapper();
    /** The scale of every {@code decimal} money field in the Avro contracts. */
    public static final int MONEY_SCALE = 6;

    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

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
     * A money amount at the contracts' scale ({@value #MONEY_SCALE} decimals), exactly: an amount
     * that would need rounding is an error.
     */
    public Optional<BigDecimal> optionalMoney(String name) throws InvalidPushException {
        Optional<String> text = optionalText(name);
        try {
            return text.map(value -> new BigDecimal(value).setScale(MONEY_SCALE, RoundingMode.UNNECESSARY));
        } catch (NumberFormatException e) {
            throw new InvalidPushException("field " + path + name + " is not a number: " + text.get());
        } catch (ArithmeticException e) {
            throw new InvalidPushException(
                    "field " + path + name + " has more than " + MONEY_SCALE + " decimals: " + text.get());
        }
    }

    /** A {@code yyyy-MM-dd HH:mm:ss} local time in {@code zone}; empty when absent or blank. */
    public Optional<Instant> optionalLocalTime(String name, ZoneId zone) throws InvalidPushException {
        Optional<String> text = optionalText(name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    LocalDateTime.parse(text.get(), LOCAL_TIME).atZone(zone).toInstant());
        } catch (DateTimeParseException e) {
            throw new InvalidPushException(
                    "field " + path + name + " is not a yyyy-MM-dd HH:mm:ss time: " + text.get());
        }
    }

    public Instant localTime(String name, ZoneId zone) throws InvalidPushException {
        return optionalLocalTime(name, zone)
                .orElseThrow(() -> new InvalidPushException("missing field " + path + name));
    }

    /** An epoch-milliseconds time; empty when absent or null. */
    public Optional<Instant> optionalEpochMillis(String name) throws InvalidPushException {
        JsonNode value = node.get(name);
        if (value == null || value.isNull() || value.asText().isBlank()) {
            return Optional.empty();
        }
        if (!value.canConvertToLong() && !value.asText().matches("\\d+")) {
            throw new InvalidPushException("field " + path + name + " is not epoch milliseconds: " + value);
        }
        return Optional.of(
                Instant.ofEpochMilli(value.canConvertToLong() ? value.asLong() : Long.parseLong(value.asText())));
    }

    public Instant epochMillis(String name) throws InvalidPushException {
        return optionalEpochMillis(name).orElseThrow(() -> new InvalidPushException("missing field " + path + name));
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
