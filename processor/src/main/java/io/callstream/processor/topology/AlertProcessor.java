package io.callstream.processor.topology;

import io.callstream.processor.domain.FailureRateAlerts;
import io.callstream.processor.domain.FraudAlerts;
import io.callstream.processor.domain.MissingFinalsAlerts;
import io.callstream.processor.domain.SilenceAlerts;
import io.callstream.schema.AlertInput;
import io.callstream.schema.AlertTrack;
import io.callstream.schema.CallAlert;
import io.callstream.schema.CallKpi;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Feeds each tenant and vendor's KPI emissions through {@link FailureRateAlerts}, {@link
 * MissingFinalsAlerts} and the short-call and spend signals of {@link FraudAlerts}, the word of its
 * pushes heard to {@link SilenceAlerts} and the destination prefixes of its calls to {@link
 * FraudAlerts}; looks for silent pairs and aged new prefixes every scan interval (wall clock);
 * forwards transitions.
 */
final class AlertProcessor implements Processor<String, AlertInput, String, CallAlert> {

    private final FailureRateAlerts alerts;
    private final MissingFinalsAlerts missingFinals;
    private final SilenceAlerts silence;
    private final FraudAlerts fraud;
    private final Duration scanInterval;
    private final TopologyListener listener;
    private ProcessorContext<String, CallAlert> context;
    private KeyValueStore<String, AlertTrack> tracks;
    private Instant watchingSince;

    AlertProcessor(
            FailureRateAlerts alerts,
            MissingFinalsAlerts missingFinals,
            SilenceAlerts silence,
            FraudAlerts fraud,
            Duration scanInterval,
            TopologyListener listener) {
        this.alerts = alerts;
        this.missingFinals = missingFinals;
        this.silence = silence;
        this.fraud = fraud;
        this.scanInterval = scanInterval;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, CallAlert> context) {
        this.context = context;
        this.tracks = context.getStateStore(CallTopology.ALERT_STORE);
        this.watchingSince = Instant.ofEpochMilli(context.currentSystemTimeMs());
        context.schedule(scanInterval, PunctuationType.WALL_CLOCK_TIME, this::lookForSilence);
    }

    @Override
    public void process(Record<String, AlertInput> record) {
        AlertInput input = record.value();
        if (input == null) {
            return;
        }
        AlertTrack track = tracks.get(record.key());
        CallKpi kpi = input.getKpi();
        if (kpi == null) {
            AlertTrack known =
                    track != null ? track : FailureRateAlerts.newTrack(input.getTenantId(), input.getVendor());
            Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
            if (input.getHeardAt() != null) {
                FailureRateAlerts.Step heard = silence.heard(known, input.getHeardAt(), now);
                forward(record.key(), heard.alert());
                known = heard.track();
            }
            if (!input.getDestinations().isEmpty()) {
                FailureRateAlerts.Step destinations = fraud.destinations(known, input.getDestinations(), now);
                forward(record.key(), destinations.alert());
                known = destinations.track();
            }
            tracks.put(record.key(), known);
            return;
        }
        FailureRateAlerts.Step step = alerts.apply(track, kpi);
        forward(record.key(), step.alert());
        FailureRateAlerts.Step settled = missingFinals.apply(step.track());
        forward(record.key(), settled.alert());
        FailureRateAlerts.Step shortCalls = fraud.shortCalls(settled.track());
        forward(record.key(), shortCalls.alert());
        FailureRateAlerts.Step spend = fraud.spend(shortCalls.track());
        tracks.put(record.key(), spend.track());
        forward(record.key(), spend.alert());
    }

    private void lookForSilence(long now) {
        List<KeyValue<String, FailureRateAlerts.Step>> silent = new ArrayList<>();
        try (KeyValueIterator<String, AlertTrack> all = tracks.all()) {
            while (all.hasNext()) {
                KeyValue<String, AlertTrack> entry = all.next();
                FailureRateAlerts.Step step = silence.check(entry.value, Instant.ofEpochMilli(now), watchingSince);
                if (step.alert() != null) {
                    silent.add(KeyValue.pair(entry.key, step));
                }
                // (new destination prefixes age on the wall clock: an episode clears without new calls)
                FailureRateAlerts.Step aged = fraud.checkDestinations(step.track(), Instant.ofEpochMilli(now));
                if (aged.alert() != null) {
                    silent.add(KeyValue.pair(entry.key, aged));
                }
            }
        }
        for (KeyValue<String, FailureRateAlerts.Step> entry : silent) {
            tracks.put(entry.key, entry.value.track());
            forward(entry.key, entry.value.alert());
        }
    }

    private void forward(String key, CallAlert alert) {
        if (alert != null) {
            listener.alertEmitted(alert);
            context.forward(new Record<>(key, alert, alert.getEventTime().toEpochMilli()));
        }
    }
}
