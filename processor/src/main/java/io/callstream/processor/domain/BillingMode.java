package io.callstream.processor.domain;

/** What a tariff charges for. */
public enum BillingMode {
    /** The bridged time: from both parties connected (leg B's answer) to the end of the call. */
    BRIDGED,
    /** Each answered leg, from its own answer to its end, charged separately and summed. */
    PER_ANSWERED_LEG
}
