package io.callstream.bench;

import io.callstream.platform.cluster.ChildJvm;
import io.callstream.platform.cluster.LocalCluster;
import io.callstream.platform.simulate.TrafficSimulator;
import io.callstream.schema.CallEvent;
import io.callstream.schema.Topics;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The distributed shape on this machine ({@link LocalCluster}: three brokers, compose's settings):
 * failover time of a killed processor with and without a standby replica, with the end-to-end
 * latency around it; ingest latency and errors through a broker kill; processing throughput with
 * one, two and three processor instances. Every process shares this machine's cores, so the
 * figures show what the mechanisms cost, not what more machines would give.
 */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = "Benchmarks the local three-broker cluster under faults and with 1-3 processors.")
final class ClusterBenchmark implements Callable<Integer> {

    /** Threads of their own: on two cores the common pool has one thread, which the tail would hold. */
    private static final java.util.concurrent.ExecutorService BACKGROUND =
            java.util.concurrent.Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "bench-background");
                thread.setDaemon(true);
                return thread;
            });

    @Option(
            names = "--phases",
            split = ",",
            defaultValue = "failover,broker-kill,scale",
            description = "failover, broker-kill and/or scale (default: ${DEFAULT-VALUE}).")
    List<String> phases;

    @Option(
            names = "--events",
            defaultValue = "300000",
            description = "Events processed per instance count in the scale phase (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(
            names = "--rate",
            defaultValue = "500",
            description = "Pushes per second through the broker kill (default: ${DEFAULT-VALUE}).")
    int rate;

    @Override
    public Integer call() throws Exception {
        Path root = Path.of(".").toAbsolutePath().normalize();
        if (phases.contains("failover")) {
            System.out.println(
                    "\n== Processor failover: 2 instances, one killed (SIGKILL, not restarted), traffic 50 calls/s");
            System.out.printf(
                    "%-16s %14s %14s %14s %14s%n",
                    "standbys", "slowest part. s", "fastest part. s", "e2e p99 ms", "e2e p99 kill ms");
            for (int standbys : List.of(0, 1)) {
                failover(root, standbys);
            }
        }
        if (phases.contains("broker-kill")) {
            brokerKill(root);
        }
        if (phases.contains("scale")) {
            scale(root);
        }
        return 0;
    }

    /**
     * Kills one of two processors under traffic and times, per partition of {@code calls}, the gap
     * from the kill to its next record: the victim's partitions are the slowest.
     */
    private void failover(Path root, int standbys) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(options(root, "failover-" + standbys)
                .withProcessors(2)
                .withConnectWorkers(0)
                .withProcessorEnvironment(
                        Map.of("CALLSTREAM_PROCESSOR_STANDBY_REPLICAS", Integer.toString(standbys))))) {
            Map<String, Long> acknowledged = new ConcurrentHashMap<>();
            Map<String, Long> emitted = new ConcurrentHashMap<>();
            Map<Integer, List<Long>> arrivals = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Void> tail =
                    CompletableFuture.runAsync(() -> tailCalls(cluster, arrivals, emitted, stop), BACKGROUND);
            CompletableFuture<TrafficSimulator.Summary> traffic =
                    simulate(cluster, 50, Duration.ofSeconds(60), acknowledged);
            Thread.sleep(25_000);
            long killedAt = System.nanoTime();
            cluster.processors().getFirst().kill();
            traffic.get();
            Thread.sleep(20_000);
            stop.set(true);
            tail.get();
            double slowest = 0;
            double fastest = Double.MAX_VALUE;
            for (List<Long> times : arrivals.values()) {
                long next = times.stream()
                        .filter(time -> time > killedAt)
                        .min(Long::compare)
                        .orElse(Long.MAX_VALUE);
                double gap = next == Long.MAX_VALUE ? Double.NaN : (next - killedAt) / 1e9;
                slowest = Math.max(slowest, gap);
                fastest = Math.min(fastest, gap);
            }
            Histogram all = new Histogram(3);
            Histogram afterKill = new Histogram(3);
            acknowledged.forEach((call, ack) -> {
                Long row = emitted.get(call);
                if (row != null && row > ack) {
                    long micros = (row - ack) / 1_000;
                    all.recordValue(micros);
                    if (ack > killedAt - 5_000_000_000L && ack < killedAt + 30_000_000_000L) {
                        afterKill.recordValue(micros);
                    }
                }
            });
            System.out.printf(
                    "%-16s %14.1f %14.1f %14.0f %14.0f%n",
                    standbys == 0 ? "none" : standbys + " standby",
                    slowest,
                    fastest,
                    all.getValueAtPercentile(99) / 1000.0,
                    afterKill.getValueAtPercentile(99) / 1000.0);
        }
    }

    /** Pushes at a fixed rate for 40 s, one broker killed at 10 s and started again at 25 s. */
    private void brokerKill(Path root) throws Exception {
        System.out.printf("%n== Ingest through a broker kill: %,d pushes/s, the vendor mix%n", rate);
        try (LocalCluster cluster = LocalCluster.start(
                options(root, "broker-kill").withProcessors(0).withConnectWorkers(0))) {
            URI ingest = URI.create(cluster.ingestUrl());
            LoadRun load =
                    new LoadRun(new InetSocketAddress(ingest.getHost(), ingest.getPort()), null, new AtomicLong());
            load.fixedRate("warm-up", 32, rate, Duration.ofSeconds(15));
            System.out.println(LoadRun.Result.header());
            System.out.println(
                    load.fixedRate("no fault", 32, rate, Duration.ofSeconds(20)).row());
            ChildJvm victim = cluster.brokers().get(1);
            CompletableFuture<Void> fault = CompletableFuture.runAsync(
                    () -> {
                        try {
                            Thread.sleep(10_000);
                            victim.kill();
                            Thread.sleep(15_000);
                            cluster.restartBroker(victim);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    BACKGROUND);
            System.out.println(load.fixedRate("broker killed at 10 s", 32, rate, Duration.ofSeconds(40))
                    .row());
            fault.get();
            System.out.printf(
                    "(non-2xx are 503s: the vendor retries them; replicas back in sync %.1f s after the restart)%n",
                    cluster.awaitReplicasInSync(Duration.ofMinutes(3)).toMillis() / 1000.0);
        }
    }

    /** The same events processed by 1, 2 and 3 instances (a fresh application id each). */
    private void scale(Path root) throws Exception {
        System.out.printf(
                "%n== Processing throughput by instances (exactly-once, commit 100 ms, %,d events)%n", events);
        try (LocalCluster cluster =
                LocalCluster.start(options(root, "scale").withProcessors(0).withConnectWorkers(0))) {
            CallEventsGenerator generator = new CallEventsGenerator();
            long produced = 0;
            try (KafkaProducer<String, Object> producer =
                    BulkProducer.open(cluster.bootstrapServers(), cluster.registryUrl())) {
                for (long call = 0; produced < events; call++) {
                    for (CallEvent event : generator.call(call)) {
                        producer.send(new ProducerRecord<>(Topics.CALL_EVENTS, CallEventsGenerator.key(event), event));
                        produced++;
                    }
                }
            }
            System.out.printf("%-12s %10s %10s %12s%n", "instances", "events", "seconds", "events/s");
            for (int instances = 1; instances <= 3; instances++) {
                String applicationId = "bench-scale-" + UUID.randomUUID();
                List<ChildJvm> started = new ArrayList<>();
                long begin = System.nanoTime();
                for (int i = 0; i < instances; i++) {
                    started.add(cluster.addProcessor(Map.of("CALLSTREAM_PROCESSOR_APPLICATION_ID", applicationId)));
                }
                try (Admin admin = cluster.admin()) {
                    Map<TopicPartition, Long> ends = EndOffsets.of(admin, Topics.CALL_EVENTS);
                    while (!ProcessorBenchmark.caughtUp(admin, applicationId, ends)) {
                        Thread.sleep(250);
                    }
                }
                double seconds = (System.nanoTime() - begin) / 1e9;
                System.out.printf("%-12d %10d %10.1f %12.0f%n", instances, produced, seconds, produced / seconds);
                started.forEach(processor -> processor.stop(Duration.ofSeconds(30)));
            }
            System.out.println("(from the first instance's start, its start-up included; all processes share "
                    + Runtime.getRuntime().availableProcessors() + " cores)");
        }
    }

    private static LocalCluster.Options options(Path root, String name) throws Exception {
        return LocalCluster.Options.defaults(root, Files.createTempDirectory("callstream-bench-" + name + "-"))
                .withClickHouse(false)
                .withProgress(line -> System.out.println("  " + line));
    }

    private static CompletableFuture<TrafficSimulator.Summary> simulate(
            LocalCluster cluster, double callsPerSecond, Duration duration, Map<String, Long> acknowledged) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return new TrafficSimulator()
                                .run(
                                        new TrafficSimulator.Options(
                                                cluster.ingestUrl(), callsPerSecond, duration, null, 7),
                                        new PrintStream(PrintStream.nullOutputStream()),
                                        (vendor, callId, nanoTime) -> acknowledged.put(callId, nanoTime));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                },
                BACKGROUND);
    }

    /** Reads {@code calls} read committed: when each partition got records, and when each call first arrived. */
    private static void tailCalls(
            LocalCluster cluster, Map<Integer, List<Long>> arrivals, Map<String, Long> emitted, AtomicBoolean stop) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        cluster.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "bench-tail-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "latest"),
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.CALLS));
            while (!stop.get()) {
                for (var record : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    arrivals.computeIfAbsent(record.partition(), partition -> new ArrayList<>())
                            .add(now);
                    // the key is vendor:callId
                    String key = record.key();
                    emitted.putIfAbsent(key.substring(key.indexOf(':') + 1), now);
                }
            }
        }
    }
}
