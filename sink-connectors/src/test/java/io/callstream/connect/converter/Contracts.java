package io.callstream.connect.converter;

import io.callstream.schema.AlertState;
import io.callstream.schema.Call;
import io.callstream.schema.CallAlert;
import io.callstream.schema.CallKpi;
import io.callstream.schema.CallLeg;
import io.callstream.schema.CallOutcome;
import io.callstream.schema.CategoryCount;
import io.callstream.schema.FailureCategory;
import io.callstream.schema.HangupSide;
import io.callstream.schema.Leg;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** Fully populated records of the published contracts, with nulls where the contracts allow them. */
public final class Contracts {

    public static final Instant DIALED = Instant.parse("2025-03-14T09:26:53.589Z");
    public static final Instant FINALISED = Instant.parse("2025-03-14T09:30:00.123Z");

    private Contracts() {}

    public static Call call() {
        return Call.newBuilder()
                .setVendor("ytx")
                .setTenantId("t-1")
                .setCallId("c-1")
                .setVersion(2)
                .setLegA(leg(Leg.A, DIALED))
                .setLegB(leg(Leg.B, DIALED.plusSeconds(3)))
                .setOutcome(CallOutcome.CONNECTED)
                .setFailureCategory(FailureCategory.NONE)
                .setHangupSide(HangupSide.B)
                .setStartTime(DIALED)
                .setBridgeTime(DIALED.plusSeconds(12))
                .setEndTime(DIALED.plusSeconds(95))
                .setTalkSeconds(83)
                .setBilledSeconds(120)
                .setAmount(new BigDecimal("0.240000"))
                .setCurrency("CNY")
                .setTariffId("tariff-7")
                .setVendorBilledSeconds(120)
                .setBillingDifferenceSeconds(0)
                .setVendorAmount(null)
                .setMaxDurationSeconds(null)
                .setCustomData(null)
                .setEventCount(4)
                .setFinalisedAt(FINALISED)
                .build();
    }

    static CallLeg leg(Leg leg, Instant dialed) {
        return CallLeg.newBuilder()
                .setLeg(leg)
                .setPartyNumber("1380013800" + leg.ordinal())
                .setDisplayedNumber("95013")
                .setDialTime(dialed)
                .setRingTime(dialed.plusSeconds(4))
                .setAnswerTime(dialed.plusSeconds(9))
                .setEndTime(DIALED.plusSeconds(95))
                .setStateCode("0")
                .setStateText(null)
                .setStateSource("calleeState")
                .setFailureCategory(FailureCategory.NONE)
                .setTalkSeconds(86)
                .build();
    }

    public static CallKpi kpi() {
        return CallKpi.newBuilder()
                .setTenantId("t-1")
                .setVendor("ytx")
                .setWindowStart(Instant.parse("2025-03-14T09:00:00Z"))
                .setWindowEnd(Instant.parse("2025-03-14T09:05:00Z"))
                .setAttempts(40)
                .setAnswered(30)
                .setNetworkEffective(36)
                .setAsr(0.75)
                .setNer(0.9)
                .setAcdSeconds(64.5)
                .setAvgPostDialDelayMillis(null)
                .setTalkSeconds(1935)
                .setBilledSeconds(2400)
                .setFailures(failures())
                .setEmittedAt(FINALISED)
                .build();
    }

    public static CallAlert alert() {
        return CallAlert.newBuilder()
                .setAlertId("a-1")
                .setTenantId("t-1")
                .setVendor("ytx")
                .setState(AlertState.RAISED)
                .setEventTime(FINALISED)
                .setWindowStart(Instant.parse("2025-03-14T09:25:00Z"))
                .setWindowEnd(Instant.parse("2025-03-14T09:30:00Z"))
                .setAttempts(40)
                .setFailures(10)
                .setFailureRate(0.25)
                .setBaselineRate(null)
                .setThreshold(0.2)
                .setBaselineFactor(2.0)
                .setTopCategories(failures())
                .setMessage("Failure rate 25% over threshold 20%")
                .build();
    }

    private static List<CategoryCount> failures() {
        return List.of(new CategoryCount(FailureCategory.BUSY, 6L), new CategoryCount(FailureCategory.NO_ANSWER, 4L));
    }
}
