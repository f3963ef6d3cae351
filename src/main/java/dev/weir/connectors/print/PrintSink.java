package dev.weir.connectors.print;

import java.io.PrintStream;

import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/**
 * Prints each record as a line, for demos: {@code [prefix[:subtask]> ]record}, where the subtask
 * (1-based, as Flink prints it) appears only when there is more than one. At-least-once: records
 * printed after the last checkpoint are printed again after a restore.
 */
public final class PrintSink<T> implements Sink<T> {

    private static final byte[] NO_STATE = new byte[0];

    private final String prefix;
    private final PrintStream out;

    public PrintSink() {
        this("");
    }

    public PrintSink(String prefix) {
        this(prefix, System.out);
    }

    public PrintSink(String prefix, PrintStream out) {
        this.prefix = prefix == null ? "" : prefix;
        this.out = out;
    }

    @Override
    public SinkWriter<T> createWriter(SinkContext context) {
        String linePrefix = linePrefix(prefix, context.subtask(), context.parallelism());
        return new SinkWriter<>() {
            @Override
            public void write(T record) {
                // One println per record: PrintStream locks per call, so lines of subtasks never interleave.
                out.println(linePrefix.isEmpty() ? String.valueOf(record) : linePrefix + record);
            }

            @Override
            public byte[] snapshotState(long checkpointId) {
                out.flush();
                return NO_STATE;
            }

            @Override
            public void close() {
                out.flush();
            }
        };
    }

    static String linePrefix(String prefix, int subtask, int parallelism) {
        String subtaskPart = parallelism > 1 ? String.valueOf(subtask + 1) : "";
        if (prefix.isEmpty() && subtaskPart.isEmpty()) {
            return "";
        }
        if (prefix.isEmpty() || subtaskPart.isEmpty()) {
            return prefix + subtaskPart + "> ";
        }
        return prefix + ":" + subtaskPart + "> ";
    }
}
