package io.callstream.platform.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.callstream.registry.serde.KafkaAvroSerializer;
import io.callstream.schema.AlertState;
import io.callstream.schema.CallAlert;
import io.callstream.schema.Topics;
import io.callstream.testkit.EmbeddedTestPlatform;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Alert transitions on a real broker delivered to real HTTP receivers, one per format: each gets
 * exactly one delivery per transition it wants, in order; a receiver that is down gets them once it
 * is back without holding up the others; a restarted notifier resumes where it committed and
 * delivers nothing twice.
 */
class NotifierIT {

    final Map<String, List<String>> received = new ConcurrentHashMap<>();
    final Map<String, List<URI>> urls = new ConcurrentHashMap<>();
    final AtomicInteger downRefusals = new AtomicInteger();

    @Test
    void shouldDeliverEachTransitionOncePerReceiverAcrossARestartAndAReceiverOutage() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        answer(server, "webhook", "{}");
        answer(server, "alertmanager", "");
        answer(server, "dingtalk", "{\"errcode\":0,\"errmsg\":\"ok\"}");
        answer(server, "wecom", "{\"errcode\":0,\"errmsg\":\"ok\"}");
        answer(server, "feishu", "{\"code\":0,\"msg\":\"success\",\"data\":{}}");
        answer(server, "acct2-only", "{}");
        server.createContext("/down", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (downRefusals.getAndIncrement() < 3) {
                exchange.sendResponseHeaders(503, -1);
            } else {
                record("down", exchange.getRequestHeaders().getFirst("Idempotency-Key"), exchange.getRequestURI());
                exchange.sendResponseHeaders(200, -1);
            }
            exchange.close();
            assertThat(body).isNotEmpty();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        NotifyConfig config = NotifyConfig.parse(
                new org.yaml.snakeyaml.Yaml().load("""
                        dashboard-url: http://127.0.0.1:8088/
                        receivers:
                          - {name: webhook, type: webhook, url: "%1$swebhook"}
                          - {name: alertmanager, type: alertmanager, url: "%1$salertmanager"}
                          - {name: dingtalk, type: dingtalk, url: "%1$sdingtalk?access_token=t", secret: "${DING_SECRET}"}
                          - {name: wecom, type: wecom, url: "%1$swecom?key=k"}
                          - {name: feishu, type: feishu, url: "%1$sfeishu", secret: s3cret}
                          - {name: down, type: webhook, url: "%1$sdown"}
                          - {name: acct2-only, type: webhook, url: "%1$sacct2-only", tenants: [acct-2]}
                        """.formatted(base)), Map.of("DING_SECRET", "SECabc"));
        Set<String> everyFormat = Set.of("webhook", "alertmanager", "dingtalk", "wecom", "feishu", "down");
        try (EmbeddedTestPlatform platform = EmbeddedTestPlatform.start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(Topics.CALL_ALERTS, 2, (short) 1)))
                        .all()
                        .get();
            }
            produce(platform, alert("e1", "acct-1", AlertState.RAISED), alert("e1", "acct-1", AlertState.CLEARED));
            produce(platform, alert("e2", "acct-2", AlertState.RAISED));

            try (Notifier notifier =
                    Notifier.start(config, platform.bootstrapServers(), platform.schemaRegistryUrl(), line -> {})) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    for (String receiver : everyFormat) {
                        assertThat(received.get(receiver))
                                .as(receiver)
                                .containsExactlyInAnyOrder("e1:RAISED", "e1:CLEARED", "e2:RAISED")
                                .containsSubsequence("e1:RAISED", "e1:CLEARED");
                    }
                    assertThat(received.get("acct2-only")).containsExactly("e2:RAISED");
                });
                assertThat(downRefusals.get()).isGreaterThan(3); // it refused, then took them
                assertThat(notifier.failedAttempts()).isEqualTo(3);
            }
            // the DingTalk robot's deliveries were signed
            assertThat(urls.get("dingtalk"))
                    .allSatisfy(url -> assertThat(url.getQuery()).contains("access_token=t", "timestamp=", "sign="));

            produce(platform, alert("e2", "acct-2", AlertState.CLEARED));
            try (Notifier restarted =
                    Notifier.start(config, platform.bootstrapServers(), platform.schemaRegistryUrl(), line -> {})) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    for (String receiver : everyFormat) {
                        assertThat(received.get(receiver))
                                .as(receiver)
                                .hasSize(4)
                                .endsWith("e2:CLEARED");
                    }
                    assertThat(received.get("acct2-only")).containsExactly("e2:RAISED", "e2:CLEARED");
                });
                Thread.sleep(2_000); // nothing more comes: what was committed is not delivered again
                for (String receiver : everyFormat) {
                    assertThat(received.get(receiver))
                            .as(receiver)
                            .containsExactlyInAnyOrder("e1:RAISED", "e1:CLEARED", "e2:RAISED", "e2:CLEARED");
                }
                assertThat(restarted.delivered()).isEqualTo(everyFormat.size() + 1);
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldCommitADeliveryThatFinishesWhileTheNotifierCloses() throws Exception {
        java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/slow", exchange -> {
            exchange.getRequestBody().readAllBytes();
            asked.countDown();
            try {
                Thread.sleep(1_000); // answers within the close's 2 s grace
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            record("slow", exchange.getRequestHeaders().getFirst("Idempotency-Key"), exchange.getRequestURI());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        NotifyConfig config = NotifyConfig.parse(
                new org.yaml.snakeyaml.Yaml()
                        .load("receivers: [{name: slow, type: webhook, url: \"http://127.0.0.1:%d/slow\"}]"
                                .formatted(server.getAddress().getPort())),
                Map.of());
        try (EmbeddedTestPlatform platform = EmbeddedTestPlatform.start()) {
            produce(platform, alert("s1", "acct-1", AlertState.RAISED));
            Notifier notifier =
                    Notifier.start(config, platform.bootstrapServers(), platform.schemaRegistryUrl(), line -> {});
            assertThat(asked.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            notifier.close(); // while the receiver is still answering
            assertThat(notifier.delivered()).isEqualTo(1);
            assertThat(received.get("slow")).containsExactly("s1:RAISED");

            try (Notifier restarted =
                    Notifier.start(config, platform.bootstrapServers(), platform.schemaRegistryUrl(), line -> {})) {
                produce(platform, alert("s2", "acct-1", AlertState.RAISED));
                await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(() -> assertThat(received.get("slow")).contains("s2:RAISED"));
                assertThat(received.get("slow"))
                        .as("delivered once: the delivery that ended during the close was committed")
                        .containsExactly("s1:RAISED", "s2:RAISED");
                assertThat(restarted.delivered()).isEqualTo(1);
            }
        } finally {
            server.stop(0);
        }
    }

    private void answer(HttpServer server, String receiver, String answer) {
        server.createContext("/" + receiver, exchange -> {
            exchange.getRequestBody().readAllBytes();
            record(receiver, exchange.getRequestHeaders().getFirst("Idempotency-Key"), exchange.getRequestURI());
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
    }

    private void record(String receiver, String key, URI url) {
        received.computeIfAbsent(receiver, name -> new CopyOnWriteArrayList<>()).add(key);
        urls.computeIfAbsent(receiver, name -> new CopyOnWriteArrayList<>()).add(url);
    }

    private static void produce(EmbeddedTestPlatform platform, CallAlert... alerts) throws IOException {
        KafkaAvroSerializer values = new KafkaAvroSerializer();
        values.configure(Map.of("schema.registry.url", platform.schemaRegistryUrl()), false);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", platform.bootstrapServers()), new StringSerializer(), values)) {
            for (CallAlert alert : alerts) {
                // keyed by tenant and vendor, as the processor writes them: one episode stays in order
                producer.send(
                        new ProducerRecord<>(Topics.CALL_ALERTS, alert.getTenantId() + "|" + alert.getVendor(), alert));
            }
        }
    }

    private static CallAlert alert(String episode, String tenant, AlertState state) {
        return CallAlert.newBuilder(DeliveriesTest.alert(state))
                .setAlertId(episode)
                .setTenantId(tenant)
                .setEventTime(Instant.now())
                .build();
    }
}
