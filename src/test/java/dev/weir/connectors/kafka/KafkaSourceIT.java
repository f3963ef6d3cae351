package dev.weir.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.InputStatus;
import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.runtime.dataflow.SourceReader;
import dev.weir.testing.EmbeddedKafka;
import dev.weir.testing.SourceTestHarness;
import dev.weir.testing.SplitRecordingOutput;

class KafkaSourceIT {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.shared();
    }

    @Test
    void readsEveryRecordOnceWithARestoreAfterEveryPoll() throws Exception {
        List<String> input = values(120);
        String topic = topicWith("source-restore", 3, input);

        List<String> read = SourceTestHarness.readWithRestoreAfterEveryPoll(source(topic).boundedAtLatest().build(), 2, 8, 3);

        assertThat(read).containsExactlyInAnyOrderElementsOf(input);
    }

    @Test
    void readsEveryRecordOnceAcrossARescaleFromTwoToThree() throws Exception {
        List<String> input = values(200);
        String topic = topicWith("source-rescale", 5, input);

        List<String> read = SourceTestHarness.readWithRescale(source(topic).boundedByRecords(200).build(), 2, 3, 4, 8);

        assertThat(read).containsExactlyInAnyOrderElementsOf(input);
    }

    /** Per-split watermarks need each partition's records in that partition's split output. */
    @Test
    void eachPartitionIsASplitAndABoundedPartitionReleasesItsSplitAtItsEnd() throws Exception {
        String topic = "source-splits-" + System.nanoTime();
        kafka.createTopic(topic, 3);
        Map<String, List<String>> written = new TreeMap<>();
        for (int partition = 0; partition < 3; partition++) {
            List<String> values = IntStream.range(0, 40 + 10 * partition).mapToObj(i -> "r" + i).toList();
            KafkaTestSupport.produce(kafka.bootstrapServers(), topic, partition, values);
            written.put(topic + "-" + partition, values);
        }
        SplitRecordingOutput<String> output = new SplitRecordingOutput<>();
        try (SourceReader<String> reader = source(topic).boundedAtLatest().build()
                .createReader(new SourceContext("test", 0, 1, 8, 0, OperatorStateRestore.empty(0, 1)))) {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (reader.pollNext(output) != InputStatus.END_OF_INPUT && System.nanoTime() < deadline) {
                // read to the end
            }
        }
        assertThat(output.subtask).as("records outside every split").isEmpty();
        assertThat(output.bySplit).isEqualTo(written);
        assertThat(output.released).containsExactlyInAnyOrderElementsOf(written.keySet());
    }

    /**
     * A canceled task's thread is interrupted when its reader closes: the close must not wait for
     * the broker (the consumer would give up on its fetch sessions and log that as an error, with a
     * stack trace, in every worker that stops), and the interrupt stays for the task to see.
     */
    @Test
    void closingOnAnInterruptedThreadLogsNoErrorAndKeepsTheInterrupt() throws Exception {
        String topic = topicWith("source-interrupted-close", 2, values(100));
        SourceReader<String> reader = source(topic).build().createReader(
                new SourceContext("test", 0, 1, 8, 0, OperatorStateRestore.empty(0, 1)));
        pollUntil(reader, new ArrayList<>(), 100);

        InterruptedClose.Outcome closed = InterruptedClose.close(reader);

        assertThat(closed.stillInterrupted()).as("the interrupt is kept").isTrue();
        assertThat(closed.warnings()).isEmpty();
    }

    @Test
    void measuresItsConsumerLagAsTheRecordsBetweenItsNextOffsetsAndThePartitionsEnds() throws Exception {
        String topic = topicWith("source-lag", 3, values(120));
        SourceReader<String> reader = source(topic).consumerLagIntervalMs(0).build().createReader(
                new SourceContext("test", 0, 1, 8, 0, OperatorStateRestore.empty(0, 1)));
        assertThat(reader.pendingRecords()).as("before any poll").isEqualTo(-1);
        List<String> read = new ArrayList<>();

        pollUntil(reader, read, 1);
        assertThat(read).as("max.poll.records").hasSizeLessThanOrEqualTo(15);
        assertThat(reader.pendingRecords()).isEqualTo(120 - read.size());
        pollUntil(reader, read, 120);
        assertThat(reader.pendingRecords()).isZero();
        reader.close();
    }

    @Test
    void discoversNewPartitionsAndReadsThemFromTheBeginning() throws Exception {
        String topic = topicWith("source-discovery", 1, values(10));
        KafkaSource<String> source = source(topic).partitionDiscoveryIntervalMs(100).build();
        SourceReader<String> reader = source.createReader(
                new SourceContext("test", 0, 1, 8, 0, OperatorStateRestore.empty(0, 1)));
        List<String> read = new ArrayList<>();
        pollUntil(reader, read, 10);

        kafka.addPartitions(topic, 3);
        KafkaTestSupport.produce(kafka.bootstrapServers(), topic, 1, List.of("new-a"));
        KafkaTestSupport.produce(kafka.bootstrapServers(), topic, 2, List.of("new-b", "new-c"));
        pollUntil(reader, read, 13);
        reader.close();

        assertThat(read).hasSize(13).contains("new-a", "new-b", "new-c");
    }

    @Test
    void startFromLatestSkipsWhatTheTopicHeldAtStartAndReadsWhatComesAfter() throws Exception {
        String topic = topicWith("source-latest", 3, values(30));
        List<SourceReader<String>> readers = readers(source(topic).startFromLatest().build(), 2);
        List<String> read = new ArrayList<>();
        pollFor(readers, read, Duration.ofMillis(300));
        assertThat(read).isEmpty();

        KafkaTestSupport.produce(kafka.bootstrapServers(), topic, List.of("after-0", "after-1", "after-2", "after-3"));
        pollUntil(readers, read, 4);
        pollFor(readers, read, Duration.ofMillis(300));
        close(readers);

        assertThat(read).containsExactlyInAnyOrder("after-0", "after-1", "after-2", "after-3");
    }

    @Test
    void startFromTimestampStartsEachPartitionAtItsFirstRecordAtOrAfterTheTimestamp() throws Exception {
        String topic = "source-timestamp-" + System.nanoTime();
        kafka.createTopic(topic, 3);
        long t = System.currentTimeMillis() - 600_000; // the broker refuses timestamps far in the future
        KafkaTestSupport.send(kafka.bootstrapServers(), List.of(
                new ProducerRecord<>(topic, 0, t + 1_000, null, "p0-1000"),
                new ProducerRecord<>(topic, 0, t + 2_000, null, "p0-2000"),
                new ProducerRecord<>(topic, 0, t + 3_000, null, "p0-3000"),
                new ProducerRecord<>(topic, 1, t + 1_500, null, "p1-1500"),
                new ProducerRecord<>(topic, 1, t + 2_000, null, "p1-2000"),
                new ProducerRecord<>(topic, 1, t + 1_000, null, "p1-1000-late"), // out of order: after the start offset
                new ProducerRecord<>(topic, 2, t + 500, null, "p2-500"))); // nothing at or after: starts at the end

        List<String> read = SourceTestHarness.readAll(source(topic).startFromTimestamp(t + 2_000).boundedAtLatest().build(), 2, 8);

        assertThat(read).containsExactlyInAnyOrder("p0-2000", "p0-3000", "p1-2000", "p1-1000-late");
    }

    @Test
    void patternReadsMatchingTopicsIncludingOnesCreatedLaterAndNoOthers() throws Exception {
        String run = "pattern-" + System.nanoTime();
        createTopic(run + "-early", 2, List.of("early-0", "early-1", "early-2"));
        createTopic("other-" + run, 1, List.of("other-0"));
        KafkaSource<String> source = KafkaSource.<String>builder()
                .bootstrapServers(kafka.bootstrapServers())
                .topicPattern(Pattern.compile(Pattern.quote(run) + "-.*"))
                .deserializer(r -> r.topic() + ":" + new String(r.value(), StandardCharsets.UTF_8))
                .partitionDiscoveryIntervalMs(100)
                .build();
        List<SourceReader<String>> readers = readers(source, 2);
        List<String> read = new ArrayList<>();
        pollUntil(readers, read, 3);

        createTopic(run + "-late", 3, List.of("late-0", "late-1", "late-2", "late-3"));
        createTopic(run + "X-late", 1, List.of("near-miss"));
        createTopic("late-" + run, 1, List.of("other-1"));
        pollUntil(readers, read, 7);
        pollFor(readers, read, Duration.ofMillis(500));
        close(readers);

        assertThat(read).containsExactlyInAnyOrder(run + "-early:early-0", run + "-early:early-1", run + "-early:early-2",
                run + "-late:late-0", run + "-late:late-1", run + "-late:late-2", run + "-late:late-3");
    }

    @Test
    void partitionsAddedLaterReachTheirOwnersAndStartAtTheBeginningEvenWhenStartingAtLatest() throws Exception {
        String topic = topicWith("source-added", 1, values(5));
        List<SourceReader<String>> readers = readers(source(topic).startFromLatest().partitionDiscoveryIntervalMs(100).build(), 2);
        List<String> read = new ArrayList<>();
        pollFor(readers, read, Duration.ofMillis(200));

        kafka.addPartitions(topic, 4);
        for (int p = 1; p < 4; p++) {
            KafkaTestSupport.produce(kafka.bootstrapServers(), topic, p, List.of("p" + p + "-a", "p" + p + "-b"));
        }
        List<List<String>> perReader = List.of(new ArrayList<>(), new ArrayList<>());
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (perReader.get(0).size() + perReader.get(1).size() < 6 && System.nanoTime() < deadline) {
            for (int s = 0; s < 2; s++) {
                readers.get(s).pollNext(perReader.get(s)::add);
            }
        }
        close(readers);

        assertThat(read).isEmpty();
        for (int s = 0; s < 2; s++) {
            List<String> expected = new ArrayList<>();
            for (int p = 1; p < 4; p++) {
                if (PartitionOffsets.owner(new TopicPartition(topic, p), 2) == s) {
                    expected.addAll(List.of("p" + p + "-a", "p" + p + "-b"));
                }
            }
            assertThat(perReader.get(s)).as("subtask %d", s).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void onRestoreTheCheckpointedOffsetsWinOverTheStartMode() throws Exception {
        String topic = topicWith("source-restore-latest", 2, values(20));
        SourceTestHarness<String> harness = new SourceTestHarness<>(
                source(topic).startFromLatest().partitionDiscoveryIntervalMs(100).build(), 2, 8, 1);
        KafkaTestSupport.produce(kafka.bootstrapServers(), topic, List.of("before-checkpoint-0", "before-checkpoint-1"));
        pollUntil(harness, 2);
        harness.checkpoint();

        // Started now at latest, a reader would skip these; restored, it must read them.
        KafkaTestSupport.produce(kafka.bootstrapServers(), topic, List.of("after-checkpoint-0", "after-checkpoint-1"));
        kafka.addPartitions(topic, 3); // not in the checkpoint: read from its beginning
        KafkaTestSupport.produce(kafka.bootstrapServers(), topic, 2, List.of("new-partition-0"));
        harness.pollAll(); // what is read past the checkpoint is replayed after the restore
        harness.restore(2);
        pollUntil(harness, 5);
        for (int i = 0; i < 5; i++) {
            harness.pollAll();
        }

        assertThat(harness.output()).containsExactlyInAnyOrder("before-checkpoint-0", "before-checkpoint-1",
                "after-checkpoint-0", "after-checkpoint-1", "new-partition-0");
    }

    @Test
    void kafkaCommittedOffsetsOnlyFollowCompletedCheckpoints() throws Exception {
        String topic = topicWith("source-committed", 1, values(10));
        String group = "weir-lag-" + System.nanoTime();
        SourceReader<String> reader = readers(source(topic).consumerProperty("group.id", group).build(), 1).get(0);
        List<String> read = new ArrayList<>();
        pollUntil(reader, read, 10);
        reader.snapshotState(1);
        KafkaTestSupport.produce(kafka.bootstrapServers(), topic, List.of("after-1", "after-2"));
        pollUntil(reader, read, 12);
        pollFor(List.of(reader), read, Duration.ofMillis(200));
        assertThat(committedOffsets(group)).as("nothing before a checkpoint completes").isEmpty();

        reader.notifyCheckpointComplete(1);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (committedOffsets(group).isEmpty() && System.nanoTime() < deadline) {
            reader.pollNext(read::add); // an async commit completes in a later poll
        }
        reader.close();

        assertThat(committedOffsets(group)).containsExactly(Map.entry(new TopicPartition(topic, 0), 10L));
    }

    @Test
    void unreachableBrokerFailsFastNamingTheSourceAndBootstrapServers() {
        KafkaSource<String> source = KafkaSource.<String>builder()
                .bootstrapServers("127.0.0.1:1")
                .topics(List.of("t"))
                .deserializer(r -> new String(r.value(), StandardCharsets.UTF_8))
                .consumerProperty("default.api.timeout.ms", 1500)
                .build();
        long start = System.nanoTime();

        assertThatThrownBy(() -> source.createReader(new SourceContext("test", 0, 1, 8, 0, null)))
                .hasMessageContaining("KafkaSource")
                .hasMessageContaining("bootstrap.servers=127.0.0.1:1");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
    }

    private static void pollUntil(SourceReader<String> reader, List<String> read, int count) throws Exception {
        pollUntil(List.of(reader), read, count);
    }

    /** Polls every reader in turn until {@code read} holds {@code count} records (20 s at most). */
    private static void pollUntil(List<SourceReader<String>> readers, List<String> read, int count) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (read.size() < count && System.nanoTime() < deadline) {
            for (SourceReader<String> reader : readers) {
                assertThat(reader.pollNext(read::add)).isNotEqualTo(InputStatus.END_OF_INPUT);
            }
        }
    }

    private static void pollUntil(SourceTestHarness<String> harness, int count) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (harness.output().size() < count && System.nanoTime() < deadline) {
            harness.pollAll();
        }
    }

    /** Polls for {@code time}, so that records that should not come have the chance to. */
    private static void pollFor(List<SourceReader<String>> readers, List<String> read, Duration time) throws Exception {
        long end = System.nanoTime() + time.toNanos();
        while (System.nanoTime() < end) {
            for (SourceReader<String> reader : readers) {
                reader.pollNext(read::add);
            }
        }
    }

    /** Unbounded readers of every subtask at {@code parallelism}, started without a checkpoint. */
    private static List<SourceReader<String>> readers(KafkaSource<String> source, int parallelism) {
        List<SourceReader<String>> readers = new ArrayList<>();
        for (int s = 0; s < parallelism; s++) {
            readers.add(source.createReader(new SourceContext("test", s, parallelism, 8, 0,
                    OperatorStateRestore.empty(s, parallelism))));
        }
        return readers;
    }

    private static Map<TopicPartition, Long> committedOffsets(String group) throws Exception {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .forEach((tp, offset) -> offsets.put(tp, offset.offset()));
        return offsets;
    }

    private static void close(List<SourceReader<String>> readers) throws Exception {
        for (SourceReader<String> reader : readers) {
            reader.close();
        }
    }

    private static KafkaSource.Builder<String> source(String topic) {
        return KafkaSource.<String>builder()
                .bootstrapServers(kafka.bootstrapServers())
                .topics(List.of(topic))
                .deserializer(r -> new String(r.value(), StandardCharsets.UTF_8))
                .consumerProperty("max.poll.records", 15);
    }

    private static String topicWith(String name, int partitions, List<String> values) throws Exception {
        return createTopic(name + "-" + System.nanoTime(), partitions, values);
    }

    private static String createTopic(String topic, int partitions, List<String> values) throws Exception {
        kafka.createTopic(topic, partitions);
        KafkaTestSupport.produce(kafka.bootstrapServers(), topic, values);
        return topic;
    }

    private static List<String> values(int n) {
        return IntStream.range(0, n).mapToObj(i -> "r" + i).toList();
    }
}
