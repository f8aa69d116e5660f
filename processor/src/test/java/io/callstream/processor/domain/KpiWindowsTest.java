package io.callstream.processor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.schema.Call;
import io.callstream.schema.CallKpi;
import io.callstream.schema.CallLeg;
import io.callstream.schema.CallOutcome;
import io.callstream.schema.CategoryCount;
import io.callstream.schema.FailureCategory;
import io.callstream.schema.Leg;
import io.callstream.schema.QualityFlag;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KpiWindowsTest {

    static final Instant MINUTE = Instant.parse("2024-05-01T02:00:00Z");

    @Test
    void shouldComputeRatiosAveragesAndFailureCountsOverAWindow() {
        Call answered = call("c1", CallOutcome.CONNECTED, FailureCategory.NONE, 120, 120, 4_000);
        Call busy = call("c2", CallOutcome.FAILED, FailureCategory.BUSY, 0, 0, 2_000);
        Call unreachable = call("c3", CallOutcome.FAILED, FailureCategory.UNREACHABLE, 0, 0, -1);

        CallKpi kpi = KpiWindows.add(KpiWindows.add(KpiWindows.add(null, answered), busy), unreachable);

        assertThat(kpi.getWindowStart()).isEqualTo(MINUTE);
        assertThat(kpi.getWindowEnd()).isEqualTo(MINUTE.plusSeconds(60));
        assertThat(kpi.getAttempts()).isEqualTo(3);
        assertThat(kpi.getAnswered()).isEqualTo(1);
        assertThat(kpi.getNetworkEffective()).isEqualTo(2);
        assertThat(kpi.getAsr()).isEqualTo(1.0 / 3);
        assertThat(kpi.getNer()).isEqualTo(2.0 / 3);
        assertThat(kpi.getAcdSeconds()).isEqualTo(120.0);
        assertThat(kpi.getAvgPostDialDelayMillis()).isEqualTo(3_000.0);
        assertThat(kpi.getBilledSeconds()).isEqualTo(120);
        assertThat(kpi.getFailures())
                .containsExactly(
                        new CategoryCount(FailureCategory.BUSY, 1L),
                        new CategoryCount(FailureCategory.UNREACHABLE, 1L));
    }

    @Test
    void shouldLeaveCallsWithUntrustworthyTimesOutOfAcdAndPostDialDelayButCountThem() {
        Call normal = call("c1", CallOutcome.CONNECTED, FailureCategory.NONE, 60, 60, 2_000);
        // an impossible push: the callee "answered" after the end; its talk must not drag ACD about
        Call impossible = Call.newBuilder(call("c2", CallOutcome.CONNECTED, FailureCategory.NONE, 3_000, 3_000, 9_000))
                .setQualityFlags(List.of(QualityFlag.END_BEFORE_ANSWER))
                .build();
        Call rounded = Call.newBuilder(call("c3", CallOutcome.CONNECTED, FailureCategory.NONE, 120, 120, 4_000))
                .setQualityFlags(List.of(QualityFlag.ROUNDED_AMOUNT))
                .build();

        CallKpi kpi = KpiWindows.add(KpiWindows.add(KpiWindows.add(null, normal), impossible), rounded);

        assertThat(kpi.getAnswered()).isEqualTo(3);
        assertThat(kpi.getFlaggedCalls()).isEqualTo(2);
        assertThat(kpi.getAcdCalls()).isEqualTo(2);
        assertThat(kpi.getAcdSeconds()).isEqualTo(90.0);
        assertThat(kpi.getAvgPostDialDelayMillis()).isEqualTo(3_000.0);
        assertThat(kpi.getTalkSeconds()).isEqualTo(3_180);
        assertThat(kpi.getBilledSeconds()).isEqualTo(3_180);
        assertThat(KpiWindows.subtract(kpi, impossible).getFlaggedCalls()).isEqualTo(1);
    }

    @Test
    void shouldTakeBackExactlyWhatACallAdded() {
        Call first = call("c1", CallOutcome.CONNECTED, FailureCategory.NONE, 61, 120, 1_000);
        Call second = call("c2", CallOutcome.FAILED, FailureCategory.NO_ANSWER, 0, 0, -1);
        CallKpi withFirst = KpiWindows.add(null, first);

        CallKpi back = KpiWindows.subtract(KpiWindows.add(withFirst, second), second);

        assertThat(back).isEqualTo(withFirst);
        CallKpi none = KpiWindows.subtract(withFirst, first);
        assertThat(none.getAttempts()).isZero();
        assertThat(none.getAcdSeconds()).isNull();
        assertThat(none.getFailures()).isEmpty();
    }

    @Test
    void shouldWindowByCallStartOrElseEnd() {
        Call started = call("c1", CallOutcome.CONNECTED, FailureCategory.NONE, 1, 60, -1);
        Call noStart = Call.newBuilder(started)
                .setStartTime(null)
                .setEndTime(MINUTE.plusSeconds(95))
                .build();

        assertThat(KpiWindows.key(KpiWindows.contribution(started, 1))).isEqualTo("t-1:ytx:" + MINUTE.toEpochMilli());
        assertThat(KpiWindows.windowStart(noStart)).isEqualTo(MINUTE.plusSeconds(60));
    }

    static Call call(String id, CallOutcome outcome, FailureCategory category, int talk, int billed, long pddMillis) {
        CallLeg legB = CallLeg.newBuilder()
                .setLeg(Leg.B)
                .setDialTime(pddMillis < 0 ? null : MINUTE.plusSeconds(10))
                .setRingTime(pddMillis < 0 ? null : MINUTE.plusSeconds(10).plusMillis(pddMillis))
                .build();
        return Call.newBuilder()
                .setVendor("ytx")
                .setTenantId("t-1")
                .setCallId(id)
                .setVersion(1)
                .setLegB(legB)
                .setOutcome(outcome)
                .setFailureCategory(category)
                .setStartTime(MINUTE.plusSeconds(5))
                .setTalkSeconds(talk)
                .setBilledSeconds(billed)
                .setFinalisedAt(MINUTE.plusSeconds(200))
                .build();
    }
}
