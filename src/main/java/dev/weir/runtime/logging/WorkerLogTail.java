package dev.weir.runtime.logging;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a worker process ended, as its log says: the last ERROR line (with the exception line that
 * follows it, if any), or else the log's last line if it is not one of ours (a JVM that could not
 * start writes no log line of ours); nothing for a log that ends in an ordinary line (a SIGKILL). A failure that only says "exited with code 1; see worker-0.log" is lost with the
 * log's directory (a test's temporary one, a pod's); this keeps the reason in the job's failure.
 * On Kubernetes the kubelet keeps a failed container's log tail as its termination message
 * ({@code FallbackToLogsOnError}), read the same way.
 */
public final class WorkerLogTail {

    /** Enough for the last few hundred lines; a log is never read whole. */
    private static final int TAIL_BYTES = 64 * 1024;
    private static final int MAX_CHARS = 500;
    /** The worker's log line: {@code HH:mm:ss.SSS LEVEL logger - message} (WeirLogbackConfigurator.PATTERN). */
    private static final Pattern LOG_LINE = Pattern.compile("^\\d{2}:\\d{2}:\\d{2}\\.\\d{3} (\\w+)\\s+\\S+ - (.*)$");

    private WorkerLogTail() {}

    /** The reason in {@code log}, or empty when it cannot be read or holds nothing. */
    public static Optional<String> lastError(Path log) {
        try {
            return lastErrorIn(readTail(log));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The reason in the last lines of a worker's log, e.g. a container's termination message. */
    public static Optional<String> lastErrorIn(String tail) {
        if (tail == null) {
            return Optional.empty();
        }
        String[] lines = tail.split("\r?\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            Matcher m = LOG_LINE.matcher(lines[i]);
            if (m.matches() && m.group(1).equals("ERROR")) {
                String reason = m.group(2).strip();
                if (i + 1 < lines.length && isExceptionLine(lines[i + 1])) {
                    reason += " (" + lines[i + 1].strip() + ")";
                }
                return Optional.of(shorten(reason));
            }
        }
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                // A log line of ours that is not an error says nothing about why (a SIGKILL leaves the
                // last INFO line); anything else is the JVM's own word (it could not start, ran out of memory).
                return LOG_LINE.matcher(lines[i]).matches() ? Optional.empty() : Optional.of(shorten(lines[i].strip()));
            }
        }
        return Optional.empty();
    }

    private static boolean isExceptionLine(String line) {
        return !line.isBlank() && !LOG_LINE.matcher(line).matches() && !line.startsWith("\t")
                && !line.startsWith(" ");
    }

    private static String shorten(String reason) {
        return reason.length() <= MAX_CHARS ? reason : reason.substring(0, MAX_CHARS - 1) + "…";
    }

    private static String readTail(Path log) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            int size = (int) Math.min(length, TAIL_BYTES);
            byte[] bytes = new byte[size];
            file.seek(length - size);
            file.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (size < length) {
                // The first line is cut: drop it.
                int newline = text.indexOf('\n');
                text = newline < 0 ? "" : text.substring(newline + 1);
            }
            return text;
        }
    }
}
