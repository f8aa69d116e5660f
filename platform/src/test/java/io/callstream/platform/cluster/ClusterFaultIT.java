package io.callstream.platform.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.callstream.platform.cluster.ClusterLedger.Totals;
import io.callstream.platform.simulate.TrafficSimulator;
import io.callstream.platform.simulate.TrafficSimulator.Expected;
import io.callstream.platform.simulate.TrafficSimulator.Summary;
import io.callstream.schema.Call;
import io.callstream.schema.Topics;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The distributed deployment (docker-compose.yml's settings, as {@link LocalCluster} runs them: three
 * brokers with RF 3 and min ISR 2, two processors with a standby replica, two Connect workers)
 * under faults while the simulator pushes. Each test checks totals end to end, not settings:
 * every acknowledged push once on {@code webhooks-raw} with all its events; exactly one record per
 * call version on {@code calls} read committed; KPI windows equal to the final calls' totals;
 * PostgreSQL and ClickHouse equal to Kafka; and the final calls equal to what the simulator sent
 * (its own expectation tables).
 *
 * <p>{@code -Dcallstream.cluster.guarantee=at_least_once} runs the processors at-least-once, and
 * the processor-kill test then fails: each kill lands half a commit interval after a commit the
 * test has seen, when the instance has sent output for hundreds of call events it has not
 * committed; at-least-once replays them and {@code calls} holds those call versions twice (151
 * calls in one run), where exactly-once aborts the open transaction.
 */
@org.junit.jupiter.api.Timeout(value = 12, unit = java.util.concurrent.TimeUnit.MINUTES)
class ClusterFaultIT {

    static final String GUARANTEE = System.getProperty("callstream.cluster.guarantee", "exactly_once_v2");

    /**
     * Longer than compose's 100 ms, so that a kill can land well inside a commit interval: with
     * 100 ms commits and kills at random moments, at-least-once runs passed (three runs), because a
     * kill rarely found output sent for input not yet committed.
     */
    static final Duration COMMIT_INTERVAL = Duration.ofSeconds(3);

    static final String PROCESSOR_GROUP = "callstream-processor";

    static LocalCluster cluster;
    static ClusterLedger ledger;
    static Path directory;

