package dev.weir.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.InputStatus;
import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.testing.SplitRecordingOutput;

/** The reader both text sources share: what its state names, where a restore starts reading, who owns a file. */
class TextSourceReaderTest {

    /** Input files in memory that record every read as "name@position". */
    private static final class MemoryInput implements TextInput {
        final Map<String, byte[]> files = new TreeMap<>();
        final List<String> reads = new ArrayList<>();

        void put(String name, int lines) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < lines; i++) {
                text.append(name).append("-line-").append(i).append('\n');
            }
            files.put(name, text.toString().getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public List<String> list() {
            return new ArrayList<>(files.keySet());
        }

        @Override
        public OpenFile open(String name) {
            byte[] data = files.get(name);
            return new OpenFile() {
                @Override
                public long size() {
                    return data.length;
                }

                @Override
                public void read(long position, byte[] into, int length) {
                    reads.add(name + "@" + position);
                    System.arraycopy(data, (int) position, into, 0, length);
                }
            };
        }

        @Override
        public String describe() {
            return "memory";
        }
    }

    /** Files "a" and "b" with that many lines each. */
    private static MemoryInput input(int aLines, int bLines) {
        MemoryInput input = new MemoryInput();
        input.put("a", aLines);
        input.put("b", bLines);
        return input;
    }

    /** The only subtask's reader, restored from {@code previous} states. */
    private static TextSourceReader open(MemoryInput input, byte[]... previous) throws Exception {
        OperatorStateRestore restore = new OperatorStateRestore(0, 1, 1, List.of(previous));
        return TextSourceReader.open(input, new SourceContext("test", 0, 1, 8, 0, restore), 1 << 16);
    }

    private static List<String> poll(TextSourceReader reader) throws Exception {
        List<String> lines = new ArrayList<>();
        reader.pollNext(lines::add);
        return lines;
    }

    @Test
    void stateNamesFinishedFilesAndTheByteOffsetInTheCurrentOne() throws Exception {
        MemoryInput input = input(1000, 3000);
        TextSourceReader reader = open(input);
        List<String> first = poll(reader);
        assertThat(first).hasSize(1024).endsWith("b-line-23");

        TextSourceOffsets state = TextSourceOffsets.deserialize(reader.snapshotState(1));
        assertThat(state.finished()).containsExactly("a");
        long bytesOfB = first.subList(1000, 1024).stream().mapToLong(line -> line.length() + 1).sum(); // ASCII
        assertThat(state.started()).containsExactlyEntriesOf(Map.of("b", bytesOfB));
    }

    @Test
    void aRestoreSeeksToTheOffsetAndNeverOpensFinishedFiles() throws Exception {
        MemoryInput input = input(1000, 3000);
        TextSourceReader reader = open(input);
        poll(reader);
        byte[] state = reader.snapshotState(1);
        long offset = TextSourceOffsets.deserialize(state).started().get("b");
        input.reads.clear();

        TextSourceReader restored = open(input, state);
        assertThat(poll(restored)).startsWith("b-line-24");
        assertThat(input.reads).first().isEqualTo("b@" + offset);
        assertThat(input.reads).noneMatch(read -> read.startsWith("a@"));
    }

    @Test
    void eachFileIsASplitReleasedWhenItIsReadToItsEnd() throws Exception {
        MemoryInput input = input(1000, 1500);
        TextSourceReader reader = open(input);
        SplitRecordingOutput<String> output = new SplitRecordingOutput<>();
        assertThat(reader.pollNext(output)).isEqualTo(InputStatus.MORE_AVAILABLE);
        assertThat(output.released).containsExactly("a");
        assertThat(reader.pollNext(output)).isEqualTo(InputStatus.MORE_AVAILABLE);
        assertThat(reader.pollNext(output)).isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(output.subtask).isEmpty();
        assertThat(output.bySplit.get("a")).hasSize(1000).allMatch(line -> line.startsWith("a-line-"));
        assertThat(output.bySplit.get("b")).hasSize(1500).allMatch(line -> line.startsWith("b-line-"));
        assertThat(output.released).containsExactly("a", "b");
    }

    @Test
    void aFileOpenAcrossPollsGoesToEachPollsOutput() throws Exception {
        TextSourceReader reader = open(input(1000, 3000));
        assertThat(poll(reader)).hasSize(1024);
        assertThat(poll(reader)).hasSize(1024).startsWith("b-line-24");
    }

    @Test
    void finishedFilesNoLongerListedLeaveTheState() throws Exception {
        MemoryInput input = input(10, 10);
        TextSourceReader reader = open(input);
        assertThat(reader.pollNext(line -> {})).isEqualTo(InputStatus.END_OF_INPUT);
        byte[] state = reader.snapshotState(1);
        assertThat(TextSourceOffsets.deserialize(state).finished()).containsExactly("a", "b");

        input.files.remove("a");
        TextSourceReader restored = open(input, state);
        assertThat(restored.pollNext(line -> {})).isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(TextSourceOffsets.deserialize(restored.snapshotState(2)).finished()).containsExactly("b");
    }

    @Test
    void filesSpreadEvenlyOverSubtasksByName() {
        int[] owned = new int[3];
        for (int i = 0; i < 3000; i++) {
            owned[TextSourceReader.subtaskFor(String.format("logs/2026-11-25/part-%05d.txt", i), 3, 128)]++;
        }
        assertThat(Arrays.stream(owned).boxed()).allSatisfy(count -> assertThat(count).isBetween(800, 1200));
    }
}
