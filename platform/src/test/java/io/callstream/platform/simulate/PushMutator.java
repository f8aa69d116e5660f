package io.callstream.platform.simulate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeded random mutations of a real-shaped vendor push: truncations, values swapped for other
 * types, extreme numbers and times, removed and duplicated fields, nesting, foreign encodings and
 * bytes, hostile XML. The same seed gives the same bodies.
 */
final class PushMutator {

    /** Values put in place of a field's value (JSON literals). */
    static final List<String> EXTREME_VALUES = List.of(
            "9223372036854775807",
            "-9223372036854775808",
            "12345678901234567890",
            "-1",
            "0",
            "1e308",
            "\"1e-100000000\"",
            "\"1e13\"",
            "1.5",
            "\"\"",
            "null",
            "true",
            "[]",
            "{}",
            "\"9999-12-31 23:59:59\"",
            "\"0000-00-00 00:00:00\"",
            "\"2024-02-30 25:61:61\"",
            "\"20240501100000\"",
            "\"1714528800\"",
            "\"\\u0000\"",
            "\"１２３\"",
            "\"" + "x".repeat(10_000) + "\"",
            "\"😀\"");

    private static final Pattern JSON_VALUE =
            Pattern.compile("(\"[A-Za-z_0-9]+\"\\s*:\\s*)(\"(?:[^\"\\\\]++|\\\\.)*+\"|-?[0-9.eE+-]++|true|false|null)");
    private static final Pattern XML_TEXT = Pattern.compile("(<([a-zA-Z]+)>)([^<]*)(</\\2>)");

    private final Random random;

    PushMutator(long seed) {
        this.random = new Random(seed);
    }

    /** One mutation of {@code body} (JSON or XML, as {@code xml} says). */
    byte[] mutate(String body, boolean xml) {
        return switch (random.nextInt(12)) {
            case 0 -> utf8(body.substring(0, random.nextInt(Math.max(1, body.length()))));
            case 1, 2, 3 -> utf8(xml ? replaceXmlText(body) : replaceJsonValue(body));
            case 4 -> utf8(xml ? body.replaceFirst("<[a-zA-Z]+>[^<]*</[a-zA-Z]+>", "") : removeJsonField(body));
            case 5 -> utf8(xml ? body.replace("<request>", "<request><callid>dup</callid>") : duplicateKey(body));
            case 6 -> utf8(xml ? "<a>" + body.replaceFirst("<\\?xml[^>]*\\?>", "") + "</a>" : "[" + body + "]");
            case 7 -> utf8("[".repeat(5_000) + "]".repeat(5_000));
            case 8 -> randomBytes();
            case 9 -> body.getBytes(java.nio.charset.Charset.forName("UTF-16"));
            case 10 -> utf8(xml ? hostileXml() : "{\"a\":" + "{\"a\":".repeat(2_000) + "1" + "}".repeat(2_001));
            default -> utf8(xml ? replaceXmlText(replaceXmlText(body)) : replaceJsonValue(replaceJsonValue(body)));
        };
    }

    private String replaceJsonValue(String body) {
        List<int[]> values = new ArrayList<>();
        Matcher matcher = JSON_VALUE.matcher(body);
        while (matcher.find()) {
            values.add(new int[] {matcher.start(2), matcher.end(2)});
        }
        if (values.isEmpty()) {
            return body;
        }
        int[] chosen = values.get(random.nextInt(values.size()));
        return body.substring(0, chosen[0])
                + EXTREME_VALUES.get(random.nextInt(EXTREME_VALUES.size()))
                + body.substring(chosen[1]);
    }

    private String removeJsonField(String body) {
        Matcher matcher = JSON_VALUE.matcher(body);
        List<int[]> fields = new ArrayList<>();
        while (matcher.find()) {
            fields.add(new int[] {matcher.start(1), matcher.end(2)});
        }
        if (fields.isEmpty()) {
            return body;
        }
        int[] chosen = fields.get(random.nextInt(fields.size()));
        String without = body.substring(0, chosen[0]) + body.substring(chosen[1]);
        return without.replace(",,", ",").replace("{,", "{").replace(",}", "}");
    }

    private String duplicateKey(String body) {
        int brace = body.indexOf('{');
        return brace < 0
                ? body
                : body.substring(0, brace + 1) + "\"callId\":\"dup\",\"id\":1," + body.substring(brace + 1);
    }

    private String replaceXmlText(String body) {
        List<int[]> texts = new ArrayList<>();
        Matcher matcher = XML_TEXT.matcher(body);
        while (matcher.find()) {
            texts.add(new int[] {matcher.start(3), matcher.end(3)});
        }
        if (texts.isEmpty()) {
            return body;
        }
        int[] chosen = texts.get(random.nextInt(texts.size()));
        String value = EXTREME_VALUES.get(random.nextInt(EXTREME_VALUES.size())).replace("\"", "");
        return body.substring(0, chosen[0]) + value.replace("<", "&lt;") + body.substring(chosen[1]);
    }

    private String hostileXml() {
        return random.nextBoolean()
                ? "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                        + "<request><event>callhangup</event><callid>&x;</callid><reason>0</reason></request>"
                : "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                        + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
                        + "<request><event>callhangup</event><callid>&d;&d;&d;&d;&d;</callid><reason>0</reason></request>";
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[1 + random.nextInt(512)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
