package io.callstream.ingest.vendor;

/** An HTTP answer in a vendor's style. */
public record Reply(int status, String contentType, String body) {

    public static final String JSON = "application/json;charset=UTF-8";
    public static final String XML = "text/xml;charset=UTF-8";
    public static final String TEXT = "text/plain;charset=UTF-8";
}
