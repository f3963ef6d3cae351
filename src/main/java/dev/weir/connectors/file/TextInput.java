package dev.weir.connectors.file;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * The files a text source reads, named the way its checkpoints name them: relative paths under a
 * local directory ({@link TextFileSource}) or object keys under an S3 prefix
 * ({@link ObjectStoreTextSource}). {@link TextSourceReader} does the rest for both.
 */
interface TextInput extends AutoCloseable {

    /** The names of the input files, hidden ones left out, sorted. */
    List<String> list() throws IOException;

    /** Opens one listed file for ranged reads. */
    OpenFile open(String name) throws IOException;

    /** What error messages call the input (no secrets). */
    String describe();

    @Override
    default void close() {}

    /** One input file, read at any byte offset, so a restore seeks instead of re-reading. */
    interface OpenFile extends Closeable {

        /** The size when the file was opened: inputs must not change while a job reads them. */
        long size();

        /** Reads exactly {@code length} bytes at {@code position} into the start of {@code into}. */
        void read(long position, byte[] into, int length) throws IOException;

        @Override
        default void close() throws IOException {}
    }

    /**
     * Whether a path relative to the input's root names something other jobs and tools keep next
     * to their data ({@code _SUCCESS}, {@code _temporary/}, {@code .crc}, editor and in-flight
     * files): any segment starting with '.' or '_', as Hadoop's and Flink's file inputs decide. An
     * empty segment (an S3 "folder" marker such as {@code logs/}) names no file either.
     */
    static boolean isHidden(String relativePath) {
        for (String segment : relativePath.split("/", -1)) {
            if (segment.isEmpty() || segment.startsWith(".") || segment.startsWith("_")) {
                return true;
            }
        }
        return false;
    }
}
