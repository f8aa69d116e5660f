package io.callstream.processor.domain;

import io.callstream.schema.CodeMapping;
import io.callstream.schema.FailureCategory;
import java.util.List;

/**
 * One row of a vendor's code table: what a raw state code (or a keyword of the raw text) means.
 *
 * @param vendor the vendor key
 * @param field the vendor field the code comes from (e.g. reason, stateDesc), or several separated by
 *     {@code /} when they share one list of codes (callerState/calleeState)
 * @param pattern an exact code, or {@code ~text}: the raw code or text contains {@code text}
 * @param answered the category when the leg was answered
 * @param unanswered the category when it was not
 * @param meaning the vendor's meaning, for people
 */
public record CodeRule(
        String vendor,
        String field,
        String pattern,
        FailureCategory answered,
        FailureCategory unanswered,
        String meaning) {

    /** The row's key on the {@code code-mappings} topic: {@code vendor|field|pattern}. */
    public String key() {
        return vendor + "|" + field + "|" + pattern;
    }

    /** The row as published on the {@code code-mappings} topic, at {@code position} in its table. */
    public CodeMapping toMapping(int position) {
        return CodeMapping.newBuilder()
                .setVendor(vendor)
                .setField(field)
                .setPattern(pattern)
                .setAnsweredCategory(answered)
                .setUnansweredCategory(unanswered)
                .setMeaning(meaning)
                .setPosition(position)
                .build();
    }

    /** The rule a published row describes. */
    public static CodeRule of(CodeMapping mapping) {
        return new CodeRule(
                mapping.getVendor(),
                mapping.getField(),
                mapping.getPattern(),
                mapping.getAnsweredCategory(),
                mapping.getUnansweredCategory(),
                mapping.getMeaning());
    }

    /** Whether the rule reads codes of {@code stateSource} (a field the vendor's push named). */
    boolean appliesToField(String stateSource) {
        return stateSource == null || List.of(field.split("/")).contains(stateSource);
    }

    boolean isKeyword() {
        return pattern.startsWith("~");
    }

    boolean matches(String code, String text) {
        if (!isKeyword()) {
            return pattern.equals(code);
        }
        String keyword = pattern.substring(1);
        return (code != null && code.contains(keyword)) || (text != null && text.contains(keyword));
    }

    FailureCategory category(boolean legAnswered) {
        return legAnswered ? answered : unanswered;
    }
}
