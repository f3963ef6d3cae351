package dev.weir.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.OperatorStateRestore;

/** The text sources' state: names survive the round trip, finished names stay small, the union merges. */
class TextSourceOffsetsTest {

    private static TextSourceOffsets offsets(List<String> finished, Map<String, Long> started) {
        TextSourceOffsets offsets = TextSourceOffsets.empty();
        offsets.finished().addAll(finished);
        offsets.started().putAll(started);
        return offsets;
    }

    @Test
    void namesAndOffsetsSurviveTheRoundTrip() {
        // Names sharing a prefix that ends inside a multi-byte character, and an empty-suffix neighbour.
        TextSourceOffsets offsets = offsets(List.of("d/\u00e9a", "d/\u00e8b", "d/\u4e2d", "d/\u4e2d\ud83d\ude00", "e"),
                Map.of("s3/key-\u00fc", 12345678901L, "x", 0L));
        TextSourceOffsets read = TextSourceOffsets.deserialize(offsets.serialize());
        assertThat(read.finished()).containsExactlyElementsOf(offsets.finished());
        assertThat(read.started()).isEqualTo(offsets.started());
    }

    @Test
    void sequentialFinishedNamesCostAFewBytesEach() {
        List<String> names = IntStream.range(0, 10_000)
                .mapToObj(i -> String.format("s3-prefix/year=2026/month=11/part-%05d.csv", i)).toList();
        byte[] state = offsets(names, Map.of()).serialize();
        assertThat(state.length).isLessThan(names.size() * 10);
        assertThat(TextSourceOffsets.deserialize(state).finished()).containsExactlyElementsOf(names);
    }

    @Test
    void theUnionPrefersFinishedOverStartedAndTheFurthestOffset() {
        byte[] one = offsets(List.of("a"), Map.of("b", 10L, "c", 5L)).serialize();
        byte[] two = offsets(List.of("b"), Map.of("c", 7L, "d", 1L)).serialize();
        TextSourceOffsets union = TextSourceOffsets.union(
                new OperatorStateRestore(0, 3, 4, Arrays.asList(one, null, two)));
        assertThat(union.finished()).containsExactly("a", "b");
        assertThat(union.started()).isEqualTo(Map.of("c", 7L, "d", 1L));
        assertThat(TextSourceOffsets.union(null).finished()).isEmpty();
    }

    @Test
    void aStateOfAnotherFormatFailsClearly() {
        byte[] oldFormat = ByteBuffer.allocate(8).putInt(1).putInt(0).array();
        assertThatThrownBy(() -> TextSourceOffsets.deserialize(oldFormat))
                .hasMessageContaining("text source state format 0x1 is not supported");
    }
}
