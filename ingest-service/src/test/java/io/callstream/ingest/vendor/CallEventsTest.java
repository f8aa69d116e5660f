package io.callstream.ingest.vendor;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.ingest.vendor.winnerlook.WinnerlookAdapter;
import io.callstream.schema.CallEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallEventsTest {

    final WinnerlookAdapter adapter = new WinnerlookAdapter();

    @Test
    void shouldGiveAVendorsRetryOfTheSamePushTheSameEventIds() throws Exception {
        byte[] body = Fixtures.bytes("winnerlook", "answered.json");
        PushRequest first = Fixtures.request("winnerlook", body, "application/json", "");
        PushRequest retry = new PushRequest(
                "env-2",
                "winnerlook",
                first.endpoint(),
                "",
                first.headers(),
                first.contentType(),
                body.clone(),
                "10.0.0.9",
                first.receivedAt().plusSeconds(5));

        assertThat(ids(retry)).isEqualTo(ids(first)).doesNotHaveDuplicates().hasSize(2);
        assertThat(pushIds(retry))
                .isEqualTo(pushIds(first))
                .containsOnly(pushIds(first).getFirst());
        assertThat(adapter.normalize(retry, Fixtures.CONTEXT))
                .extracting(CallEvent::getEnvelopeId)
                .containsOnly("env-2");
    }

    private List<String> pushIds(PushRequest request) throws InvalidPushException {
        return adapter.normalize(request, Fixtures.CONTEXT).stream()
                .map(CallEvent::getPushId)
                .toList();
    }

    @Test
    void shouldGiveADifferentPushOfTheSameCallDifferentEventIds() throws Exception {
        String body = new String(Fixtures.bytes("winnerlook", "answered.json"), StandardCharsets.UTF_8);
        PushRequest original =
                Fixtures.request("winnerlook", body.getBytes(StandardCharsets.UTF_8), "application/json", "");
        PushRequest corrected = Fixtures.request(
                "winnerlook",
                body.replace("\"duration\":120", "\"duration\":180").getBytes(StandardCharsets.UTF_8),
                "application/json",
                "");

        assertThat(ids(corrected)).doesNotContainAnyElementsOf(ids(original));
        assertThat(pushIds(corrected)).doesNotContainAnyElementsOf(pushIds(original));
    }

    private List<String> ids(PushRequest request) throws InvalidPushException {
        return adapter.normalize(request, Fixtures.CONTEXT).stream()
                .map(CallEvent::getEventId)
                .toList();
    }

    @Test
    void shouldCountEachCallsEventsOfAPush() throws Exception {
        PushRequest twoCalls = Fixtures.request("ytx", "cdr-two-records-a-only.json", "application/json", "Call");
        PushRequest oneLeg = Fixtures.request("yunhuni", "a-not-answered.json", "application/json", "");

        var counted = CallEvents.withPushCounts(
                new io.callstream.ingest.vendor.ytx.YtxAdapter().normalize(twoCalls, Fixtures.CONTEXT));
        var single = CallEvents.withPushCounts(
                new io.callstream.ingest.vendor.yunhuni.YunhuniAdapter().normalize(oneLeg, Fixtures.CONTEXT));

        assertThat(counted)
                .extracting(CallEvent::getCallId, CallEvent::getPushEventCount)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("r-1", 2), org.assertj.core.groups.Tuple.tuple("r-1", 2),
                        org.assertj.core.groups.Tuple.tuple("r-2", 2), org.assertj.core.groups.Tuple.tuple("r-2", 2));
        assertThat(single).extracting(CallEvent::getPushEventCount).containsExactly(1);
    }
}
