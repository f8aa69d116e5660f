package io.callstream.processor.domain;

import io.callstream.schema.Call;
import io.callstream.schema.CallLeg;

/**
 * Where a call went, as the fraud signals compare it: the called party (leg B; leg A where the
 * vendor describes only one leg), cut to a prefix. Numbers arrive normalized (no 0086/+86), so
 * an international number starts with 00 (or +, taken as 00): its prefix is 00 and the next three
 * digits (the country code and what follows, e.g. 00882 for international networks, 00537 for
 * Cuba); a national number's prefix is its first three digits (a mobile network's number block,
 * 138, or a fixed-line area code, 010, 075).
 */
public final class Destinations {

    /** A pair keeps at most this many prefixes (the oldest ones that are not new make room). */
    public static final int MAX_KNOWN = 2000;
    /** Example call ids kept per new prefix. */
    public static final int EXAMPLES = 3;

    private Destinations() {}

    /** The call's destination prefix; null when it names no number. */
    public static String prefix(Call call) {
        for (CallLeg leg : new CallLeg[] {call.getLegB(), call.getLegA()}) {
            if (leg != null && leg.getPartyNumber() != null) {
                String prefix = prefix(leg.getPartyNumber());
                if (prefix != null) {
                    return prefix;
                }
            }
        }
        return null;
    }

    /** The prefix of a normalized number; null when it has no digits. */
    public static String prefix(String number) {
        StringBuilder digits = new StringBuilder();
        String trimmed = number.strip();
        if (trimmed.startsWith("+")) {
            digits.append("00");
        }
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        if (digits.isEmpty()) {
            return null;
        }
        int length = digits.length() > 2 && digits.charAt(0) == '0' && digits.charAt(1) == '0' ? 5 : 3;
        return digits.substring(0, Math.min(length, digits.length()));
    }
}
