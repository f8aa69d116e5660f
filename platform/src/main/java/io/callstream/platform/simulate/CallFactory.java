package io.callstream.platform.simulate;

import io.callstream.platform.simulate.SimulatedCall.Push;
import io.callstream.schema.DifferenceClass;
import io.callstream.schema.FailureCategory;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Realistic calls of the four vendors in their native formats (the same shapes as the ingest
 * service's fixtures), with the outcome callstream must compute: answered calls with realistic talk
 * times, failures of every mapped state on the calling or the called leg, and, for a vendor under an
 * injected spike, network-side failures; plus the cases vendors really send (failures with times,
 * optional fields left out, corrections, legs released at different times, who hung up) and a few
 * vendor figures that differ from ours on purpose, each with the reconciliation class it must get.
 *
 * <p>The expectations come from the small tables below, written from the vendor documents
 * (VENDORS.md), and from the simulator's own arithmetic; never from the processor's code tables or
 * joiner, so a wrong row there fails the end-to-end test.
 */
final class CallFactory {

    static final List<String> VENDORS = List.of("winnerlook", "ucpaas", "yunhuni", "ytx");
    /**
     * The vendors that push progress before a call's final push: UCPaaS's {@code callestablish}
     * before {@code callhangup}, YTX's leg states ({@code CallState}) before the record ({@code Call}).
     */
    static final List<String> WITH_PROGRESS_PUSHES = List.of("ucpaas", "ytx");

    static final String TENANT = "acct-sim";

    /** The vendor a simulated fraud goes through: its push names the called number. */
    static final String FRAUD_VENDOR = "ucpaas";
    /** Extra calls of a simulated fraud per call of {@link #FRAUD_VENDOR}. */
    static final int FRAUD_CALLS = 4;
    /** International premium ranges a simulated fraud calls: international networks, Cuba. */
    private static final List<String> FRAUD_RANGES = List.of("00882", "00537");

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

    /** What every call id of this run starts with. */
    String callIdPrefix() {
        return "sim-" + run + "-";
    }

    /**
     * Call number {@code n}, started at {@code start}.
     *
     * @param spike whether the call's vendor is under an injected failure spike
     */
    SimulatedCall next(long n, Instant start, String vendor, boolean spike) {
        String callId = callIdPrefix() + n;
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

    /**
     * winnerlook: the billing duration and each leg's talk are stated. Variants: an answered push
     * without {@code endTime} (optional, seed 003), a billing duration a minute longer than the
     * tariff gives, and a push without any duration.
     */
    private SimulatedCall winnerlook(String callId, Instant start, boolean fails, boolean spike, int talk) {
        if (!fails) {
            Instant bridge = start.plusSeconds(9);
            Instant end = bridge.plusSeconds(talk);
            int variant = random.nextInt(100);
            boolean noEnd = variant >= 96;
            Integer duration = variant < 2 ? SimulatedCall.billed(talk) + 60 : SimulatedCall.billed(talk);
            boolean noFigures = variant >= 2 && variant < 4;
            DifferenceClass difference = variant < 2
                    ? DifferenceClass.INCREMENT_ROUNDING
                    : noFigures
                            ? DifferenceClass.VENDOR_FIGURE_MISSING
                            // leg A's stated talk cannot be checked without its end
                            : noEnd ? DifferenceClass.ONE_LEG_MISSING : DifferenceClass.AGREES;
            String body = winnerlookBody(
                    callId,
                    start,
                    time(start.plusSeconds(1)),
                    time(bridge),
                    noEnd ? null : time(end),
                    "10",
                    "0",
                    noFigures ? null : duration,
                    noFigures ? null : talk + 8,
                    noFigures ? null : talk);
            return call(
                    "winnerlook",
                    callId,
                    FailureCategory.NONE,
                    talk,
                    difference,
                    push("/webhooks/winnerlook", "application/json", body));
        }
        Object[] failure = spike ? new Object[] {"5", FailureCategory.UNREACHABLE} : pick(WINNERLOOK_FAILURES);
        Instant end = start.plusSeconds(20);
        // the calling party never answered (the called party was never dialled), or it answered and
        // the called party did not
        boolean callingLeg = !spike && random.nextBoolean();
        String body = winnerlookBody(
                callId,
                start,
                callingLeg ? "" : time(start.plusSeconds(1)),
                "",
                time(end),
                callingLeg ? (String) failure[0] : "0",
                (String) failure[0],
                0,
                null,
                null);
        return call(
                "winnerlook",
                callId,
                (FailureCategory) failure[1],
                0,
                DifferenceClass.AGREES,
                push("/webhooks/winnerlook", "application/json", body));
    }

    /** A winnerlook call record (seed 003 field names); a null value leaves its field out. */
    private static String winnerlookBody(
            String callId,
            Instant start,
            String callerAnswered,
            String calleeAnswered,
            String end,
            String callerState,
            String calleeState,
            Integer duration,
            Integer callerDuration,
            Integer calleeDuration) {
        return json(
                "accountId", TENANT,
                "bindId", "bind-1",
                "callId", callId,
                "displayNumber", "17100000000",
                "callerNumber", "13800000001",
                "calleeNumber", "13900000002",
                "startCallTime", time(start),
                "callerAnsweredTime", callerAnswered,
                "calleeAnsweredTime", calleeAnswered,
                "endTime", end,
                "callerState", callerState,
                "calleeState", calleeState,
                "duration", duration,
                "callerDuration", callerDuration,
                "calleeDuration", calleeDuration);
    }

    /**
     * Toll fraud's {@code k}th extra call with call {@code n}: a UCPaaS call of {@code tenant},
     * answered, talking 1 to 5 seconds, to a number of an international premium range; billed a
     * whole minute by the default tariff.
     */
    SimulatedCall fraud(long n, int k, Instant start, String tenant) {
        String callId = callIdPrefix() + n + "-fraud-" + k;
        int talk = 1 + random.nextInt(5);
        String called = FRAUD_RANGES.get(random.nextInt(FRAUD_RANGES.size()))
                + String.format(Locale.ROOT, "%07d", random.nextInt(10_000_000));
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?><request><event>callhangup</event><callid>%s</callid>\
                <accountid>%s</accountid><caller>18612345678</caller><called>%s</called>\
                <starttime>%s</starttime><stoptime>%s</stoptime><length>%d</length><reason>0</reason>\
                <subreason></subreason></request>""".formatted(callId, tenant, called, time(start), time(start.plusSeconds(talk)), talk);
        return call(
                FRAUD_VENDOR,
                callId,
                FailureCategory.NONE,
                talk,
                DifferenceClass.AGREES,
                push("/webhooks/ucpaas", "text/xml;charset=utf-8", xml));
    }

    /**
     * UCPaaS: {@code length} is the talk (VENDORS.md 9). Failures carry no times, a start equal to
     * the stop, or a start before the stop (the ringing), always with length 0; variants of answered
     * calls: no {@code stoptime} (the end is the start plus the length), {@code reason} 2 (media
     * timeout) after talking, and a length an hour longer than the times say.
     */
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
            int variant = random.nextInt(100);
            String stop = variant >= 2 && variant < 6 ? "" : time(start.plusSeconds(talk));
            String reason = variant >= 6 && variant < 10 ? "2" : "0";
            int length = variant < 2 ? talk + 3600 : talk;
            return call(
                    "ucpaas",
                    callId,
                    FailureCategory.NONE,
                    talk,
                    variant < 2 ? DifferenceClass.TIMEZONE_SHIFT : DifferenceClass.AGREES,
                    push("/webhooks/ucpaas", "text/xml;charset=utf-8", establish),
                    push(
                            "/webhooks/ucpaas",
                            "text/xml;charset=utf-8",
                            xml.formatted(callId, TENANT, time(start), stop, length, reason)));
        }
        Object[] failure = spike ? new Object[] {"2", FailureCategory.NETWORK_ERROR} : pick(UCPAAS_FAILURES);
        String[] times = switch (random.nextInt(3)) {
            case 0 -> new String[] {"", ""};
            case 1 -> new String[] {time(start), time(start)};
            default -> new String[] {time(start), time(start.plusSeconds(20))};
        };
        return call(
                "ucpaas",
                callId,
                (FailureCategory) failure[1],
                0,
                DifferenceClass.AGREES,
                push(
                        "/webhooks/ucpaas",
                        "text/xml;charset=utf-8",
                        xml.formatted(callId, TENANT, times[0], times[1], 0, failure[0])));
    }

    /**
     * yunhuni: epoch milliseconds, {@code duration} the bridged talk. The end carries a sub-second
     * part (whole seconds count by truncation, so it never adds a second); variants: no {@code
     * end_time} (the stated duration is the talk), a duration counted from party 1's answer, and
     * party 1 hanging up while party 2 rings ({@code hangup_by} 1, a cancel).
     */
    private SimulatedCall yunhuni(String callId, Instant start, boolean fails, boolean spike, int talk) {
        long begin = start.toEpochMilli() / 1000 * 1000;
        if (!fails) {
            long bridge = begin + 15_000;
            int variant = random.nextInt(100);
            boolean noEnd = variant >= 97;
            int duration = variant < 2 ? talk + 9 : talk;
            return call(
                    "yunhuni",
                    callId,
                    FailureCategory.NONE,
                    talk,
                    variant < 2 ? DifferenceClass.ANSWER_TIME : DifferenceClass.AGREES,
                    push(
                            "/webhooks/yunhuni",
                            "application/json",
                            yunhuniBody(
                                    callId,
                                    begin,
                                    begin + 6_000,
                                    bridge,
                                    noEnd ? null : bridge + talk * 1000L + random.nextInt(1000),
                                    random.nextBoolean() ? 1 : 2,
                                    null,
                                    null,
                                    duration)));
        }
        if (!spike && random.nextInt(4) == 0) {
            // party 1 answered, party 2 rang, party 1 gave up: a cancel, not a network fault
            return call(
                    "yunhuni",
                    callId,
                    FailureCategory.CANCELLED,
                    0,
                    DifferenceClass.AGREES,
                    push(
                            "/webhooks/yunhuni",
                            "application/json",
                            yunhuniBody(callId, begin, begin + 6_000, null, begin + 30_000, 1, null, null, 0)));
        }
        Object[] failure = spike ? new Object[] {"无法接通", FailureCategory.UNREACHABLE} : pick(YUNHUNI_FAILURES);
        return call(
                "yunhuni",
                callId,
                (FailureCategory) failure[1],
                0,
                // only party 1's leg, and nothing the vendor states to compare
                DifferenceClass.NOT_COMPARED,
                push(
                        "/webhooks/yunhuni",
                        "application/json",
                        yunhuniBody(callId, begin, null, null, begin + 30_000, 0, "failed", failure[0], null)));
    }

    private static String yunhuniBody(
            String callId,
            long begin,
            Long answer1,
            Long answer2,
            Long end,
            int hangupBy,
            String reason,
            Object error,
            Integer duration) {
        return json(
                "action", "event_notify",
                "event", "duo_callback.end",
                "id", callId,
                "subaccount_id", "sub-1",
                "begin_time", begin,
                "answer_time1", answer1,
                "answer_time2", answer2,
                "end_time", end,
                "hangup_by", hangupBy,
                "reason", reason,
                "error", error,
                "duration", duration,
                "user_data", "sim");
    }

    /**
     * YTX callback: leg-state pushes, then the record (its stateDesc text names a failure's reason;
     * {@code duration} is leg A's time, B's ringing included, VENDORS.md 9). Variants: leg A released
     * two seconds after B hung up (talk ends at the first hang-up), a record corrected by a second
     * one with shorter times, and a leg-A duration seven seconds off.
     */
    private SimulatedCall ytx(String callId, Instant start, boolean fails, int talk) {
        Instant bridge = start.plusSeconds(10);
        Instant end = bridge.plusSeconds(talk);
        String cdr = """
                {"cdr":[{"requestid":"%s","fid":4,"caller":"18610559223","called":"01053189990",\
                "callerstime":"%s","calleretime":"%s","calledstime":"%s","calledetime":"%s",\
                "duration":%d,"stateDesc":"%s"}]}""";
        if (fails) {
            Object[] failure = pick(YTX_FAILURES);
            Instant hangup = start.plusSeconds(25);
            boolean callingLeg = random.nextBoolean();
            String record = cdr.formatted(
                    callId,
                    callingLeg ? "" : time(start),
                    callingLeg ? "" : time(hangup),
                    "",
                    time(hangup),
                    callingLeg ? 0 : 25,
                    failure[0]);
            Push recordPush = push("/webhooks/ytx?Call", "application/json", record);
            return callingLeg
                    ? call("ytx", callId, (FailureCategory) failure[1], 0, DifferenceClass.AGREES, recordPush)
                    : call(
                            "ytx",
                            callId,
                            (FailureCategory) failure[1],
                            0,
                            DifferenceClass.AGREES,
                            push("/webhooks/ytx?CallState", "application/json", """
                                    {"requestid":"%s","dsc":"18610559223","state":"answer","stateDesc":"接听",\
                                    "timestamp":"%s"}""".formatted(callId, time(start))),
                            recordPush);
        }
        String state = """
                {"requestid":"%s","dsc":"%s","state":"answer","stateDesc":"接听","timestamp":"%s"}""";
        int variant = random.nextInt(100);
        Instant callerEnd = variant >= 85 ? end.plusSeconds(2) : end;
        int legA = (int) (callerEnd.getEpochSecond() - start.getEpochSecond()) + (variant < 2 ? 7 : 0);
        List<Push> pushes = new ArrayList<>(List.of(
                push(
                        "/webhooks/ytx?CallState",
                        "application/json",
                        state.formatted(callId, "18610559223", time(start))),
                push(
                        "/webhooks/ytx?CallState",
                        "application/json",
                        state.formatted(callId, "01053189990", time(bridge)))));
        if (variant >= 2 && variant < 6) {
            // a first record thirty seconds too long, then the vendor's correction
            pushes.add(push(
                    "/webhooks/ytx?Call",
                    "application/json",
                    cdr.formatted(
                            callId,
                            time(start),
                            time(callerEnd.plusSeconds(30)),
                            time(bridge),
                            time(end.plusSeconds(30)),
                            legA + 30,
                            "应答|正常")));
        }
        pushes.add(push(
                "/webhooks/ytx?Call",
                "application/json",
                cdr.formatted(callId, time(start), time(callerEnd), time(bridge), time(end), legA, "应答|正常")));
        return new SimulatedCall(
                "ytx",
                callId,
                pushes,
                FailureCategory.NONE,
                talk,
                SimulatedCall.billed(talk),
                variant < 2 ? DifferenceClass.OTHER : DifferenceClass.AGREES,
                pushes.size() - 2);
    }

    /**
     * A JSON object of these keys and values, in order: a null value leaves its key out, a number is
     * written as a number, anything else as a string.
     */
    private static String json(Object... keysAndValues) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            Object value = keysAndValues[i + 1];
            if (value == null) {
                continue;
            }
            if (out.length() > 1) {
                out.append(',');
            }
            out.append('"').append(keysAndValues[i]).append("\":");
            out.append(value instanceof Number ? value.toString() : "\"" + value + "\"");
        }
        return out.append('}').toString();
    }

    /**
     * The call with its progress pushes only, as when the vendor loses the final ones; the call
     * itself when it has no progress push (it is pushed once, at its end).
     */
    static SimulatedCall withoutFinalPush(SimulatedCall call) {
        List<Push> progress = call.pushes().stream()
                .filter(push -> !push.body().contains("<event>callhangup</event>")
                        && !push.path().endsWith("?Call"))
                .toList();
        if (progress.isEmpty() || progress.size() == call.pushes().size()) {
            return call;
        }
        return new SimulatedCall(
                call.vendor(),
                call.callId(),
                progress,
                call.category(),
                call.talkSeconds(),
                call.billedSeconds(),
                call.difference(),
                call.versions());
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
            String vendor,
            String callId,
            FailureCategory category,
            int talk,
            DifferenceClass difference,
            Push... pushes) {
        return new SimulatedCall(
                vendor, callId, List.of(pushes), category, talk, SimulatedCall.billed(talk), difference, 1);
    }

    private static Push push(String path, String contentType, String body) {
        return new Push(path, contentType, body);
    }

    private static String time(Instant instant) {
        return BEIJING.format(instant);
    }
}
