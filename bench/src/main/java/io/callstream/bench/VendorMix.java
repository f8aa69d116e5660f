package io.callstream.bench;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A realistic mix of the four vendors' native pushes, each with a fresh call id so every push is a
 * different call: weights follow a callback-heavy tenant (YTX state pushes are several per call).
 */
final class VendorMix {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    record Template(String name, String path, String contentType, int weight, String body) {}

    static final List<Template> TEMPLATES = List.of(
            new Template("winnerlook", "/webhooks/winnerlook", "application/json", 25, """
                    {"accountId":"acct-9","bindId":"bind-7","callId":"%1$s","displayNumber":"17100000000",\
                    "callerNumber":"13800000001","calleeNumber":"13900000002","startCallTime":"%2$s",\
                    "callerAnsweredTime":"%2$s","calleeAnsweredTime":"%2$s","endTime":"%3$s","callerState":10,\
                    "calleeState":0,"callerDuration":128,"calleeDuration":120,"duration":120,\
                    "recUrl":"https://rec.example/%1$s.mp3","customerData":"order-1"}"""),
            new Template("yunhuni", "/webhooks/yunhuni", "application/json;charset=utf-8", 25, """
                    {"action":"event_notify","event":"duo_callback.end","id":"%1$s","subaccount_id":"sub-1",\
                    "begin_time":%4$d,"answer_time1":%5$d,"answer_time2":%6$d,"end_time":%7$d,"hangup_by":2,\
                    "duration":60,"reason":null,"error":null,"user_data":"order-123"}"""),
            new Template("ucpaas", "/webhooks/ucpaas", "text/xml;charset=utf-8", 20, """
                    <?xml version="1.0"?><request><event>callhangup</event><callid>%1$s</callid>\
                    <accountid>aae25ec101fc12087516bc6564d0aa73</accountid><appid>0e0ad5c8</appid>\
                    <caller>008618612345678</caller><called>13512345678</called><starttime>%2$s</starttime>\
                    <stoptime>%3$s</stoptime><length>62</length><userData>order-1</userData>\
                    <reason>0</reason><subreason>2</subreason></request>"""),
            new Template("ytx-state", "/webhooks/ytx?CallState", "application/json", 20, """
                    {"requestid":"%1$s","dsc":"18610559223","state":"answer","stateDesc":"接听",\
                    "timestamp":"%2$s"}"""),
            new Template("ytx-cdr", "/webhooks/ytx?Call", "application/json", 10, """
                    {"cdr":[{"requestid":"%1$s","appid":"ff1f0000","fid":4,"caller":"18610559223",\
                    "called":"01053189990","callerstime":"%2$s","calleretime":"%3$s","calledstime":"%2$s",\
                    "calledetime":"%3$s","tapesurl":"NoTapes","duration":62,"oriamount":0.31,\
                    "customParm":"order-1","stateDesc":"应答|正常"}]}"""));

    private static final int TOTAL_WEIGHT =
            TEMPLATES.stream().mapToInt(Template::weight).sum();

    private VendorMix() {}

    /**
     * A request for a new call of a randomly chosen vendor, by the mix's weights; sent to {@code
     * path} when given, else to the vendor's endpoint.
     */
    static byte[] next(String host, long sequence, String path) {
        int pick = ThreadLocalRandom.current().nextInt(TOTAL_WEIGHT);
        Template template = TEMPLATES.getLast();
        for (Template candidate : TEMPLATES) {
            pick -= candidate.weight();
            if (pick < 0) {
                template = candidate;
                break;
            }
        }
        long end = System.currentTimeMillis();
        long start = end - 75_000;
        LocalDateTime endTime = LocalDateTime.now();
        String body = template.body()
                .formatted(
                        "bench-" + sequence,
                        TIME.format(endTime.minusSeconds(62)),
                        TIME.format(endTime),
                        start,
                        start + 6_000,
                        start + 15_000,
                        end);
        return HttpConnection.post(
                host,
                path != null ? path : template.path(),
                template.contentType(),
                body.getBytes(StandardCharsets.UTF_8));
    }
}
