package io.callstream.ingest.vendor.ucpaas;

import static io.callstream.ingest.vendor.Fixtures.CONTEXT;
import static io.callstream.ingest.vendor.Fixtures.RECEIVED;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UcpaasAdapterTest {

    static final String XML = "text/xml;charset=utf-8";
    final UcpaasAdapter adapter = new UcpaasAdapter();

    @Test
    void shouldNormalizeAHangupRecordIntoBothLegsWithTheBridgeOnLegB() throws Exception {
        PushRequest push = push("hangup-normal.xml", XML);
        Instant end = beijing("2014-06-16 17:31:14");
        String callId = "60000000000008mRrDm254582";
        Map<String, String> attributes = Map.of(
                "appid",
                "0e0ad5c8ba5c4225b9eff2f4c0259196",
                "calltype",
                "1",
                "callertype",
                "1",
                "calledtype",
                "1",
                "callernum",
                "18612345678",
                "subreason",
                "2");

        assertThat(adapter.normalize(push, CONTEXT))
                .containsExactly(
                        record(push, "aae25ec101fc12087516bc6564d0aa73", callId, Leg.A, end, "0", HangupSide.B)
                                .setDisplayedNumber("075512345678")
                                .setCustomData("order-123")
                                .setAttributes(attributes)
                                .setPartyNumber("18612345678")
                                .build(),
                        record(push, "aae25ec101fc12087516bc6564d0aa73", callId, Leg.B, end, "0", HangupSide.B)
                                .setDisplayedNumber("075512345678")
                                .setCustomData("order-123")
                                .setAttributes(attributes)
                                .setPartyNumber("13512345678")
                                .setAnswerTime(beijing("2014-06-16 16:47:28"))
                                .setLegDurationSeconds(2626)
                                .build());
    }

    @Test
    void shouldNeverTakeTheArrivalForTheEndOfAnUnansweredHangupWithoutTimes() throws Exception {
        PushRequest push = push("hangup-no-answer.xml", XML);

        assertThat(adapter.normalize(push, CONTEXT))
                .containsExactly(
                        record(push, "acct-u", "60000000000009xYz", Leg.A, RECEIVED, "5", HangupSide.UNKNOWN)
                                .setEndTime(null)
                                .setPartyNumber("18612345678")
                                .build(),
                        record(push, "acct-u", "60000000000009xYz", Leg.B, RECEIVED, "5", HangupSide.UNKNOWN)
                                .setEndTime(null)
                                .setLegDurationSeconds(0)
                                .setPartyNumber("13512345679")
                                .build());
    }

    /** VENDORS.md 9: answered only when the vendor's figures say the parties talked. */
    @ParameterizedTest(name = "reason {0}, {1}-{2}, length {3}: answered {4}, end {5}")
    @CsvSource({
        // a failure reason with length 0 never connected, whatever its times say
        "5, 2024-05-01 10:00:00, 2024-05-01 10:00:00, 0, false, 2024-05-01T02:00:00Z",
        "5, 2024-05-01 10:00:00, 2024-05-01 10:00:45, 0, false, 2024-05-01T02:00:45Z",
        "1, 2024-05-01 10:00:00, 2024-05-01 10:00:45, 0, false, 2024-05-01T02:00:45Z",
        "3, 2024-05-01 10:00:00, 2024-05-01 10:00:45, 0, false, 2024-05-01T02:00:45Z",
        "4, 2024-05-01 10:00:00, 2024-05-01 10:00:45, 0, false, 2024-05-01T02:00:45Z",
        "8, 2024-05-01 10:00:00, 2024-05-01 10:00:45, 0, false, 2024-05-01T02:00:45Z",
        // connected, then dropped (media timeout)
        "2, 2024-05-01 10:00:00, 2024-05-01 10:00:45, 45, true, 2024-05-01T02:00:45Z",
        // a normal hang-up with a talk start
        "0, 2024-05-01 10:00:00, 2024-05-01 10:00:45, 45, true, 2024-05-01T02:00:45Z",
        // no stoptime: the end is the talk start plus the length, never the push's arrival
        "0, 2024-05-01 10:00:00, '', 45, true, 2024-05-01T02:00:45Z",
        "5, 2024-05-01 10:00:00, '', 0, false, ''",
    })
    void shouldAnswerALegOnlyWhenTheVendorSaysThePartiesTalked(
            int reason, String start, String stop, int length, boolean answered, String end) throws Exception {
        String body = "<request><event>callhangup</event><callid>a" + reason + "</callid><starttime>" + start
                + "</starttime><stoptime>" + stop + "</stoptime><length>" + length + "</length><reason>" + reason
                + "</reason></request>";

        CallEvent called = adapter.normalize(
                        Fixtures.request("ucpaas", body.getBytes(java.nio.charset.StandardCharsets.UTF_8), XML, ""),
                        CONTEXT)
                .get(1);

        assertThat(called.getAnswerTime() != null).isEqualTo(answered);
        assertThat(called.getEndTime()).isEqualTo(end.isEmpty() ? null : Instant.parse(end));
        assertThat(called.getLegDurationSeconds()).isEqualTo(length);
        assertThat(called.getVendorBilledSeconds()).isNull();
    }

    @ParameterizedTest(name = "reason {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 255})
    void shouldKeepEveryHangupReasonOnBothLegsAndTheSideOnlyForNormalHangups(int reason) throws Exception {
        String body = "<request><event>callhangup</event><callid>r" + reason + "</callid><reason>" + reason
                + "</reason><subreason>1</subreason></request>";

        var events = adapter.normalize(
                Fixtures.request("ucpaas", body.getBytes(java.nio.charset.StandardCharsets.UTF_8), XML, ""), CONTEXT);

        assertThat(events)
                .extracting(CallEvent::getStateCode)
                .containsExactly(Integer.toString(reason), Integer.toString(reason));
        assertThat(events)
                .extracting(CallEvent::getHangupSide)
                .containsOnly(reason == 0 ? HangupSide.A : HangupSide.UNKNOWN);
    }

    @Test
    void shouldHonourTheXmlDeclarationsGbkEncoding() throws Exception {
        var events = adapter.normalize(push("hangup-gbk.xml", "text/xml"), CONTEXT);

        assertThat(events).extracting(CallEvent::getCustomData).containsOnly("订单-乙");
        assertThat(events).extracting(CallEvent::getHangupSide).containsOnly(HangupSide.A);
    }

    @Test
    void shouldReportEstablishedCallsAsLegBAnswered() throws Exception {
        PushRequest push = push("establish.xml", XML);

        assertThat(adapter.normalize(push, CONTEXT))
                .containsExactly(expected(push, "acct-u", "60000000000011est", Leg.B, CallEventType.ANSWERED, RECEIVED)
                        .setPartyNumber("13512345678")
                        .setAnswerTime(RECEIVED)
                        .build());
    }

    @Test
    void shouldReportCallRequestsAsLegADialing() throws Exception {
        PushRequest push = push("callreq.xml", XML);

        assertThat(adapter.normalize(push, CONTEXT))
                .containsExactly(expected(push, "default", "60000000000012req", Leg.A, CallEventType.DIALING, RECEIVED)
                        .setPartyNumber("18612345678")
                        .setDialTime(RECEIVED)
                        .build());
        assertThat(adapter.accepted(push).body()).contains("<retcode>0</retcode>");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {"missing-callid.xml | missing field callid", "malformed.xml | malformed XML"})
    void shouldRejectInvalidPushes(String file, String reason) {
        assertThatThrownBy(() -> adapter.normalize(push(file, XML), CONTEXT))
                .isInstanceOf(InvalidPushException.class)
                .hasMessageStartingWith(reason);
    }

    @Test
    void shouldAnswerWithTheXmlResponseEnvelope() {
        assertThat(adapter.accepted(push("callreq.xml", XML)))
                .isEqualTo(
                        new Reply(
                                200,
                                Reply.XML,
                                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><retcode>0</retcode><reason>ok</reason></response>"));
        assertThat(adapter.rejected(400, "bad <callid>").body())
                .isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><retcode>400</retcode>"
                        + "<reason>bad &lt;callid&gt;</reason></response>");
    }

    private static CallEvent.Builder record(
            PushRequest push, String tenant, String callId, Leg leg, Instant end, String reason, HangupSide side) {
        return expected(push, tenant, callId, leg, CallEventType.CALL_RECORD, end)
                .setEndTime(end)
                .setStateCode(reason)
                .setStateSource("reason")
                .setHangupSide(side);
    }

    private static PushRequest push(String file, String contentType) {
        return Fixtures.request("ucpaas", file, contentType, "");
    }
}
