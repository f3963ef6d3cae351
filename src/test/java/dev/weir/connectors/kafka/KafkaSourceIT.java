package dev.weir.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.InputStatus;
import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.runtime.dataflow.SourceReader;
import dev.weir.testing.EmbeddedKafka;
import dev.weir.testing.SourceTestHarness;

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
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (read.size() < count && System.nanoTime() < deadline) {
            assertThat(reader.pollNext(read::add)).isNotEqualTo(InputStatus.END_OF_INPUT);
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
        String topic = name + "-" + System.nanoTime();
        kafka.createTopic(topic, partitions);
        KafkaTestSupport.produce(kafka.bootstrapServers(), topic, values);
        return topic;
    }

    private static List<String> values(int n) {
        return IntStream.range(0, n).mapToObj(i -> "r" + i).toList();
    }
}
