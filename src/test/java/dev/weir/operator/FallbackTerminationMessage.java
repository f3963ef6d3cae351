package dev.weir.operator;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * What a kubelet keeps of a failed container's log as its termination message under
 * {@code terminationMessagePolicy: FallbackToLogsOnError}: the log's last 80 lines, of which at
 * most the last 2048 bytes (the kubelet's MaxContainerTerminationMessageLogLines and
 * MaxContainerTerminationMessageLogLength). Only for a container that exited with an error.
 */
final class FallbackTerminationMessage {

    static final String POLICY = "FallbackToLogsOnError";
    static final int MAX_LINES = 80;
    static final int MAX_BYTES = 2048;

    private FallbackTerminationMessage() {
    }

    /** The message for a container whose output went to {@code log}; empty when there is no log. */
    static String of(Path log) throws IOException {
        if (!log.toFile().isFile()) {
            return "";
        }
        byte[] tail;
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            // The last 80 lines capped at their last 2048 bytes lie within the file's last 2048 bytes.
            int size = (int) Math.min(file.length(), MAX_BYTES);
            tail = new byte[size];
            file.seek(file.length() - size);
            file.readFully(tail);
        }
        return new String(tail, lastLinesStart(tail), tail.length - lastLinesStart(tail), StandardCharsets.UTF_8);
    }

    /** Where the last {@value #MAX_LINES} lines begin; a newline that ends the text starts no line. */
    private static int lastLinesStart(byte[] text) {
        int lines = 0;
        for (int i = text.length - 2; i >= 0; i--) {
            if (text[i] == '\n' && ++lines == MAX_LINES) {
                return i + 1;
            }
        }
        return 0;
    }
}
