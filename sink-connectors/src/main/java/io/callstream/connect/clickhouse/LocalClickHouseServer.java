package io.callstream.connect.clickhouse;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real ClickHouse server on loopback: Debian's {@code clickhouse-server} (installed by {@code
 * .ci/run}) started from a config in its own directory, with its own data and ports; for tests,
 * benchmarks and the local cluster ({@code ./callstream cluster up}). A missing binary fails the
 * start with how to install it: nothing is skipped silently.
 */
public final class LocalClickHouseServer implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/sbin/clickhouse-server");

    private final Process process;
    private final Path directory;
    private final int httpPort;
    private final boolean temporary;

    private LocalClickHouseServer(Process process, Path directory, int httpPort, boolean temporary) {
        this.process = process;
        this.directory = directory;
        this.httpPort = httpPort;
        this.temporary = temporary;
    }

    /** Whether Debian's {@code clickhouse-server} is installed here. */
    public static boolean isInstalled() {
        return Files.isExecutable(BINARY);
    }

    /** Starts a server in a temporary directory, deleted on {@link #close()}. */
    public static LocalClickHouseServer start() throws IOException, InterruptedException {
        return start(Files.createTempDirectory("callstream-clickhouse-"), true);
    }

    /** Starts a server keeping its data in {@code directory} (kept on {@link #close()} unless temporary). */
    public static LocalClickHouseServer start(Path directory, boolean temporary)
            throws IOException, InterruptedException {
        if (!isInstalled()) {
            throw new IllegalStateException(
                    "ClickHouse is not installed: apt-get install clickhouse-server (.ci/run does this)");
        }
        Files.createDirectories(directory);
        int httpPort = freePort();
        int tcpPort = freePort();
        while (tcpPort == httpPort) { // the OS may hand out the port it just freed again
            tcpPort = freePort();
        }
        Files.writeString(directory.resolve("users.xml"), """
                <?xml version="1.0"?>
                <yandex>
                  <profiles><default/></profiles>
                  <users><default><password></password><networks><ip>127.0.0.1</ip></networks>
                    <profile>default</profile><quota>default</quota></default></users>
                  <quotas><default/></quotas>
                </yandex>
                """);
        Files.writeString(directory.resolve("config.xml"), """
                <?xml version="1.0"?>
                <yandex>
                  <logger><level>warning</level><log>%1$s/server.log</log><errorlog>%1$s/error.log</errorlog></logger>
                  <http_port>%2$d</http_port>
                  <tcp_port>%3$d</tcp_port>
                  <listen_host>127.0.0.1</listen_host>
                  <path>%1$s/data/</path>
                  <tmp_path>%1$s/tmp/</tmp_path>
                  <user_files_path>%1$s/user_files/</user_files_path>
                  <format_schema_path>%1$s/format_schemas/</format_schema_path>
                  <users_config>%1$s/users.xml</users_config>
                  <default_profile>default</default_profile>
                  <default_database>default</default_database>
                  <mark_cache_size>268435456</mark_cache_size>
                </yandex>
                """.formatted(directory, httpPort, tcpPort));
        Process process = new ProcessBuilder(BINARY.toString(), "--config-file=" + directory.resolve("config.xml"))
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("console.log").toFile())
                .start();
        LocalClickHouseServer server = new LocalClickHouseServer(process, directory, httpPort, temporary);
        server.awaitReady(Duration.ofSeconds(60));
        return server;
    }

    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Runs a query and returns its result as text. */
    public String query(String sql) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(url() + "/"))
                            .POST(HttpRequest.BodyPublishers.ofString(sql))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("ClickHouse answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        }
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("clickhouse-server exited with " + process.exitValue() + ": "
                        + Files.readString(directory.resolve("console.log")));
            }
            try {
                query("SELECT 1");
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        close();
        throw new IllegalStateException("clickhouse-server did not answer within " + timeout);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Stops the server and, when temporary, deletes its data. */
    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (!temporary) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }
}
