package io.callstream.ingest.vendor.ytx;

import static io.callstream.ingest.vendor.Fixtures.CONTEXT;
import static io.callstream.ingest.vendor.Fixtures.RECEIVED;
import static io.callstream.ingest.vendor.Fixtures.beijing;
import static io.callstream.ingest.vendor.Fixtures.expected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.callstream.ingest.vendor.Fixtures;
import io.callstream.ingest.vendor.InvalidPushException;
import io.callstream.ingest.vendor.PushRequest;
import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.Leg;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class YtxAdapterTest {

    static final String CALL_ID = "20200437755811196850667520400";
    final YtxAdapter adapter = new YtxAdapter();

    @Test
    void shouldNormalizeAStatePushAsALegOfUnknownSideIdentifiedByNumber() throws Exception {
        PushRequest push = push("state-answer.json", "CallState");
        Instant time = beijing("2020-04-28 14:51:37");

        assertThat(adapter.normalize(push, CONTEXT))
                .containsExactly(expected(push, "default", CALL_ID, Leg.UNKNOWN, CallEventType.ANSWERED, time)
                        .setPartyNumber("18610559223")
                        .setAnswerTime(time)
                        .setStateCode("answer")
                        .setStateText("接听")
                        .setStateSource("state")
                        .build());
    }

    @Test
    void shouldMapRingingStatesToTheRingTime() throws Exception {
        CallEvent event = adapter.normalize(push("state-alerting.json", "CallState=1"), CONTEXT)
                .getFirst();

        assertThat(event.getEventType()).isEqualTo(CallEventType.RINGING);
        assertThat(event.getRingTime()).isEqualTo(beijing("2020-04-28 14:51:40"));
    }

    @Test
    void shouldNormalizeACallRecordIntoBothLegsWithAmountAndDuration() throws Exception {
        PushRequest push = push("cdr-both.json", "Call");
        Instant end = beijing("2020-04-28 14:51:47");

        assertThat(adapter.normalize(push, CONTEXT))
                .containsExactly(
                        record(push, "ff1f0000", CALL_ID, Leg.A, end)
                                .setPartyNumber("18610559223")
                                .setAnswerTime(beijing("2020-04-28 14:51:37"))
                                .setLegDurationSeconds(10)
                                .setCustomData("order-id-123456")
                                .setRecordingUrl("http://rec.example/20200428145126_xxx.mp3")
                                .build(),
                        record(push, "ff1f0000", CALL_ID, Leg.B, end)
                                .setPartyNumber("01053189990")
                                .setAnswerTime(beijing("2020-04-28 14:51:43"))
                                .setCustomData("order-id-123456")
                                .setRecordingUrl("http://rec.example/20200428145126_xxx.mp3")
                                .build());
    }

    @Test
    void shouldReadEveryRecordOfAPushAndTreatEmptyTimesAsNotReached() throws Exception {
        var events = adapter.normalize(push("cdr-two-records-a-only.json", "Call"), CONTEXT);

        assertThat(events).extracting(CallEvent::getCallId).containsExactly("r-1", "r-1", "r-2", "r-2");
        assertThat(events.get(1).getAnswerTime()).isNull();
        assertThat(events.get(0).getRecordingUrl()).isNull();
        assertThat(events.get(0).getVendorAmount()).isEqualTo(new BigDecimal("0.150000"));
        assertThat(events.get(2).getEventTime()).isEqualTo(RECEIVED);
        assertThat(events.get(2).getVendorAmount()).isNull();
    }

    @ParameterizedTest(name = "{0}?{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "cdr-missing-requestid.json | Call   | missing field cdr[0].requestid",
                "cdr-empty.json             | Call   | missing or empty array cdr",
                "state-answer.json          | Other  | unknown push kind"
            })
    void shouldRejectInvalidPushes(String file, String query, String reason) {
        assertThatThrownBy(() -> adapter.normalize(push(file, query), CONTEXT))
                .isInstanceOf(InvalidPushException.class)
                .hasMessageStartingWith(reason);
    }

    private static CallEvent.Builder record(PushRequest push, String tenant, String callId, Leg leg, Instant end) {
        return expected(push, tenant, callId, leg, CallEventType.CALL_RECORD, end)
                .setEndTime(end)
                .setStateText("应答|正常")
                .setStateSource("stateDesc")
                .setVendorAmount(new BigDecimal("0.310000"))
                .setVendorCurrency("CNY")
                .setAttributes(Map.of("fid", "4"));
    }

    private static PushRequest push(String file, String query) {
        return Fixtures.request("ytx", file, "application/json", query);
    }
}
