package dev.weir.connectors.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.weir.runtime.dataflow.InputStatus;
import dev.weir.runtime.dataflow.ReaderOutput;
import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.runtime.dataflow.SourceReader;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.dataflow.functions.Collector;

/**
 * One subtask of a {@link KafkaSource}. The consumer is used on the task thread only (every
 * method here runs there). Partitions are assigned, never subscribed: Kafka's group management
 * plays no part, so the checkpoint alone decides where reading resumes.
 */
final class KafkaSourceReader<T> implements SourceReader<T> {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(20);

    private final KafkaSource<T> source;
    private final SourceContext context;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final boolean restored;
    private final Map<TopicPartition, PartitionOffsets.Position> restoredPositions;
    /** Next offset to emit, per owned partition; insertion order is assignment order. */
    private final Map<TopicPartition, Long> next = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> stop = new HashMap<>();
    private final NavigableMap<Long, Map<TopicPartition, Long>> snapshots = new TreeMap<>();
    private long lastDiscovery;
    private final ConsumerLag lag;
    /** Each partition's output, for the ReaderOutput {@link #splitsOf}. */
    private final Map<TopicPartition, Collector<T>> splitOutputs = new HashMap<>();
    private ReaderOutput<T> splitsOf;
    /** Stopped partitions whose splits were released. */
    private final Set<TopicPartition> released = new HashSet<>();

