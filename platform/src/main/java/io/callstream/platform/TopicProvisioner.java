package io.callstream.platform;

import io.callstream.schema.Topics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates callstream's topics that do not exist yet (Kafka Streams needs its source topics up front). */
final class TopicProvisioner {

    static final List<String> TOPICS = List.of(
            Topics.WEBHOOKS_RAW,
            Topics.CALL_EVENTS,
            Topics.CALLS,
            Topics.CALL_KPIS,
            Topics.CALL_ALERTS,
            Topics.DEAD_LETTERS,
            Topics.SINK_DEAD_LETTERS);

    private TopicProvisioner() {}

    /** Creates the missing topics with {@code partitions} partitions each; returns how many it created. */
    static int provision(String bootstrapServers, int partitions) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = TOPICS.stream()
                    .filter(topic -> !existing.contains(topic))
                    .map(topic -> new NewTopic(topic, partitions, (short) 1))
                    .toList();
            admin.createTopics(missing).all().get();
            return missing.size();
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Cannot create callstream's topics: " + e.getCause().getMessage(), e);
        }
    }
}
