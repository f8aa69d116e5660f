package io.callstream.ingest.vendor;

import io.callstream.schema.CallEvent;
import java.util.List;
import java.util.Set;

/**
 * Understands one vendor's native pushes: turns a push into normalized call events and answers in
 * the vendor's own style. Framework-free: it sees only a {@link PushRequest}. Adding a vendor means
 * adding a package with an implementation (a Micronaut {@code @Singleton}), its fixtures and tests.
 */
public interface VendorAdapter {

    /** The vendor key: the endpoint's path segment ({@code /webhooks/<vendor>}) and the events' vendor. */
    String vendor();

    /**
     * The push as normalized events; an empty list for a push that is valid but carries no call
     * information (it is archived and acknowledged all the same).
     *
     * @throws InvalidPushException when the push cannot be parsed or lacks a required field
     */
    List<CallEvent> normalize(PushRequest request, VendorContext context) throws InvalidPushException;

    /**
     * The media types this vendor's pushes come as (without parameters): a push of another type is
     * refused 415 and kept as a dead letter, so a browser's cross-site {@code text/plain} or form
     * POST is never taken for a push.
     */
    default Set<String> mediaTypes() {
        return Set.of("application/json");
    }

    /** What the vendor expects back once the push is stored. */
    Reply accepted(PushRequest request);

    /** A refusal in the vendor's response style, with a short reason. */
    Reply rejected(int status, String reason);
}
