package io.callstream.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.callstream.platform.EmbeddedPlatform.Settings;
import io.callstream.platform.reconcile.CdrExport;
import io.callstream.platform.reconcile.CdrImporter;
import io.callstream.platform.reconcile.CdrMapping;
import io.callstream.platform.reconcile.CdrStore;
import io.callstream.platform.reconcile.ThreeWayReconciliation;
import io.callstream.platform.reconcile.ThreeWayReconciliation.Finding;
import io.callstream.platform.reconcile.VendorCdr;
import io.callstream.platform.sql.SqlClient;
import io.callstream.processor.domain.Reconciliation;
import io.callstream.schema.DifferenceClass;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vendor's own export as the third source: one call identical, one billed differently, one the
 * vendor has that never reached callstream, one callstream has that the export lacks; imported
 * three times (twice while the platform runs, once when it is stopped).
 */
class ThreeWayReconciliationIT {

    /** winnerlook's call-record export, in the seed's field names. */
    static final String EXPORT = """
            callId,startCallTime,callerDuration,calleeDuration,duration
            tw-same,2024-05-01 10:00:00,68,60,60
            tw-billed,2024-05-01 10:10:00,68,60,120
            tw-lost,2024-05-01 10:20:00,38,30,60
            tw-last,2024-05-01 10:40:00,68,60,60
            """;

    @Test
    void shouldFindExactlyTheLostTheExtraAndTheDifferingCallAndKeepTheImportOnce(@TempDir Path data) throws Exception {
        Path store = data.resolve("callstream.duckdb");
        List<VendorCdr> export = CdrExport.read(new StringReader(EXPORT), CdrMapping.bundled("winnerlook"));
        ThreeWayReconciliation reconciliation = new ThreeWayReconciliation(Reconciliation.EXACT);
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(new Settings(data, 0, 0, 0, -1, 3, true), line -> {})) {
            post(platform, "tw-same", "10:00:00", "10:01:09", 60);
            post(platform, "tw-billed", "10:10:00", "10:11:09", 60);
            post(platform, "tw-extra", "10:30:00", "10:30:39", 60); // not in the export
            post(platform, "tw-last", "10:40:00", "10:41:09", 60);
            SqlClient sql = new SqlClient(platform.dashboardUrl(), store);
            await().atMost(Duration.ofSeconds(90))
                    .ignoreExceptions()
                    .until(() -> sql.query("SELECT count(*) FROM call_legs", line -> {})
                            .rows()
                            .equals(List.of(List.of(8L))));

            CdrImporter importer = new CdrImporter(platform.dashboardUrl(), store);
            assertThat(importer.store("winnerlook", "export.csv", export, line -> {}))
                    .isEqualTo(new CdrStore.Summary(4, 0, 0));
            assertThat(importer.store("winnerlook", "export.csv", export, line -> {}))
                    .as("the same file again changes nothing")
                    .isEqualTo(new CdrStore.Summary(0, 0, 4));

            ThreeWayReconciliation.Result result = reconciliation.compare("winnerlook", export, sql, line -> {});

            assertThat(result.exported()).isEqualTo(4);
            assertThat(result.matched()).isEqualTo(2);
            assertThat(result.mismatches())
                    .extracting(m -> m.callId() + " " + m.finding() + " " + m.differenceClass())
                    .containsExactly(
                            "tw-lost MISSING_HERE null",
                            "tw-extra MISSING_AT_VENDOR null",
                            "tw-billed DIFFERS " + DifferenceClass.INCREMENT_ROUNDING);
            assertThat(result.mismatches().get(2).billedSeconds()).isEqualTo(60);
            assertThat(result.mismatches().get(2).vendorBilledSeconds()).isEqualTo(120);
            assertThat(result.mismatches().stream().map(ThreeWayReconciliation.Mismatch::finding))
                    .containsOnlyOnce(Finding.DIFFERS);
        }
        // stopped: the import goes into the file, and still changes nothing
        assertThat(new CdrImporter("http://127.0.0.1:1/", store).store("winnerlook", "export.csv", export, line -> {}))
                .isEqualTo(new CdrStore.Summary(0, 0, 4));
        assertThat(new SqlClient("http://127.0.0.1:1/", store)
                        .query("SELECT count(*) FROM vendor_cdrs", line -> {})
                        .rows())
                .isEqualTo(List.of(List.of(4L)));
    }

    /** A winnerlook record: caller answers at +1 s, callee at +9 s, both end at {@code end}. */
    private static void post(EmbeddedPlatform platform, String callId, String start, String end, int billed)
            throws Exception {
        String[] hms = start.split(":");
        String callerAnswer = hms[0] + ":" + hms[1] + ":01";
        String calleeAnswer = hms[0] + ":" + hms[1] + ":09";
        String body = """
                {"accountId":"acct-tw","bindId":"b","callId":"%s","callerNumber":"13800000001",
                 "calleeNumber":"13900000002","startCallTime":"2024-05-01 %s","callerAnsweredTime":"2024-05-01 %s",
                 "calleeAnsweredTime":"2024-05-01 %s","endTime":"2024-05-01 %s","callerState":10,"calleeState":0,
                 "duration":%d}""".formatted(callId, start, callerAnswer, calleeAnswer, end, billed);
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(platform.ingestUrl().replaceAll("/$", "") + "/webhooks/winnerlook"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }
}
