package io.callstream.ingest.vendor.winnerlook;

import static io.callstream.ingest.vendor.Fixtures.CONTEXT;
import static io.callstream.ingest.vendor.Fixtures.beijing;
import static io.callstream.ingest.vendor.Fixtures.expected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.callstream.ingest.vendor.Fixtures;
import io.callstream.ingest.vendor.InvalidPushException;
import io.callstream.ingest.vendor.PushRequest;
import io.callstream.ingest.vendor.Reply;
import io.callstream.schema.CallEvent;
import io.callstream.schema.CallEventType;
import io.callstream.schema.HangupSide;
import io.callstream.schema.Leg;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WinnerlookAdapterTest {

    static final String JSON = "application/json";
    final WinnerlookAdapter adapter = new WinnerlookAdapter();

    @Test
    void shouldNormalizeAnAnsweredCallIntoCallerAndCalleeRecords() throws Exception {
        PushRequest push = push("answered.json", JSON);
        Instant end = beijing("2024-05-01 10:02:09");
        Instant start = beijing("2024-05-01 10:00:00");

        List<CallEvent> events = adapter.normalize(push, CONTEXT);

        CallEvent caller = common(push, "acct-9", "wl-001", Leg.A, end)
                .setPartyNumber("13800000001")
                .setCallStartTime(start)
                .setDialTime(start)
                .setAnswerTime(beijing("2024-05-01 10:00:01"))
                .setStateCode("10")
                .setStateSource("callerState")
                .setLegDurationSeconds(128)
                .build();
        CallEvent callee = common(push, "acct-9", "wl-001", Leg.B, end)
                .setPartyNumber("13900000002")
                .setCallStartTime(start)
                .setAnswerTime(beijing("2024-05-01 10:00:09"))
                .setStateCode("0")
                .setStateSource("calleeState")
                .setLegDurationSeconds(120)
                .build();
        assertThat(events).containsExactly(caller, callee);
    }

    @Test
    void shouldKeepAFailedCalleeLegWithOptionalFieldsMissingAndPrefixesStripped() throws Exception {
        PushRequest push = push("callee-busy-minimal.json", JSON);
        Instant end = beijing("2024-05-01 10:05:20");

        List<CallEvent> events = adapter.normalize(push, CONTEXT);

        assertThat(events)
                .containsExactly(
                        expected(push, "default", "wl-002", Leg.A, CallEventType.CALL_RECORD, end)
                                .setEndTime(end)
                                .setPartyNumber("13800000001")
                                .setCallStartTime(beijing("2024-05-01 10:05:00"))
                                .setDialTime(beijing("2024-05-01 10:05:00"))
                                .setAnswerTime(beijing("2024-05-01 10:05:01"))
                                .setStateCode("0")
                                .setStateSource("callerState")
                                .build(),
                        expected(push, "default", "wl-002", Leg.B, CallEventType.CALL_RECORD, end)
                                .setEndTime(end)
                                .setPartyNumber("13900000002")
                                .setCallStartTime(beijing("2024-05-01 10:05:00"))
                                .setStateCode("2")
                                .setStateSource("calleeState")
                                .build());
    }

    @Test
    void shouldDecodeABodyDeclaredAsGbk() throws Exception {
        List<CallEvent> events =
                adapter.normalize(push("no-answer-gbk.json", "application/json; charset=GBK"), CONTEXT);

        assertThat(events).extracting(CallEvent::getCustomData).containsOnly("订单-甲");
        assertThat(events).extracting(CallEvent::getStateCode).containsExactly("0", "4");
    }

    @Test
    void shouldReadTheSameFieldsPostedAsAForm() throws Exception {
        List<CallEvent> asJson = adapter.normalize(push("answered.json", JSON), CONTEXT);
        List<CallEvent> asForm =
                adapter.normalize(push("answered-form.txt", "application/x-www-form-urlencoded"), CONTEXT);

        assertThat(asForm).hasSize(2);
        assertThat(asForm)
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields(
                        "eventId", "pushId", "customData", "envelopeId")
                .isEqualTo(asJson);
        assertThat(asForm).extracting(CallEvent::getCustomData).containsOnly("订单-1");
    }

    @Test
    void shouldAcceptAPushWithoutTimesDatedByItsArrival() throws Exception {
        PushRequest push = push("missing-end-time.json", JSON);

        List<CallEvent> events = adapter.normalize(push, CONTEXT);

        assertThat(events).hasSize(2);
        assertThat(events).extracting(CallEvent::getEndTime).containsOnlyNulls();
        assertThat(events).extracting(CallEvent::getEventTime).containsOnly(push.receivedAt());
        assertThat(events).extracting(CallEvent::getStateCode).containsExactly("0", "0");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "bad-time.json         | field endTime is not a time (yyyy-MM-dd HH:mm:ss, yyyyMMddHHmmss or epoch): 01/05/2024 10:00",
                "malformed.json        | malformed JSON"
            })
    void shouldRejectInvalidPushesWithAReason(String file, String reason) {
        assertThatThrownBy(() -> adapter.normalize(push(file, JSON), CONTEXT))
                .isInstanceOf(InvalidPushException.class)
                .hasMessageStartingWith(reason);
    }

    @ParameterizedTest(name = "callee state {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14})
    void shouldKeepEveryCalleeStateRawOnLegB(int state) throws Exception {
        String body = "{\"callId\":\"wl-s" + state + "\",\"endTime\":\"2024-05-01 11:00:00\",\"callerState\":0,"
                + "\"calleeState\":" + state + "}";

        List<CallEvent> events = adapter.normalize(
                Fixtures.request("winnerlook", body.getBytes(java.nio.charset.StandardCharsets.UTF_8), JSON, ""),
                CONTEXT);

        assertThat(events)
                .extracting(CallEvent::getLeg, CallEvent::getStateCode, CallEvent::getStateSource)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Leg.A, "0", "callerState"),
                        org.assertj.core.groups.Tuple.tuple(Leg.B, Integer.toString(state), "calleeState"));
        assertThat(events.getFirst().getHangupSide())
                .isEqualTo(state == 10 ? HangupSide.A : state == 11 ? HangupSide.B : HangupSide.UNKNOWN);
    }

    @Test
    void shouldAnswerAsTheVendorExpects() {
        assertThat(adapter.accepted(push("answered.json", JSON)))
                .isEqualTo(new Reply(200, Reply.JSON, "{\"resultCode\":\"200\"}"));
        assertThat(adapter.rejected(400, "missing field \"callId\""))
                .isEqualTo(new Reply(
                        400, Reply.JSON, "{\"resultCode\":\"400\",\"message\":\"missing field \\\"callId\\\"\"}"));
    }

    private static CallEvent.Builder common(PushRequest push, String tenant, String callId, Leg leg, Instant end) {
        return expected(push, tenant, callId, leg, CallEventType.CALL_RECORD, end)
                .setDisplayedNumber("17100000000")
                .setEndTime(end)
                .setHangupSide(HangupSide.A)
                .setVendorBilledSeconds(120)
                .setCustomData("order-1")
                .setRecordingUrl("https://rec.example/wl-001.mp3")
                .setAttributes(Map.of("bindId", "bind-7"));
    }

    private static PushRequest push(String file, String contentType) {
        return Fixtures.request("winnerlook", file, contentType, "");
    }
}
