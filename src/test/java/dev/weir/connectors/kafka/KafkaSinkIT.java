package dev.weir.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.testing.EmbeddedKafka;
import dev.weir.testing.KafkaTopics;
import dev.weir.testkit.SinkTestHarness;

class KafkaSinkIT {

    private static EmbeddedKafka kafka;
    /** Writers the harness "crashed" keep their producers; they are closed after each test. */
    private final List<SinkWriter<String>> created = new ArrayList<>();

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.shared();
    }

    @AfterEach
    void closeCrashedWriters() throws Exception {
        for (SinkWriter<String> writer : created) {
            writer.close();
        }
    }

    @Test
    void exactlyOnceSinkCommitsEveryRecordOnceUnderRestoresAndRescaling() throws Exception {
        String topic = newTopic("eo-restore");
        List<String> input = values(24);

        SinkTestHarness.runWithRestoreAfterEveryItem(tracked(sink(topic, DeliveryGuarantee.EXACTLY_ONCE)), input, 7, 2, 3, 1);

        assertThat(KafkaTopics.readCommitted(kafka.bootstrapServers(), topic)).containsExactlyInAnyOrderElementsOf(input);
    }

    @Test
    void recoveryCommitsACheckpointWhoseNotificationWasLostInACrash() throws Exception {
        String topic = newTopic("eo-lost-notify");
        SinkTestHarness<String> harness = new SinkTestHarness<>(tracked(sink(topic, DeliveryGuarantee.EXACTLY_ONCE)), 2, 1);
        harness.write(0, "a");
        harness.write(1, "b");
        harness.complete(harness.snapshot(), false);
        assertThat(KafkaTopics.readCommitted(kafka.bootstrapServers(), topic)).isEmpty();

        harness.restore(2, false); // crash after "checkpoint complete", before the commit

        // The restored writers resumed the pre-committed transactions by producer id and epoch.
        assertThat(KafkaTopics.readCommitted(kafka.bootstrapServers(), topic)).containsExactlyInAnyOrder("a", "b");
        harness.write(0, "c");
        harness.finish();
        assertThat(KafkaTopics.readCommitted(kafka.bootstrapServers(), topic)).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void abortsLingeringTransactionsOfACrashedAttemptIncludingVanishedSubtasks() throws Exception {
        String topic = newTopic("eo-lingering");
        String prefix = topic + "-txn";
        Sink<String> sink = tracked(sink(topic, DeliveryGuarantee.EXACTLY_ONCE));
        SinkTestHarness<String> harness = new SinkTestHarness<>(sink, 3, 1);
        harness.write(0, "kept");
        harness.complete(harness.snapshot(), true);
        harness.write(1, "pre-committed-but-not-complete");
        harness.write(2, "open-1");
        harness.snapshot(); // never completes
        harness.write(2, "open-2");
        // Pre-committed ones are flushed; "open-2" may not have reached the coordinator yet.
        assertThat(openTransactions(prefix)).contains(prefix + "-1-0", prefix + "-2-0");

        harness.restore(1, false); // crash; subtasks 1 and 2 no longer exist

        assertThat(openTransactions(prefix)).isEmpty();
        harness.write(0, "after");
        harness.finish();
        // "after" is behind the crashed attempt's records in the log: readable only if those were aborted.
        assertThat(KafkaTopics.readCommitted(kafka.bootstrapServers(), topic)).containsExactlyInAnyOrder("kept", "after");
    }

    @Test
    void atLeastOnceSinkShowsDuplicatesUnderTheSameCrashes() throws Exception {
        String topic = newTopic("alo-restore");
        List<String> input = values(24);

        SinkTestHarness.runWithRestoreAfterEveryItem(tracked(sink(topic, DeliveryGuarantee.AT_LEAST_ONCE)), input, 7, 2, 3, 1);

        List<String> read = KafkaTopics.readCommitted(kafka.bootstrapServers(), topic);
        // The negative control: the same reader does see duplicates when the sink allows them.
        assertThat(read).containsAll(input);
        assertThat(read.size() - input.size()).isGreaterThan(0);
    }

    @Test
    void transactionTimeoutAboveTheBrokerMaximumIsAClearError() throws Exception {
        String topic = newTopic("eo-timeout");
        KafkaSink<String> sink = builder(topic, DeliveryGuarantee.EXACTLY_ONCE)
                .transactionTimeoutMs(EmbeddedKafka.DEFAULT_MAX_TRANSACTION_TIMEOUT_MS + 1L)
                .build();
        assertThatThrownBy(() -> sink.createWriter(new SinkContext("test", 0, 1, 0, null)))
                .hasMessageContaining("transaction.timeout.ms=" + (EmbeddedKafka.DEFAULT_MAX_TRANSACTION_TIMEOUT_MS + 1L))
                .hasMessageContaining("transaction.max.timeout.ms");
    }

    @Test
    void unreachableBrokerFailsFastNamingTheSinkAndBootstrapServers() {
        KafkaSink<String> sink = KafkaSink.<String>builder()
                .bootstrapServers("127.0.0.1:1")
                .serializer("t", null, v -> v.getBytes(StandardCharsets.UTF_8))
                .transactionalIdPrefix("unreachable")
                .producerProperty("max.block.ms", 1500)
                .build();
        long start = System.nanoTime();

        assertThatThrownBy(() -> sink.createWriter(new SinkContext("test", 0, 1, 0, null)))
                .hasMessageContaining("KafkaSink")
                .hasMessageContaining("bootstrap.servers=127.0.0.1:1");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
    }

    private static String newTopic(String name) throws Exception {
        String topic = name + "-" + System.nanoTime();
        kafka.createTopic(topic, 3);
        return topic;
    }

    /**
     * A canceled task closes its sink's writer on its interrupted thread: with either guarantee the
     * writer closes without the producer logging a warning or an error, the interrupt stays, and
     * the exactly-once writer's open transaction is aborted rather than left to hold back
     * read_committed readers until it times out.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(DeliveryGuarantee.class)
    void closingOnAnInterruptedThreadAbortsTheOpenTransactionLogsNoErrorAndKeepsTheInterrupt(
            DeliveryGuarantee guarantee) throws Exception {
        String topic = "sink-interrupted-close-" + guarantee + "-" + System.nanoTime();
        kafka.createTopic(topic, 2);
        SinkWriter<String> writer = sink(topic, guarantee).createWriter(new SinkContext("test", 0, 1, 0, null));
        for (String value : values(100)) {
            writer.write(value);
        }
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (openTransactions(topic + "-txn").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(openTransactions(topic + "-txn")).as("the writer's transaction before the close").hasSize(1);
        }

        InterruptedClose.Outcome closed = InterruptedClose.close(writer);

        assertThat(closed.stillInterrupted()).as("the interrupt is kept").isTrue();
        assertThat(closed.warnings()).isEmpty();
        assertThat(openTransactions(topic + "-txn")).isEmpty();
    }

    private static List<String> values(int n) {
        return IntStream.range(0, n).mapToObj(i -> "v" + i).toList();
    }

    private static KafkaSink.Builder<String> builder(String topic, DeliveryGuarantee guarantee) {
        return KafkaSink.<String>builder()
                .bootstrapServers(kafka.bootstrapServers())
                .serializer(topic, null, v -> v.getBytes(StandardCharsets.UTF_8))
                .guarantee(guarantee)
                .transactionalIdPrefix(topic + "-txn")
                .transactionTimeoutMs(60_000)
                .producerProperty("linger.ms", 0);
    }

    private static KafkaSink<String> sink(String topic, DeliveryGuarantee guarantee) {
        return builder(topic, guarantee).build();
    }

    private Sink<String> tracked(Sink<String> sink) {
        return context -> {
            SinkWriter<String> writer = sink.createWriter(context);
            created.add(writer);
            return writer;
        };
    }

    private static List<String> openTransactions(String prefix) throws Exception {
        return kafka.admin().listTransactions().all().get().stream()
                .filter(t -> t.transactionalId().startsWith(prefix))
                .filter(t -> t.state() == TransactionState.ONGOING)
                .map(TransactionListing::transactionalId)
                .toList();
    }
}
