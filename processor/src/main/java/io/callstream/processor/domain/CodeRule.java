package io.callstream.processor.domain;

import io.callstream.schema.FailureCategory;

/**
 * One row of a vendor's code table: what a raw state code (or a keyword of the raw text) means.
 *
 * @param vendor the vendor key
 * @param field the vendor field the code comes from (e.g. state, reason, stateDesc)
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
