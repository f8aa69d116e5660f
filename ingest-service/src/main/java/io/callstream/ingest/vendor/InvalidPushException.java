package io.callstream.ingest.vendor;

/** A push that cannot be normalized: unparseable, or missing or malformed in a required field. */
public class InvalidPushException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param reason short, vendor-facing, e.g. "missing field callId" */
    public InvalidPushException(String reason) {
        super(reason);
    }

    public InvalidPushException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
