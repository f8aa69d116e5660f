package io.callstream.processor.domain;

import io.callstream.schema.CodeMapping;
import io.callstream.schema.FailureCategory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Maps a leg's raw vendor state or cause to a {@link FailureCategory}. The tables are data (CSV
 * files, one per vendor, {@code field,pattern,answered,unanswered,meaning}) published to the
 * compacted {@code code-mappings} topic, which the processor reads as a global table: an operator
 * corrects a mapping without a redeploy. An exact code match wins over keyword rules, which apply in
 * file order; with no match, an answered leg is NONE and an unanswered one UNKNOWN.
 */
public final class CodeTable {

    /** The vendors whose tables ship in {@code code-tables/} on the classpath. */
    public static final List<String> BUNDLED_VENDORS = List.of("ucpaas", "winnerlook", "ytx", "yunhuni");

    private final Map<String, List<CodeRule>> rulesByVendor;
    /** Per vendor and field, the rules that read it, indexed: filled as codes are looked up (the table never changes). */
    private final Map<String, FieldRules> byField = new java.util.concurrent.ConcurrentHashMap<>();

    public CodeTable(List<CodeRule> rules) {
        this.rulesByVendor = rules.stream().collect(Collectors.groupingBy(CodeRule::vendor));
    }

    /**
     * The rules of one vendor that read one field: exact codes by code (the first row of a code
     * wins), keyword rules in file order.
     */
    private record FieldRules(Map<String, CodeRule> exact, List<CodeRule> keywords) {
        static FieldRules of(List<CodeRule> rules, String field) {
            Map<String, CodeRule> exact = new java.util.HashMap<>();
            List<CodeRule> keywords = new ArrayList<>();
            for (CodeRule rule : rules) {
                if (!rule.appliesToField(field)) {
                    continue;
                }
                if (rule.isKeyword()) {
                    keywords.add(rule);
                } else {
                    exact.putIfAbsent(rule.pattern(), rule);
                }
            }
            return new FieldRules(Map.copyOf(exact), List.copyOf(keywords));
        }
    }

    /** The tables shipped with callstream. */
    public static CodeTable bundled() {
        return new CodeTable(bundledRules());
    }

    /**
     * The table published rows describe: each vendor's rows in their {@code position} order (the
     * order of the file they were loaded from).
     */
    public static CodeTable of(Collection<CodeMapping> mappings) {
        return new CodeTable(mappings.stream()
                .sorted(Comparator.comparing(CodeMapping::getVendor).thenComparingInt(CodeMapping::getPosition))
                .map(CodeRule::of)
                .toList());
    }

    /** The rows of the tables shipped with callstream ({@code code-tables/<vendor>.csv}), in file order. */
    public static List<CodeRule> bundledRules() {
        List<CodeRule> rules = new ArrayList<>();
        for (String vendor : BUNDLED_VENDORS) {
            try (InputStream in = CodeTable.class.getResourceAsStream("/code-tables/" + vendor + ".csv")) {
                if (in == null) {
                    throw new IllegalStateException("missing bundled code table code-tables/" + vendor + ".csv");
                }
                rules.addAll(parse(vendor, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rules;
    }

    /**
     * Parses one vendor's table; blank lines and {@code #} comments are skipped.
     *
     * @throws IllegalArgumentException naming the line that is malformed
     */
    public static List<CodeRule> parse(String vendor, String csv) {
        List<CodeRule> rules = new ArrayList<>();
        int number = 0;
        try (BufferedReader lines = new BufferedReader(new java.io.StringReader(csv))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cells = line.split(",", 5);
                if (cells.length < 4) {
                    throw new IllegalArgumentException(vendor + " code table line " + number
                            + ": expected field,pattern,answered,unanswered[,meaning]: " + line);
                }
                rules.add(new CodeRule(
                        vendor,
                        cells[0].trim(),
                        cells[1].trim(),
                        category(vendor, number, cells[2]),
                        category(vendor, number, cells[3]),
                        cells.length == 5 ? cells[4].trim() : ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rules;
    }

    /**
     * The category of a leg's raw state.
     *
     * @param field the vendor field the code came from ({@code CallEvent.stateSource}); null matches any
     */
    public FailureCategory categorize(String vendor, String field, String code, String text, boolean answered) {
        FieldRules rules = byField.computeIfAbsent(
                vendor + '\u0000' + (field == null ? "\u0001" : field),
                key -> FieldRules.of(rulesByVendor.getOrDefault(vendor, List.of()), field));
        CodeRule rule = code == null ? null : rules.exact().get(code);
        if (rule == null) {
            for (CodeRule keyword : rules.keywords()) {
                if (keyword.matches(code, text)) {
                    rule = keyword;
                    break;
                }
            }
        }
        return rule != null ? rule.category(answered) : answered ? FailureCategory.NONE : FailureCategory.UNKNOWN;
    }

    private static FailureCategory category(String vendor, int line, String name) {
        try {
            return FailureCategory.valueOf(name.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(vendor + " code table line " + line + ": unknown category '"
                    + name.trim() + "'; valid: " + java.util.Arrays.toString(FailureCategory.values()));
        }
    }
}