    KafkaSourceReader(KafkaSource<T> source, SourceContext context) {
        this.source = source;
        this.context = context;
        this.lag = new ConsumerLag(source.lagIntervalMs);
        try {
            this.consumer = new KafkaConsumer<>(source.consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (org.apache.kafka.common.KafkaException e) {
            // e.g. a host name that does not resolve: kafka-clients says only "Failed to construct kafka consumer"
            throw new IllegalStateException(source.describe() + ": cannot create a consumer for bootstrap.servers="
                    + source.bootstrapServers + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
        try {
            this.restored = context.restore() != null && !context.restore().all().isEmpty();
            this.restoredPositions = restored
                    ? PartitionOffsets.decodeUnion(context.restore().all()) : Map.of();
            guarded(() -> {
                requireTopics();
                assign(discoverOwned(), true);
                return null;
            });
            lastDiscovery = System.currentTimeMillis();
        } catch (RuntimeException | java.io.IOException e) {
            consumer.close(Duration.ZERO);
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /**
     * Each partition is a split: its records go through its own output, so it has its own
     * watermark and one partition that lags behind cannot make the others' records late (as
     * Flink's Kafka source does); a bounded partition that reached its end releases its split.
     */
    @Override
    public InputStatus pollNext(ReaderOutput<T> output) {
        if (splitsOf != output) {
            splitOutputs.clear();
            released.clear();
            splitsOf = output;
        }
        return poll(tp -> splitOutputs.computeIfAbsent(tp, p -> output.forSplit(splitId(p))), output);
    }

    @Override
    public InputStatus pollNext(Collector<T> output) {
        return poll(tp -> output, null);
    }

    private InputStatus poll(Function<TopicPartition, Collector<T>> outputOf, ReaderOutput<T> splits) {
        return guarded(() -> {
            maybeDiscover();
            if (source.bound == KafkaSource.Bound.RECORDS && stop.size() < next.size()) {
                maybeFixRecordBound();
            }
            if (source.bound != KafkaSource.Bound.NONE && allStopped()) {
                return InputStatus.END_OF_INPUT;
            }
            if (next.isEmpty()) {
                // poll() throws without partitions; a subtask may own none yet (fewer partitions than
                // subtasks, a pattern that matches nothing) and get some from discovery.
                return InputStatus.NOTHING_AVAILABLE;
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
            int emitted = 0;
            for (TopicPartition tp : records.partitions()) {
                Collector<T> output = outputOf.apply(tp);
                Long stopAt = stop.get(tp);
                long nextOffset = -1;
                for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                    if (stopAt != null && record.offset() >= stopAt) {
                        break; // fetched ahead of the bound
                    }
                    output.collect(source.deserializer.apply(record));
                    nextOffset = record.offset() + 1;
                    emitted++;
                }
                if (nextOffset >= 0) {
                    next.put(tp, nextOffset);
                }
            }
            pauseStopped(splits);
            lag.maybeMeasure(consumer, next, System.currentTimeMillis());
            return emitted > 0 ? InputStatus.MORE_AVAILABLE : InputStatus.NOTHING_AVAILABLE;
        });
    }

    private static String splitId(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    @Override
    public long pendingRecords() {
        return lag.pendingRecords();
    }

    @Override
    public byte[] snapshotState(long checkpointId) throws Exception {
        if (source.consumerProperties.containsKey("group.id")) {
            snapshots.put(checkpointId, new HashMap<>(next));
        }
        return PartitionOffsets.encode(next, stop);
    }

    /** Kafka's committed offsets are for monitoring only (lag); the checkpoint is the truth. */
    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        NavigableMap<Long, Map<TopicPartition, Long>> done = snapshots.headMap(checkpointId, true);
        if (done.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        done.lastEntry().getValue().forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
        done.clear();
        consumer.commitAsync(offsets, null);
    }

    @Override
    public void close() throws Exception {
        // Nothing to wait for once canceled: the fetch sessions end with the connections.
        InterruptDeferral.close(canceled -> consumer.close(canceled ? Duration.ZERO : Duration.ofSeconds(5)));
    }

    /** Assigns new partitions: restored ones resume, others start per the source (or earliest, if discovered later). */
    private void assign(List<TopicPartition> added, boolean atStart) {
        if (added.isEmpty()) {
            return;
        }
        List<TopicPartition> all = new ArrayList<>(next.keySet());
        all.addAll(added);
        consumer.assign(all);
        List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition tp : added) {
            PartitionOffsets.Position position = restoredPositions.get(tp);
            if (position != null) {
                next.put(tp, position.next());
                if (position.stop() != PartitionOffsets.NO_STOP) {
                    stop.put(tp, position.stop());
                }
                consumer.seek(tp, position.next());
            } else {
                fresh.add(tp);
            }
        }
        boolean configuredStart = atStart && !restored;
        Map<TopicPartition, Long> starts = configuredStart ? startOffsets(fresh) : consumer.beginningOffsets(fresh);
        for (TopicPartition tp : fresh) {
            long offset = starts.get(tp);
            next.put(tp, offset);
            consumer.seek(tp, offset);
        }
        if (source.bound == KafkaSource.Bound.LATEST_AT_START && !fresh.isEmpty()) {
            stop.putAll(consumer.endOffsets(fresh));
        }
    }

    private Map<TopicPartition, Long> startOffsets(List<TopicPartition> partitions) {
        switch (source.startFrom) {
            case LATEST:
                return consumer.endOffsets(partitions);
            case TIMESTAMP:
                Map<TopicPartition, Long> query = new HashMap<>();
                partitions.forEach(tp -> query.put(tp, source.startTimestamp));
                Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                Map<TopicPartition, Long> starts = new HashMap<>();
                for (TopicPartition tp : partitions) {
                    OffsetAndTimestamp at = found.get(tp);
                    starts.put(tp, at == null ? end.get(tp) : at.offset());
                }
                return starts;
            default:
                return consumer.beginningOffsets(partitions);
        }
    }

    private void maybeDiscover() {
        long now = System.currentTimeMillis();
        if (source.bound != KafkaSource.Bound.NONE || now - lastDiscovery < source.discoveryIntervalMs) {
            return;
        }
        lastDiscovery = now;
        List<TopicPartition> added = discoverOwned().stream().filter(tp -> !next.containsKey(tp)).toList();
        assign(added, false);
    }

    /** Once the topics hold the bound's number of records, every partition stops at its end offset then. */
    private void maybeFixRecordBound() {
        List<TopicPartition> all = discoverAll();
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(all);
        Map<TopicPartition, Long> end = consumer.endOffsets(all);
        long total = 0;
        for (TopicPartition tp : all) {
            total += end.get(tp) - begin.get(tp);
        }
        if (total >= source.boundRecords) {
            for (TopicPartition tp : next.keySet()) {
                stop.put(tp, end.getOrDefault(tp, next.get(tp)));
            }
        }
    }

    private boolean allStopped() {
        if (stop.size() < next.size()) {
            return false;
        }
        for (Map.Entry<TopicPartition, Long> e : next.entrySet()) {
            long stopAt = stop.get(e.getKey());
            // position() also covers transaction markers after the last record.
            if (e.getValue() < stopAt && consumer.position(e.getKey()) < stopAt) {
                return false;
            }
        }
        return true;
    }

    /** Pauses partitions that reached their stop offset and releases their splits (once each). */
    private void pauseStopped(ReaderOutput<T> splits) {
        List<TopicPartition> done = new ArrayList<>();
        stop.forEach((tp, stopAt) -> {
            if (next.getOrDefault(tp, 0L) >= stopAt) {
                done.add(tp);
            }
        });
        if (!done.isEmpty()) {
            consumer.pause(done);
            if (splits != null) {
                for (TopicPartition tp : done) {
                    if (released.add(tp)) {
                        splits.releaseSplit(splitId(tp));
                    }
                }
            }
        }
    }

    private List<TopicPartition> discoverOwned() {
        return discoverAll().stream()
                .filter(tp -> PartitionOffsets.owner(tp, context.parallelism()) == context.subtask())
                .toList();
    }

    /**
     * A named topic that does not exist is a configuration error, reported at start: otherwise a
     * bounded reader would end at once with nothing read, and an unbounded one would wait forever.
     */
    private void requireTopics() {
        if (source.topics == null) {
            return; // a pattern may match nothing yet
        }
        java.util.Set<String> existing = consumer.listTopics().keySet();
        List<String> missing = source.topics.stream().filter(t -> !existing.contains(t)).toList();
        if (!missing.isEmpty()) {
            throw new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION,
                    source.describe() + ": topic " + String.join(", ", missing)
                    + " does not exist at bootstrap.servers=" + source.bootstrapServers
                    + "; create it or fix the topic name");
        }
    }

    /** Asks the brokers (listTopics() is never answered from the metadata cache, partitionsFor() may be). */
    private List<TopicPartition> discoverAll() {
        List<TopicPartition> partitions = new ArrayList<>();
        Map<String, List<PartitionInfo>> topics = consumer.listTopics();
        topics.forEach((topic, infos) -> {
            boolean wanted = source.topics != null ? source.topics.contains(topic) : source.topicPattern.matcher(topic).matches();
            if (wanted) {
                infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
        });
        partitions.sort(java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        return partitions;
    }

    private <R> R guarded(java.util.function.Supplier<R> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            if (KafkaFailures.isTimeout(e)) {
                throw KafkaFailures.unreachable(source.describe(), source.bootstrapServers,
                        "default.api.timeout.ms", source.apiTimeoutMs(), e);
            }
            throw e;
        }
    }
}
