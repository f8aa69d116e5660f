package io.callstream.schema;

/** callstream's topic names: the one place they are spelled. */
public final class Topics {

    /** {@link WebhookEnvelope}s: every accepted push exactly as received, the replayable archive. */
    public static final String WEBHOOKS_RAW = "webhooks-raw";

    /** {@link CallEvent}s keyed by vendor and call id. */
    public static final String CALL_EVENTS = "call-events";

    /** {@link Call}s keyed by vendor and call id, one record per version. */
    public static final String CALLS = "calls";

    /** {@link CallKpi}s keyed by tenant, vendor and window start. */
    public static final String CALL_KPIS = "call-kpis";

    /** {@link CallAlert}s keyed by tenant and vendor. */
    public static final String CALL_ALERTS = "call-alerts";

    /** {@link DeadLetter}s: input that could not be processed, with its original bytes. */
    public static final String DEAD_LETTERS = "dead-letters";

    /**
     * Kafka Connect's dead-letter queue of the sinks: the records they could not map, as read (raw
     * bytes, with the reason in {@code __connect.errors.*} headers).
     */
    public static final String SINK_DEAD_LETTERS = "dead-letters-sinks";

    /**
     * {@link CodeMapping}s keyed {@code vendor|field|pattern}, compacted: the failure-category code
     * tables, read by the processor as a global table.
     */
    public static final String CODE_MAPPINGS = "code-mappings";

    /** {@link TariffRule}s keyed by tariff id, compacted: read by the processor as a global table. */
    public static final String TARIFFS = "tariffs";

    private Topics() {}

    /** The key of every record about one call: all of a call's events land in one partition. */
    public static String callKey(String vendor, String callId) {
        return vendor + ":" + callId;
    }
}
