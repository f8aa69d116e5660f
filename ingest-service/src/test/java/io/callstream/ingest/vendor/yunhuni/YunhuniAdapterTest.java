package io.callstream.ingest.vendor.yunhuni;

import static io.callstream.ingest.vendor.Fixtures.CONTEXT;
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

class YunhuniAdapterTest {

    final YunhuniAdapter adapter = new YunhuniAdapter();

    @Test
    void shouldNormalizeABridgedCallIntoTwoLegs() throws Exception {
        PushRequest push = push("both-answered.json");
        Instant begin = Instant.ofEpochMilli(1475220000000L);
        Instant end = Instant.ofEpochMilli(1475220075000L);

        assertThat(adapter.normalize(push, CONTEXT))
                .containsExactly(
                        common(push, "sub-1", "2e2597d4849211e681c7803f5d09b29d", Leg.A, end, HangupSide.B)
                                .setCustomData("order-123")
                                .setAttributes(Map.of("record_file", "rec-1.wav"))
                                .setCallStartTime(begin)
                                .setDialTime(begin)
                                .setAnswerTime(Instant.ofEpochMilli(1475220006000L))
                                .build(),
                        common(push, "sub-1", "2e2597d4849211e681c7803f5d09b29d", Leg.B, end, HangupSide.B)
                                .setCustomData("order-123")
                                .setAttributes(Map.of("record_file", "rec-1.wav"))
                                .setCallStartTime(begin)
                                .setDialTime(Instant.ofEpochMilli(1475220006000L))
                                .setAnswerTime(Instant.ofEpochMilli(1475220015000L))
                                .setLegDurationSeconds(60)
                                .build());
    }

    @Test
    void shouldKeepAnEndEventWithoutTimesAndNeverDateItsEndByArrival() throws Exception {
        // the document allows null for every time: the end is missing, not "now"
        String body = "{\"event\":\"duo_callback.end\",\"id\":\"nt-1\",\"begin_time\":null,"
                + "\"answer_time1\":1475220006000,\"answer_time2\":1475220015000,\"end_time\":null,"
                + "\"duration\":75}";
        PushRequest request = Fixtures.request(
                "yunhuni", body.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json", "");

        List<CallEvent> events = adapter.normalize(request, CONTEXT);

        assertThat(events).hasSize(2).allSatisfy(event -> {
            assertThat(event.getEndTime()).isNull();
            assertThat(event.getDialTime() == null || event.getLeg() == Leg.B).isTrue();
            assertThat(event.getReceivedAt()).isEqualTo(request.receivedAt());
        });
        assertThat(events.get(1).getLegDurationSeconds()).isEqualTo(75);
        // dated by the latest time it states
        assertThat(events.get(1).getEventTime()).isEqualTo(Instant.ofEpochMilli(1475220015000L));
    }

    @Test
    void shouldTellWhoGaveUpWhenTheCtiGivesNoCause() throws Exception {
        String body = "{\"event\":\"duo_callback.end\",\"id\":\"hb-1\",\"begin_time\":1475220000000,"
                + "\"answer_time1\":1475220006000,\"answer_time2\":null,\"end_time\":1475220030000,\"hangup_by\":1}";

        List<CallEvent> events = adapter.normalize(
                Fixtures.request(
                        "yunhuni", body.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json", ""),
                CONTEXT);

        assertThat(events.get(0).getStateSource()).isNull();
        assertThat(events.get(1).getStateSource()).isEqualTo("hangup_by");
        assertThat(events.get(1).getStateCode()).isEqualTo("1");
    }

    @Test
    void shouldPutTheCauseOnLegBWhenOnlyPartyOneAnswered() throws Exception {
        PushRequest push = push("b-not-answered.json");
        Instant begin = Instant.ofEpochMilli(1475220000000L);
        Instant end = Instant.ofEpochMilli(1475220052000L);
        String id = "3f3597d4849211e681c7803f5d09b29d";

        assertThat(adapter.normalize(push, CONTEXT))
                .containsExactly(
                        common(push, "default", id, Leg.A, end, HangupSide.PLATFORM)
                                .setCustomData("order-124")
                                .setCallStartTime(begin)
                                .setDialTime(begin)
                                .setAnswerTime(Instant.ofEpochMilli(1475220006000L))
                                .build(),
                        common(push, "default", id, Leg.B, end, HangupSide.PLATFORM)
                                .setCustomData("order-124")
                                .setLegDurationSeconds(0)
                                .setStateCode("480")
                                .setStateText("no answer")
                                .setStateSource("error")
                                .setCallStartTime(begin)
                                .setDialTime(Instant.ofEpochMilli(1475220006000L))
                                .build());
    }

    @Test
    void shouldReportOnlyLegAWhenPartyOneNeverAnswered() throws Exception {
        PushRequest push = push("a-not-answered.json");
        Instant begin = Instant.ofEpochMilli(1475220000000L);
        Instant end = Instant.ofEpochMilli(1475220045000L);

        assertThat(adapter.normalize(push, CONTEXT))
                .containsExactly(
                        common(push, "default", "4a4597d4849211e681c7803f5d09b29d", Leg.A, end, HangupSide.PLATFORM)
                                .setStateCode("486")
                                .setStateText("user busy")
                                .setStateSource("error")
                                .setCallStartTime(begin)
                                .setDialTime(begin)
                                .build());
    }

    @Test
    void shouldAcknowledgeOtherEventsWithoutCallEvents() throws Exception {
        assertThat(adapter.normalize(push("other-event.json"), CONTEXT)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {"missing-id.json | missing field id", "bad-time.json   | field begin_time is not an epoch time"})
    void shouldRejectInvalidPushes(String file, String reason) {
        assertThatThrownBy(() -> adapter.normalize(push(file), CONTEXT))
                .isInstanceOf(InvalidPushException.class)
                .hasMessageStartingWith(reason);
    }

    @Test
    void shouldAnswerHttp200() {
        assertThat(adapter.accepted(push("both-answered.json")).status()).isEqualTo(200);
        assertThat(adapter.rejected(400, "missing field id")).isEqualTo(new Reply(400, Reply.TEXT, "missing field id"));
    }

    private static CallEvent.Builder common(
            PushRequest push, String tenant, String callId, Leg leg, Instant end, HangupSide side) {
        return expected(push, tenant, callId, leg, CallEventType.CALL_RECORD, end)
                .setEndTime(end)
                .setHangupSide(side);
    }

    private static PushRequest push(String file) {
        return Fixtures.request("yunhuni", file, "application/json;charset=utf-8", "");
    }
}
