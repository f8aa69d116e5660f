package io.callstream.ingest.vendor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** Builds reply bodies with proper escaping. */
public final class Replies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Replies() {}

    /** A JSON object of string fields, in the given order. */
    public static String json(Map<String, String> fields) {
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("strings always serialize", e);
        }
    }

    /** Escapes text for an XML element. */
    public static String xmlText(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
