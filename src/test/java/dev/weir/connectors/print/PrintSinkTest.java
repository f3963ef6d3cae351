package dev.weir.connectors.print;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

class PrintSinkTest {

    private static String print(String prefix, int subtask, int parallelism, Object... records) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        SinkWriter<Object> writer = new PrintSink<>(prefix, out)
                .createWriter(new SinkContext("job", subtask, parallelism, 0, OperatorStateRestore.empty(subtask, parallelism)));
        for (Object record : records) {
            writer.write(record);
        }
        assertThat(writer.snapshotState(1)).isEmpty();
        writer.close();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsOneLinePerRecord() throws Exception {
        assertThat(print("", 0, 1, 1, "two")).isEqualTo("1" + System.lineSeparator() + "two" + System.lineSeparator());
    }

    @Test
    void prefixesWithNameAndSubtaskWhenParallel() throws Exception {
        assertThat(print("out", 1, 3, "x")).isEqualTo("out:2> x" + System.lineSeparator());
        assertThat(print("", 1, 3, "x")).isEqualTo("2> x" + System.lineSeparator());
        assertThat(print("out", 0, 1, "x")).isEqualTo("out> x" + System.lineSeparator());
    }
}
