package io.callstream.processor.topology;

import io.callstream.schema.Call;
import io.callstream.schema.CallAlert;
import io.callstream.schema.DeadLetter;

/**
 * Told what the topology emits, for monitoring (metrics); called on the stream threads, so it must
 * be quick and thread-safe. A task that is retried after a failure may report an emission twice:
 * this is not an exactly-once channel.
 */
public interface TopologyListener {

    TopologyListener NONE = new TopologyListener() {};

    default void callEmitted(Call call) {}

    default void alertEmitted(CallAlert alert) {}

    default void deadLettered(DeadLetter letter) {}

    /** A dependency (the schema registry) was unavailable: the task fails and is retried. */
    default void transientFailure(Exception failure) {}
}
