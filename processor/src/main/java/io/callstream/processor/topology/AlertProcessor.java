package io.callstream.processor.topology;

import io.callstream.processor.domain.FailureRateAlerts;
import io.callstream.schema.AlertTrack;
import io.callstream.schema.CallAlert;
import io.callstream.schema.CallKpi;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Feeds each tenant and vendor's KPI emissions through {@link FailureRateAlerts}; forwards transitions. */
final class AlertProcessor implements Processor<String, CallKpi, String, CallAlert> {

    private final FailureRateAlerts alerts;
    private final TopologyListener listener;
    private ProcessorContext<String, CallAlert> context;
    private KeyValueStore<String, AlertTrack> tracks;

    AlertProcessor(FailureRateAlerts alerts, TopologyListener listener) {
        this.alerts = alerts;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, CallAlert> context) {
        this.context = context;
        this.tracks = context.getStateStore(CallTopology.ALERT_STORE);
    }

    @Override
    public void process(Record<String, CallKpi> record) {
        if (record.value() == null) {
            return;
        }
        FailureRateAlerts.Step step = alerts.apply(tracks.get(record.key()), record.value());
        tracks.put(record.key(), step.track());
        if (step.alert() != null) {
            listener.alertEmitted(step.alert());
            context.forward(new Record<>(
                    record.key(), step.alert(), step.alert().getEventTime().toEpochMilli()));
        }
    }
}
