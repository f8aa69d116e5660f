package io.callstream.platform.reconcile;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One call as the vendor's own export states it; null where the export states nothing.
 *
 * @param startTime when the call started
 */
public record VendorCdr(
        String callId,
        Instant startTime,
        Integer talkSeconds,
        Integer legASeconds,
        Integer billedSeconds,
        BigDecimal amount) {}