    @BeforeAll
    static void startCluster() throws Exception {
        directory = Files.createTempDirectory("callstream-cluster-it-");
        cluster = LocalCluster.start(
                LocalCluster.Options.defaults(Path.of("..").toAbsolutePath().normalize(), directory)
                        .withProcessors(2)
                        .withConnectWorkers(2)
                        .withClickHouse(true)
                        .withProcessorEnvironment(Map.of(
                                "CALLSTREAM_PROCESSOR_PROCESSING_GUARANTEE",
                                GUARANTEE,
                                "CALLSTREAM_PROCESSOR_COMMIT_INTERVAL_MS",
                                Long.toString(COMMIT_INTERVAL.toMillis())))
                        .withProgress(line -> System.out.println("[cluster] " + line)));
        ledger = new ClusterLedger(cluster);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void shouldKeepAcknowledgingAndStoreEveryAcknowledgedPushOnceWhenABrokerIsKilled() throws Exception {
        Traffic traffic = Traffic.start(cluster, 40, Duration.ofSeconds(30), 11);
        Thread.sleep(8_000);
        ChildJvm victim = cluster.brokers().get(1);
        long killedAt = System.nanoTime();
        victim.kill();
        Thread.sleep(12_000);
        long restartedAt = System.nanoTime();
        cluster.restartBroker(victim);
        Summary summary = traffic.await();

        assertThat(summary.failed()).as("pushes never acknowledged").isZero();
        long duringOutage = traffic.receiptTimes().stream()
                .filter(time -> time > killedAt && time < restartedAt)
                .count();
        System.out.printf(
                "[cluster] broker kill: %,d pushes acknowledged in the %d s outage, %,d answered 503 and sent again%n",
                duringOutage, Duration.ofNanos(restartedAt - killedAt).toSeconds(), summary.unavailable());
        assertThat(duringOutage)
                .as("pushes acknowledged while a broker was down")
                .isPositive();
        ledger.assertEveryReceiptStoredOnce(traffic.receipts());
        Duration catchUp = cluster.awaitReplicasInSync(Duration.ofMinutes(2));
        System.out.println("[cluster] replicas in sync " + catchUp.toMillis() + " ms after the broker returned");
        assertExactEndToEnd(summary.expected());
    }

    @Test
    void shouldCountEveryCallOnceWhileProcessorsAreKilledAndRestartedInALoop() throws Exception {
        Traffic traffic = Traffic.start(cluster, 40, Duration.ofSeconds(60), 12);
        for (int round = 0; round < 3; round++) {
            Thread.sleep(4_000);
            ChildJvm victim = cluster.processors().get(round % 2);
            long uncommitted = awaitWorkSinceACommit();
            victim.kill();
            System.out.printf(
                    "[cluster] %s killed %d ms after the group's last commit, %,d call events past the committed offsets%n",
                    victim.name(), COMMIT_INTERVAL.toMillis() / 2, uncommitted);
            Thread.sleep(2_000);
            victim.start(); // the next round kills the other one once the group commits again
        }
        Summary summary = traffic.await();
        cluster.awaitProcessorsRunning();

        assertThat(summary.failed()).isZero();
        assertExactEndToEnd(summary.expected());
    }

    @Test
    void shouldMoveAKilledConnectWorkersTasksAndWriteEachCallOnce() throws Exception {
        Traffic traffic = Traffic.start(cluster, 40, Duration.ofSeconds(20), 13);
        Thread.sleep(6_000);
        ChildJvm victim = cluster.connectWorkers().getFirst();
        victim.kill();
        Summary summary = traffic.await();

        assertThat(summary.failed()).isZero();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    for (String connector : List.of(LocalCluster.POSTGRES_SINK, LocalCluster.CLICKHOUSE_SINK)) {
                        String status = cluster.connectorStatus(connector);
                        assertThat(status).contains("\"state\":\"RUNNING\"").doesNotContain("UNASSIGNED", "FAILED");
                        assertThat(status).doesNotContain(cluster.connectWorkerAddress(victim));
                    }
                });
        assertExactEndToEnd(summary.expected());
        cluster.restartConnectWorker(victim);
    }

    @Test
    void shouldLoseAndDoubleNothingThroughRollingRestartsOfAllBrokersThenAllProcessors() throws Exception {
        Traffic traffic = Traffic.start(cluster, 25, Duration.ofSeconds(80), 14);
        for (ChildJvm broker : cluster.brokers()) {
            broker.stop(Duration.ofSeconds(60));
            cluster.restartBroker(broker);
            cluster.awaitReplicasInSync(Duration.ofMinutes(2));
        }
        for (ChildJvm processor : cluster.processors()) {
            processor.stop(Duration.ofSeconds(60));
            cluster.restartProcessor(processor);
        }
        Summary summary = traffic.await();

        assertThat(summary.failed()).isZero();
        ledger.assertEveryReceiptStoredOnce(traffic.receipts());
        assertExactEndToEnd(summary.expected());
    }

    /**
     * Waits for the processors' group to commit, then half a commit interval more: a kill then lands
     * where the instance has sent output for input it has not committed (at-least-once: sent; exactly
     * once: in an open transaction). Returns the call events past the committed offsets then.
     */
    static long awaitWorkSinceACommit() throws Exception {
        try (Admin admin = cluster.admin()) {
            Map<TopicPartition, Long> before = committedOffsets(admin);
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !committedOffsets(admin).equals(before));
            Thread.sleep(COMMIT_INTERVAL.toMillis() / 2);
            Map<TopicPartition, Long> committed = committedOffsets(admin);
            Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(committed.keySet().stream()
                            .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest())))
                    .all()
                    .get();
            return committed.entrySet().stream()
                    .mapToLong(entry -> ends.get(entry.getKey()).offset() - entry.getValue())
                    .sum();
        }
    }

    /** The processors' committed offsets on {@code call-events}. */
    static Map<TopicPartition, Long> committedOffsets(Admin admin) throws Exception {
        return admin.listConsumerGroupOffsets(PROCESSOR_GROUP).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(entry -> entry.getKey().topic().equals(Topics.CALL_EVENTS) && entry.getValue() != null)
                .collect(Collectors.toMap(
                        Map.Entry::getKey, entry -> entry.getValue().offset()));
    }

    /**
     * The run's calls exactly once per version with the simulator's totals; and, over everything
     * the cluster holds, KPI windows, PostgreSQL and ClickHouse equal to the final calls on Kafka.
     * Waited for (processing and sinks catch up), but a surplus never goes away: it fails.
     */
    static void assertExactEndToEnd(Expected expected) {
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(3))
                .untilAsserted(() -> {
                    Map<String, List<Call>> versions = ledger.callVersions();
                    ClusterLedger.assertExactlyOncePerVersion(versions, expected);
                    Totals kafka = ClusterLedger.totalsOf(ClusterLedger.finals(versions));
                    assertThat(ledger.kpiTotals()).as("KPI windows").isEqualTo(kafka.withoutAmount());
                    assertThat(ledger.postgresTotals(versions)).as("PostgreSQL").isEqualTo(kafka);
                    assertThat(ledger.clickHouseTotals()).as("ClickHouse").isEqualTo(kafka);
                });
    }

    /** The simulator pushing in the background; every receipt and when it came. */
    record Traffic(CompletableFuture<Summary> run, Set<String> receipts, ConcurrentLinkedQueue<Long> receiptTimes) {

        static Traffic start(LocalCluster cluster, double callsPerSecond, Duration duration, long seed) {
            Set<String> receipts = ConcurrentHashMap.newKeySet();
            ConcurrentLinkedQueue<Long> times = new ConcurrentLinkedQueue<>();
            // a thread of its own: on two cores the common pool has a single one
            java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor();
            CompletableFuture<Summary> run = CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return new TrafficSimulator()
                                    .run(
                                            new TrafficSimulator.Options(
                                                    cluster.ingestUrl(), callsPerSecond, duration, null, seed),
                                            new PrintStream(System.out, true),
                                            (vendor, callId, nanoTime) -> {},
                                            (path, envelope) -> {
                                                receipts.add(envelope);
                                                times.add(System.nanoTime());
                                            });
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        } finally {
                            thread.shutdown();
                        }
                    },
                    thread);
            return new Traffic(run, receipts, times);
        }

        Summary await() throws Exception {
            Summary summary = run.get();
            System.out.print("[cluster] " + summary.describe());
            return summary;
        }
    }
}
