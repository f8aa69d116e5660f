package io.callstream.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives one load phase over persistent connections, each on its own virtual thread: closed loop
 * (as fast as the server answers) or open loop at a fixed rate, where each request's latency counts
 * from its intended send time, so a stalled server cannot hide its queueing (no coordinated
 * omission).
 */
final class LoadRun {

    /** What a phase measured. */
    record Result(String phase, long requests, long failures, Duration elapsed, Histogram latencyMicros) {

        double perSecond() {
            return requests / (elapsed.toNanos() / 1e9);
        }

        String row() {
            return String.format(
                    "%-28s %9d %8.1f %10.0f %8.2f %8.2f %8.2f %8.2f %8d",
                    phase,
                    requests,
                    elapsed.toMillis() / 1000.0,
                    perSecond(),
                    ms(50),
                    ms(99),
                    ms(99.9),
                    latencyMicros.getMaxValue() / 1000.0,
                    failures);
        }

        private double ms(double percentile) {
            return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }

        static String header() {
            return String.format(
                    "%-28s %9s %8s %10s %8s %8s %8s %8s %8s",
                    "phase", "requests", "seconds", "per sec", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "non-2xx");
        }
    }

    private final InetSocketAddress address;
    private final String host;
    private final String path;
    private final AtomicLong sequence;

    /** @param path where every request goes, or null for each vendor's own endpoint */
    LoadRun(InetSocketAddress address, String path, AtomicLong sequence) {
        this.address = address;
        this.host = address.getHostString() + ":" + address.getPort();
        this.path = path;
        this.sequence = sequence;
    }

    /** As fast as {@code connections} connections get answers, for {@code duration}. */
    Result closedLoop(String phase, int connections, Duration duration) throws InterruptedException {
        return run(phase, connections, duration, 0);
    }

    /** {@code rate} requests per second spread over {@code connections} connections, for {@code duration}. */
    Result fixedRate(String phase, int connections, int rate, Duration duration) throws InterruptedException {
        return run(phase, connections, duration, rate);
    }

    private Result run(String phase, int connections, Duration duration, int rate) throws InterruptedException {
        Recorder recorder = new Recorder(3);
        LongAdder requests = new LongAdder();
        LongAdder failures = new LongAdder();
        AtomicLong slot = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long interval = rate == 0 ? 0 : 1_000_000_000L / rate;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try (HttpConnection connection = new HttpConnection(address)) {
                    while (true) {
                        long intended = rate == 0 ? System.nanoTime() : start + slot.getAndIncrement() * interval;
                        if (intended >= end || System.nanoTime() >= end) {
                            return;
                        }
                        byte[] request = VendorMix.next(host, sequence.incrementAndGet(), path);
                        long wait = intended - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        int status = connection.exchange(request);
                        recorder.recordValue(Math.max(1, (System.nanoTime() - intended) / 1_000));
                        requests.increment();
                        if (status / 100 != 2) {
                            failures.increment();
                        }
                    }
                } catch (Exception e) {
                    System.err.println("connection failed: " + e);
                    failures.increment();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return new Result(
                phase,
                requests.sum(),
                failures.sum(),
                Duration.ofNanos(System.nanoTime() - start),
                recorder.getIntervalHistogram());
    }
}
