package dev.weir.connectors.file;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of a committed file of {@link ExactlyOnceFileSink} or object of {@link ExactlyOnceS3Sink}:
 * {@code <prefix>-<subtask>-chk<checkpoint>-a<attempt>-<sequence>}, e.g. {@code part-1-chk42-a3-0}.
 * The subtask wrote it; each sink's javadoc says which checkpoint the number names. The attempt
 * (never reused by a job with the same checkpoint storage) and the writer's sequence number keep
 * names unique, so a restarted or restored job never reuses an earlier attempt's name.
 */
record PartName(String prefix, int subtask, long checkpointId, long attempt, long sequence) {

    private static final Pattern NUMBERS = Pattern.compile("(\\d{1,9})-chk(\\d{1,18})-a(\\d{1,18})-(\\d{1,18})");

    String name() {
        return prefix + "-" + subtask + "-chk" + checkpointId + "-a" + attempt + "-" + sequence;
    }

    /** The name {@code name} is, or null for any other name (another prefix, another writer's files). */
    static PartName parse(String prefix, String name) {
        if (!name.startsWith(prefix + "-")) {
            return null;
        }
        Matcher m = NUMBERS.matcher(name.substring(prefix.length() + 1));
        if (!m.matches()) {
            return null;
        }
        return new PartName(prefix, Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                Long.parseLong(m.group(4)));
    }
}
