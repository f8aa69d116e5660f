package io.callstream.ingest.vendor;

import java.util.Optional;

/** Phone numbers as callstream stores them: without the +86 / 0086 country prefix vendors add. */
public final class PhoneNumbers {

    private PhoneNumbers() {}

    public static String normalize(String number) {
        String trimmed = number.trim().replace(" ", "").replace("-", "");
        if (trimmed.startsWith("+86")) {
            return trimmed.substring(3);
        }
        if (trimmed.startsWith("0086")) {
            return trimmed.substring(4);
        }
        return trimmed;
    }

    public static Optional<String> normalize(Optional<String> number) {
        return number.map(PhoneNumbers::normalize);
    }
}
