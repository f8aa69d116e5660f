package io.callstream.connect.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.sink.SinkConnector;

/** What every callstream sink connector does: validate its settings and hand them to its tasks. */
public abstract class CallstreamSinkConnector extends SinkConnector {

    static final String VERSION = "0.1.0-SNAPSHOT";

    private Map<String, String> properties;

    @Override
    public void start(Map<String, String> properties) {
        new SinkSettings(properties); // fails fast on a bad configuration
        this.properties = Map.copyOf(properties);
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            configs.add(properties);
        }
        return configs;
    }

    @Override
    public void stop() {}

    @Override
    public ConfigDef config() {
        return SinkSettings.configDef();
    }

    @Override
    public String version() {
        return VERSION;
    }
}
