package io.callstream.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.callstream.connect.duckdb.DuckDbDatabases;
import io.callstream.platform.EmbeddedPlatform.Settings;
import io.callstream.platform.simulate.TrafficSimulator;
import io.callstream.schema.DifferenceClass;
import io.callstream.schema.FailureCategory;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline as {@code ./callstream up} runs it, fed by the vendor traffic simulator: the
 * DuckDB tables the dashboards read must equal what the simulator knows it sent, exactly.
 */
class EndToEndIT {

    @Test
    void shouldStoreExactlyTheSimulatedCallsWithTheirCategoriesBillingAndTheSpikesAlert(@TempDir Path data)
            throws Exception {
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(new Settings(data, 0, 0, 0, -1, 3, true), line -> {})) {
            TrafficSimulator.Summary run = new TrafficSimulator()
                    .run(
                            new TrafficSimulator.Options(
                                    platform.ingestUrl().replaceAll("/$", ""), 40, Duration.ofSeconds(10), "ucpaas", 7),
                            new PrintStream(PrintStream.nullOutputStream()));
            TrafficSimulator.Expected expected = run.expected();

            assertThat(run.failed()).as(run.describe()).isZero();
            assertThat(run.rejected()).isEqualTo(run.malformed()).isPositive();
            assertThat(run.retries()).isPositive();
            assertThat(run.late()).isPositive();

            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .untilAsserted(() -> {
                        assertThat(count(platform, "SELECT count(*) FROM calls"))
                                .isEqualTo(expected.calls());
                        // (a vendor's correction is a second version, which may land a moment later)
                        assertThat(count(platform, "SELECT count(*) FROM calls WHERE version > 1"))
                                .isEqualTo(expected.corrections());
                    });

            assertThat(count(platform, "SELECT count(DISTINCT vendor || ':' || call_id) FROM calls"))
                    .isEqualTo(expected.calls());
            assertThat(categories(platform)).isEqualTo(expected.categoriesByVendor());
            assertThat(sums(platform, "billed_seconds")).isEqualTo(expected.billedSecondsByVendor());
            assertThat(sums(platform, "talk_seconds")).isEqualTo(expected.talkSecondsByVendor());
            assertThat(count(platform, "SELECT count(*) FROM calls WHERE version > 1"))
                    .as("only a vendor's correction makes a new version; retries and late pushes that change"
                            + " nothing make none")
                    .isEqualTo(expected.corrections())
                    .isPositive();
            assertThat(count(platform, "SELECT max(version) FROM calls")).isEqualTo(2);
            assertThat(differences(platform))
                    .as("the reconciliation shows exactly the differences the simulator injected")
                    .isEqualTo(expected.differences())
                    .isNotEmpty();
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThat(count(
                                    platform,
                                    "SELECT count(*) FROM call_alerts WHERE vendor = 'ucpaas' AND state = 'RAISED'"))
                            .isEqualTo(1));
            assertThat(count(platform, "SELECT count(*) FROM call_alerts WHERE vendor <> 'ucpaas'"))
                    .isZero();
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThat(count(platform, "SELECT sum(attempts) FROM call_kpis"))
                            .isEqualTo(expected.calls()));

            // The live dashboard shows it, in a real (headless) browser.
            String dom = HeadlessChromium.dumpDom(platform.dashboardUrl(), data.resolve("chromium"), 6_000);
            assertThat(dom)
                    .contains("data-ready=\"true\"")
                    .contains("data-vendor=\"ucpaas\"") // a chart line per vendor
                    .contains("<td>winnerlook</td>")
                    .contains("NETWORK_ERROR")
                    .contains("RAISED acct-sim/ucpaas");
            Path screenshot = Path.of("target", "dashboard.png");
            HeadlessChromium.screenshot(platform.dashboardUrl(), data.resolve("chromium"), screenshot, 6_000);
            assertThat(Files.size(screenshot))
                    .as("a screenshot in %s", screenshot)
                    .isGreaterThan(20_000);

            // Driven as a user would: pick a vendor, open a call, the reconciliation page, the alert history.
            try (ChromiumPage page = ChromiumPage.open(platform.dashboardUrl(), data.resolve("chromium-driven"))) {
                page.await("document.body.dataset.ready === 'true'", Duration.ofSeconds(30));
                page.evaluate("(() => { const s = document.getElementById('vendor'); s.value = 'ytx';"
                        + " s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()");
                page.await(
                        "document.body.dataset.query.includes('vendor=ytx')"
                                + " && document.querySelectorAll('#calls tbody tr').length > 0"
                                + " && [...document.querySelectorAll('#calls tbody tr td:first-child,"
                                + " #totals tbody tr td:first-child')].every(td => td.textContent === 'ytx')",
                        Duration.ofSeconds(20));
                assertThat(page.evaluate("document.querySelectorAll('#failures h3').length")
                                .asInt())
                        .as("the failure breakdown obeys the vendor filter")
                        .isLessThanOrEqualTo(1);
                String callId = page.evaluate("document.querySelector('#calls a.call-link').textContent")
                        .asText();
                page.evaluate("document.querySelector('#calls a.call-link').click()");
                page.await(
                        "document.body.dataset.view === 'call'"
                                + " && document.getElementById('explanation').textContent.startsWith('Call ytx/"
                                + callId + "')",
                        Duration.ofSeconds(20));
                assertThat(page.evaluate("document.getElementById('explanation').textContent")
                                .asText())
                        .contains("Raw pushes (webhooks-raw)", "Billing (v", "reconciliation: ");
                page.evaluate("document.querySelector('[data-nav=reconciliation]').click()");
                page.await(
                        "document.body.dataset.view === 'reconciliation'"
                                + " && !document.getElementById('reconciliation-view').hidden"
                                + " && document.getElementById('overview').hidden",
                        Duration.ofSeconds(10));
                page.evaluate("(() => { const s = document.getElementById('vendor'); s.value = 'ucpaas';"
                        + " s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()");
                page.await(
                        "document.querySelectorAll('#differing tbody tr').length > 0"
                                + " && [...document.querySelectorAll('#differing tbody tr td:first-child')]"
                                + ".every(td => td.textContent === 'ucpaas')",
                        Duration.ofSeconds(20));
                page.evaluate("document.querySelector('[data-nav=alerts]').click()");
                page.await(
                        "[...document.querySelectorAll('#alert-history tbody tr')]"
                                + ".some(tr => tr.textContent.includes('RAISED'))",
                        Duration.ofSeconds(20));
                // a range that holds none of these calls empties the panels
                page.evaluate("(() => { location.hash = 'view=overview&range=custom&from=2001-01-01T00:00:00"
                        + "&to=2001-01-02T00:00:00'; return true; })()");
                page.await(
                        "document.body.dataset.query.includes('range=custom')"
                                + " && document.querySelectorAll('#calls tbody tr').length === 0"
                                + " && !document.getElementById('custom-range').hidden",
                        Duration.ofSeconds(20));
                page.screenshot(Path.of("target", "dashboard-driven.png"));
            }
        }
    }

    @Test
    void shouldLoseAndDoubleNothingAcrossAStopAndRestartWhileCallsAreInFlight(@TempDir Path data) throws Exception {
        Settings settings = new Settings(data, 0, 0, 0, -1, 3, true);
        TrafficSimulator.Expected first;
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(settings, line -> {})) {
            first = play(platform, 11);
            // stopped at once, provably mid-flight: the store does not have all acknowledged calls yet
            assertThat(count(platform, "SELECT count(*) FROM calls"))
                    .as("calls stored when the platform is stopped")
                    .isLessThan(first.calls());
        }
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(settings, line -> {})) {
            TrafficSimulator.Expected second = play(platform, 12);

            Map<String, Map<FailureCategory, Long>> categories = new TreeMap<>(first.categoriesByVendor());
            second.categoriesByVendor()
                    .forEach((vendor, counts) -> counts.forEach((category, count) -> categories
                            .computeIfAbsent(vendor, v -> new EnumMap<>(FailureCategory.class))
                            .merge(category, count, Long::sum)));
            Map<String, Long> billed = new TreeMap<>(first.billedSecondsByVendor());
            second.billedSecondsByVendor().forEach((vendor, seconds) -> billed.merge(vendor, seconds, Long::sum));
            Map<String, Long> talk = new TreeMap<>(first.talkSecondsByVendor());
            second.talkSecondsByVendor().forEach((vendor, seconds) -> talk.merge(vendor, seconds, Long::sum));
            long calls = first.calls() + second.calls();
            long corrections = first.corrections() + second.corrections();

            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThat(count(platform, "SELECT count(*) FROM calls"))
                            .isEqualTo(calls));
            assertThat(count(platform, "SELECT count(DISTINCT vendor || ':' || call_id) FROM calls"))
                    .isEqualTo(calls);
            assertThat(categories(platform)).isEqualTo(categories);
            assertThat(sums(platform, "billed_seconds")).isEqualTo(billed);
            assertThat(sums(platform, "talk_seconds")).isEqualTo(talk);
            // each call at its last version: 1, or 2 for those the vendor corrected
            await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThat(count(platform, "SELECT sum(version) FROM calls"))
                            .isEqualTo(calls + corrections));
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThat(count(platform, "SELECT sum(attempts) FROM call_kpis"))
                            .isEqualTo(calls));
        }
    }

    private static TrafficSimulator.Expected play(EmbeddedPlatform platform, long seed) throws Exception {
        TrafficSimulator.Summary run = new TrafficSimulator()
                .run(
                        new TrafficSimulator.Options(
                                platform.ingestUrl().replaceAll("/$", ""), 40, Duration.ofSeconds(4), null, seed),
                        new PrintStream(PrintStream.nullOutputStream()));
        assertThat(run.failed()).as(run.describe()).isZero();
        return run.expected();
    }

    private static long count(EmbeddedPlatform platform, String sql) throws Exception {
        try (Connection connection = DuckDbDatabases.connect(platform.duckDbUrl());
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    private static Map<String, Map<FailureCategory, Long>> categories(EmbeddedPlatform platform) throws Exception {
        Map<String, Map<FailureCategory, Long>> categories = new TreeMap<>();
        try (Connection connection = DuckDbDatabases.connect(platform.duckDbUrl());
                Statement statement = connection.createStatement();
                ResultSet rows =
                        statement.executeQuery("SELECT vendor, failure_category, count(*) FROM calls GROUP BY 1, 2")) {
            while (rows.next()) {
                categories
                        .computeIfAbsent(rows.getString(1), vendor -> new EnumMap<>(FailureCategory.class))
                        .put(FailureCategory.valueOf(rows.getString(2)), rows.getLong(3));
            }
        }
        return categories;
    }

    private static Map<String, DifferenceClass> differences(EmbeddedPlatform platform) throws Exception {
        Map<String, DifferenceClass> differences = new TreeMap<>();
        try (Connection connection = DuckDbDatabases.connect(platform.duckDbUrl());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT call_id, difference_class FROM billing_differences")) {
            while (rows.next()) {
                differences.put(rows.getString(1), DifferenceClass.valueOf(rows.getString(2)));
            }
        }
        return differences;
    }

    private static Map<String, Long> sums(EmbeddedPlatform platform, String column) throws Exception {
        Map<String, Long> sums = new TreeMap<>();
        try (Connection connection = DuckDbDatabases.connect(platform.duckDbUrl());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT vendor, sum(" + column + ") FROM calls GROUP BY 1")) {
            while (rows.next()) {
                sums.put(rows.getString(1), rows.getLong(2));
            }
        }
        return sums;
    }
}
