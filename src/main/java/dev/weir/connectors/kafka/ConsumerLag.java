package dev.weir.connectors.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * One reader's consumer lag: over its partitions, the end offset (the last stable offset under
 * read_committed) less the next offset to emit. Measured on the reader's thread at most once per
 * interval, from what the consumer's fetches already know ({@link Consumer#currentLag}); only a
 * partition not fetched yet costs a request for its end offset. Any thread reads the latest figure.
 */
final class ConsumerLag {

    private final long intervalMs;
    private long lastMeasuredMs = Long.MIN_VALUE;
    private volatile long pendingRecords = -1;

    ConsumerLag(long intervalMs) {
        this.intervalMs = intervalMs;
    }

    /** The records behind the partitions' ends at the latest measurement; -1 before the first. */
    long pendingRecords() {
        return pendingRecords;
    }

    /** @param next the next offset to emit of every assigned partition */
    void maybeMeasure(Consumer<?, ?> consumer, Map<TopicPartition, Long> next, long nowMs) {
        if (lastMeasuredMs != Long.MIN_VALUE && nowMs - lastMeasuredMs < intervalMs) {
            return;
        }
        lastMeasuredMs = nowMs;
        long total = 0;
        List<TopicPartition> unknown = new ArrayList<>();
        for (Map.Entry<TopicPartition, Long> e : next.entrySet()) {
            OptionalLong lag = consumer.currentLag(e.getKey());
            if (lag.isPresent()) {
                // The lag is from the fetch position, which may be past records held back by a bound.
                total += Math.max(0, consumer.position(e.getKey()) + lag.getAsLong() - e.getValue());
            } else {
                unknown.add(e.getKey());
            }
        }
        if (!unknown.isEmpty()) {
            for (Map.Entry<TopicPartition, Long> end : consumer.endOffsets(unknown).entrySet()) {
                total += Math.max(0, end.getValue() - next.get(end.getKey()));
            }
        }
        pendingRecords = total;
    }
}
