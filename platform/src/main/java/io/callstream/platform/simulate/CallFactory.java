package io.callstream.platform.simulate;

import io.callstream.platform.simulate.SimulatedCall.Push;
import io.callstream.schema.FailureCategory;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;

/**
 * Realistic calls of the four vendors in their native formats (the same shapes as the ingest
 * service's fixtures), with the outcome callstream must compute, from the vendors' code tables:
 * answered calls with realistic talk times, failures of every mapped state on the calling or the
 * called leg, and, for a vendor under an injected spike, network-side failures.
 */
final class CallFactory {

    static final List<String> VENDORS = List.of("winnerlook", "ucpaas", "yunhuni", "ytx");
    static final String TENANT = "acct-sim";

    private static final DateTimeFormatter BEIJING =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.of("Asia/Shanghai"));

    /** winnerlook callerState/calleeState codes of an unanswered leg and their category. */
    private static final List<Object[]> WINNERLOOK_FAILURES = List.of(
            new Object[] {"1", FailureCategory.INVALID_NUMBER},
            new Object[] {"2", FailureCategory.BUSY},
            new Object[] {"3", FailureCategory.REJECTED},
            new Object[] {"4", FailureCategory.NO_ANSWER},
            new Object[] {"5", FailureCategory.UNREACHABLE},
            new Object[] {"6", FailureCategory.BLOCKED},
            new Object[] {"7", FailureCategory.UNREACHABLE},
            new Object[] {"8", FailureCategory.SUSPENDED},
            new Object[] {"9", FailureCategory.UNKNOWN},
            new Object[] {"12", FailureCategory.CANCELLED},
            new Object[] {"13", FailureCategory.BINDING_ERROR},
            new Object[] {"14", FailureCategory.BINDING_ERROR});

    /** UCPaaS callhangup reasons of a failed call and their category. */
    private static final List<Object[]> UCPAAS_FAILURES = List.of(
            new Object[] {"1", FailureCategory.ACCOUNT_ERROR},
            new Object[] {"2", FailureCategory.NETWORK_ERROR},
            new Object[] {"3", FailureCategory.UNREACHABLE},
            new Object[] {"4", FailureCategory.REJECTED},
            new Object[] {"5", FailureCategory.NO_ANSWER},
            new Object[] {"6", FailureCategory.NO_ANSWER},
            new Object[] {"7", FailureCategory.PLATFORM_ERROR},
            new Object[] {"8", FailureCategory.CANCELLED},
            new Object[] {"9", FailureCategory.ACCOUNT_ERROR},
            new Object[] {"255", FailureCategory.UNKNOWN});

    /** yunhuni CTI error texts/codes of an unanswered calling leg and their category. */
    private static final List<Object[]> YUNHUNI_FAILURES = List.of(
            new Object[] {"486", FailureCategory.BUSY},
            new Object[] {"480", FailureCategory.UNREACHABLE},
            new Object[] {"603", FailureCategory.REJECTED},
            new Object[] {"404", FailureCategory.INVALID_NUMBER},
            new Object[] {"487", FailureCategory.CANCELLED});

    /** YTX stateDesc texts of a failed call ("<answer state>|<reason>") and their category. */
    private static final List<Object[]> YTX_FAILURES = List.of(
            new Object[] {"未接听|用户忙", FailureCategory.BUSY},
            new Object[] {"未接听|无应答", FailureCategory.NO_ANSWER},
            new Object[] {"未接听|空号", FailureCategory.INVALID_NUMBER},
            new Object[] {"未接听|关机", FailureCategory.UNREACHABLE},
            new Object[] {"未接听|拒接", FailureCategory.REJECTED},
            new Object[] {"未接听|停机", FailureCategory.SUSPENDED});

    private final Random random;
    private final String run;

    CallFactory(long seed, String run) {
        this.random = new Random(seed);
        this.run = run;
    }

    /**
     * Call number {@code n}, started at {@code start}.
     *
     * @param spike whether the call's vendor is under an injected failure spike
     */
    SimulatedCall next(long n, Instant start, String vendor, boolean spike) {
        String callId = "sim-" + run + "-" + n;
        boolean fails = spike ? random.nextInt(100) < 60 : random.nextInt(100) < 30;
        int talk = 5 + (int) Math.min(1800, Math.round(-90 * Math.log(1 - random.nextDouble()))); // ~90 s mean
        return switch (vendor) {
            case "winnerlook" -> winnerlook(callId, start, fails, spike, talk);
            case "ucpaas" -> ucpaas(callId, start, fails, spike, talk);
            case "yunhuni" -> yunhuni(callId, start, fails, spike, talk);
            case "ytx" -> ytx(callId, start, fails, talk);
            default -> throw new IllegalArgumentException("unknown vendor " + vendor);
        };
    }

    private SimulatedCall winnerlook(String callId, Instant start, boolean fails, boolean spike, int talk) {
        String json = """
                {"accountId":"%s","bindId":"bind-1","callId":"%s","displayNumber":"17100000000",\
                "callerNumber":"13800000001","calleeNumber":"13900000002","startCallTime":"%s",\
                "callerAnsweredTime":"%s","calleeAnsweredTime":"%s","endTime":"%s","callerState":"%s",\
                "calleeState":"%s","duration":%d}""";
        if (!fails) {
            Instant bridge = start.plusSeconds(9);
            Instant end = bridge.plusSeconds(talk);
            return call(
                    "winnerlook",
                    callId,
                    FailureCategory.NONE,
                    talk,
                    push(
                            "/webhooks/winnerlook",
                            "application/json",
                            json.formatted(
                                    TENANT,
                                    callId,
                                    time(start),
                                    time(start.plusSeconds(1)),
                                    time(bridge),
                                    time(end),
                                    "10",
                                    "0",
                                    SimulatedCall.billed(talk))));
        }
        Object[] failure = spike ? new Object[] {"5", FailureCategory.UNREACHABLE} : pick(WINNERLOOK_FAILURES);
        Instant end = start.plusSeconds(20);
        boolean callingLeg = !spike && random.nextBoolean();
        String body = callingLeg
                // the calling party never answered: the called party was never dialled
                ? json.formatted(TENANT, callId, time(start), "", "", time(end), failure[0], failure[0], 0)
                // the calling party answered, the called party did not
                : json.formatted(
                        TENANT, callId, time(start), time(start.plusSeconds(1)), "", time(end), "0", failure[0], 0);
        return call(
                "winnerlook",
                callId,
                (FailureCategory) failure[1],
                0,
                push("/webhooks/winnerlook", "application/json", body));
    }

    private SimulatedCall ucpaas(String callId, Instant start, boolean fails, boolean spike, int talk) {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?><request><event>callhangup</event><callid>%s</callid>\
                <accountid>%s</accountid><caller>18612345678</caller><called>13512345678</called>\
                <starttime>%s</starttime><stoptime>%s</stoptime><length>%d</length><reason>%s</reason>\
                <subreason></subreason></request>""";
        String establish = """
                <request><event>callestablish</event><callid>%s</callid><accountid>%s</accountid>\
                <caller>18612345678</caller><called>13512345678</called></request>""".formatted(callId, TENANT);
        if (!fails) {
            return call(
                    "ucpaas",
                    callId,
                    FailureCategory.NONE,
                    talk,
                    push("/webhooks/ucpaas", "text/xml;charset=utf-8", establish),
                    push(
                            "/webhooks/ucpaas",
                            "text/xml;charset=utf-8",
                            xml.formatted(callId, TENANT, time(start), time(start.plusSeconds(talk)), talk, "0")));
        }
        Object[] failure = spike ? new Object[] {"2", FailureCategory.NETWORK_ERROR} : pick(UCPAAS_FAILURES);
        return call(
                "ucpaas",
                callId,
                (FailureCategory) failure[1],
                0,
                push(
                        "/webhooks/ucpaas",
                        "text/xml;charset=utf-8",
                        xml.formatted(callId, TENANT, "", "", 0, failure[0])));
    }

    private SimulatedCall yunhuni(String callId, Instant start, boolean fails, boolean spike, int talk) {
        String json = """
                {"action":"event_notify","event":"duo_callback.end","id":"%s","subaccount_id":"sub-1",\
                "begin_time":%d,"answer_time1":%s,"answer_time2":%s,"end_time":%d,"hangup_by":%d,\
                "reason":%s,"error":%s,"user_data":"sim"}""";
        long begin = start.toEpochMilli();
        if (!fails) {
            long bridge = begin + 15_000;
            return call(
                    "yunhuni",
                    callId,
                    FailureCategory.NONE,
                    talk,
                    push(
                            "/webhooks/yunhuni",
                            "application/json",
                            json.formatted(
                                    callId, begin, begin + 6_000, bridge, bridge + talk * 1000L, 2, "null", "null")));
        }
        Object[] failure = spike ? new Object[] {"无法接通", FailureCategory.UNREACHABLE} : pick(YUNHUNI_FAILURES);
        return call(
                "yunhuni",
                callId,
                (FailureCategory) failure[1],
                0,
                push(
                        "/webhooks/yunhuni",
                        "application/json",
                        json.formatted(
                                callId,
                                begin,
                                "null",
                                "null",
                                begin + 30_000,
                                0,
                                "\"failed\"",
                                "\"" + failure[0] + "\"")));
    }

    /** YTX callback: leg-state pushes, then the record (its stateDesc text names a failure's reason). */
    private SimulatedCall ytx(String callId, Instant start, boolean fails, int talk) {
        Instant bridge = start.plusSeconds(10);
        Instant end = bridge.plusSeconds(talk);
        if (fails) {
            Object[] failure = pick(YTX_FAILURES);
            Instant hangup = start.plusSeconds(25);
            boolean callingLeg = random.nextBoolean();
            String record = """
                    {"cdr":[{"requestid":"%s","fid":4,"caller":"18610559223","called":"01053189990",\
                    "callerstime":"%s","calleretime":"%s","calledstime":"","calledetime":"%s",\
                    "duration":0,"stateDesc":"%s"}]}""".formatted(
                    callId, callingLeg ? "" : time(start), callingLeg ? "" : time(hangup), time(hangup), failure[0]);
            Push recordPush = push("/webhooks/ytx?Call", "application/json", record);
            return callingLeg
                    ? call("ytx", callId, (FailureCategory) failure[1], 0, recordPush)
                    : call(
                            "ytx",
                            callId,
                            (FailureCategory) failure[1],
                            0,
                            push("/webhooks/ytx?CallState", "application/json", """
                                    {"requestid":"%s","dsc":"18610559223","state":"answer","stateDesc":"接听",\
                                    "timestamp":"%s"}""".formatted(callId, time(start))),
                            recordPush);
        }
        String state = """
                {"requestid":"%s","dsc":"%s","state":"answer","stateDesc":"接听","timestamp":"%s"}""";
        String cdr = """
                {"cdr":[{"requestid":"%s","fid":4,"caller":"18610559223","called":"01053189990",\
                "callerstime":"%s","calleretime":"%s","calledstime":"%s","calledetime":"%s",\
                "duration":%d,"stateDesc":"应答|正常"}]}""";
        return call(
                "ytx",
                callId,
                FailureCategory.NONE,
                talk,
                push(
                        "/webhooks/ytx?CallState",
                        "application/json",
                        state.formatted(callId, "18610559223", time(start))),
                push(
                        "/webhooks/ytx?CallState",
                        "application/json",
                        state.formatted(callId, "01053189990", time(bridge))),
                push(
                        "/webhooks/ytx?Call",
                        "application/json",
                        cdr.formatted(callId, time(start), time(end), time(bridge), time(end), talk)));
    }

    /** A body no vendor sends: cut in the middle. */
    Push malformed(String vendor) {
        return switch (vendor) {
            case "ucpaas" -> push("/webhooks/ucpaas", "text/xml", "<request><event>callhangup</event><callid>");
            case "ytx" -> push("/webhooks/ytx?Call", "application/json", "{\"cdr\":[{\"requestid\":");
            default -> push("/webhooks/" + vendor, "application/json", "{\"callId\":\"broken");
        };
    }

    String vendor(int[] weights) {
        int total = 0;
        for (int weight : weights) {
            total += weight;
        }
        int pick = random.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            pick -= weights[i];
            if (pick < 0) {
                return VENDORS.get(i);
            }
        }
        return VENDORS.getLast();
    }

    boolean chance(double share) {
        return random.nextDouble() < share;
    }

    /**
     * A failure state: user-side ones (busy, no answer, rejected, cancelled) four times in five, as on
     * a healthy network; each state of the list appears over a run.
     */
    private Object[] pick(List<Object[]> options) {
        boolean userSide = random.nextInt(5) < 4;
        List<Object[]> side = options.stream()
                .filter(option -> USER_SIDE.contains((FailureCategory) option[1]) == userSide)
                .toList();
        List<Object[]> from = side.isEmpty() ? options : side;
        return from.get(random.nextInt(from.size()));
    }

    private static final java.util.Set<FailureCategory> USER_SIDE = java.util.EnumSet.of(
            FailureCategory.CANCELLED, FailureCategory.NO_ANSWER, FailureCategory.BUSY, FailureCategory.REJECTED);

    private static SimulatedCall call(
            String vendor, String callId, FailureCategory category, int talk, Push... pushes) {
        return new SimulatedCall(vendor, callId, List.of(pushes), category, talk, SimulatedCall.billed(talk));
    }

    private static Push push(String path, String contentType, String body) {
        return new Push(path, contentType, body);
    }

    private static String time(Instant instant) {
        return BEIJING.format(instant);
    }
}
