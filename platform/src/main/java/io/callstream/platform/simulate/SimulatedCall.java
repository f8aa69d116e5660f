package io.callstream.platform.simulate;

import io.callstream.schema.DifferenceClass;
import io.callstream.schema.FailureCategory;
import java.util.List;

/**
 * One call the simulator plays and what callstream must make of it.
 *
 * @param pushes the vendor's pushes for the call, in the order the vendor would send them
 * @param category the expected failure category of the call
 * @param talkSeconds the expected talk seconds (0 when not bridged)
 * @param billedSeconds the expected billed seconds under the default tariff
 * @param difference how the call's figures must compare with the vendor's (exact reconciliation):
 *     AGREES or NOT_COMPARED unless the simulator injected a difference
 * @param versions how many versions of the call callstream must emit (2 when the vendor corrects
 *     its record)
 */
public record SimulatedCall(
        String vendor,
        String callId,
        List<Push> pushes,
        FailureCategory category,
        int talkSeconds,
        int billedSeconds,
        DifferenceClass difference,
        int versions) {

    /** One HTTP push: path under the ingest URL, content type, body. */
    public record Push(String path, String contentType, String body) {}

    /** Talk seconds rounded up to whole minutes: the default tariff. */
    static int billed(int talkSeconds) {
        return (talkSeconds + 59) / 60 * 60;
    }
}
