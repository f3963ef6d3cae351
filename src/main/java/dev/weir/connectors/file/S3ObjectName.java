package dev.weir.connectors.file;

/**
 * The key of one object {@link ExactlyOnceS3Sink} writes, relative to the sink's prefix:
 * {@code part-<subtask>-<attempt>-<sequence>}. The subtask and attempt in the name are what
 * recovery parses to find the uploads a crashed attempt left behind.
 */
record S3ObjectName(int subtask, long attempt, long sequence) {

    static final String PREFIX = "part-";

    String key() {
        return PREFIX + subtask + "-" + attempt + "-" + sequence;
    }

    /** The name a key of this sink has, or null for any other key (e.g. another sink's objects). */
    static S3ObjectName parse(String key) {
        if (!key.startsWith(PREFIX)) {
            return null;
        }
        String[] parts = key.substring(PREFIX.length()).split("-");
        if (parts.length != 3) {
            return null;
        }
        try {
            return new S3ObjectName(Integer.parseInt(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
