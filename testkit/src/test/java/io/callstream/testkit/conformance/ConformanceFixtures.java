package io.callstream.testkit.conformance;

import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.HangupSide;
import io.callstream.schema.Leg;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/** The record the conformance tests send through callstream's serializer to others' clients. */
final class ConformanceFixtures {

    static final Instant EVENT_TIME = Instant.parse("2024-05-01T02:02:09Z");

    private ConformanceFixtures() {}

    static CallEvent callEvent(String callId) {
        return CallEvent.newBuilder()
                .setEventId("e-" + callId)
                .setVendor("winnerlook")
                .setTenantId("acct-9")
                .setCallId(callId)
                .setLeg(Leg.B)
                .setEventType(CallEventType.CALL_RECORD)
                .setEventTime(EVENT_TIME)
                .setPartyNumber("13900000002")
                .setAnswerTime(Instant.parse("2024-05-01T02:00:09Z"))
                .setEndTime(EVENT_TIME)
                .setStateCode("0")
                .setStateText("正常")
                .setStateSource("calleeState")
                .setHangupSide(HangupSide.A)
                .setLegDurationSeconds(120)
                .setVendorBilledSeconds(120)
                .setVendorAmount(new BigDecimal("0.310000"))
                .setVendorCurrency("CNY")
                .setAttributes(Map.of("bindId", "b-7"))
                .build();
    }
}
