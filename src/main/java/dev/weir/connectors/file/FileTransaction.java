package dev.weir.connectors.file;

import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * One checkpoint's output of one {@link ExactlyOnceFileSink} subtask: the files it wrote between
 * two barriers, one unless the sink rolled over to a new file by size or time. Each file is hidden
 * while in progress ({@code .<prefix>-<subtask>-<attempt>-<sequence>.inprogress}) and renamed on
 * commit to its {@link PartName}, which shows the checkpoint whose barrier closed the transaction.
 * Files are added while the transaction is open; {@link #closedAt} gives the fixed handle that
 * goes into the checkpoint. The handle names the directory it was written in (as Flink's file
 * sink keeps pending files' full paths), so a job restored with another output directory still
 * commits the checkpoint's files where their records' predecessors are.
 */
final class FileTransaction {

    static final String IN_PROGRESS_SUFFIX = ".inprogress";
    /** The checkpoint id of a transaction whose barrier has not come yet. */
    static final long OPEN = -1;
    /**
     * Marks the serialized form that names the directory: two bytes that cannot start the first
     * form, whose first field is the prefix in modified UTF-8 (its length, never 0xFFFF here).
     */
    private static final int DIRECTORY_FORMAT = 0xFFFF;

    /** Absolute; null only in a handle from a checkpoint taken before handles named it. */
    private final Path directory;
    private final String prefix;
    private final int subtask;
    private final long attempt;
    private final List<Long> sequences;
    private final long checkpointId;

    FileTransaction(Path directory, String prefix, int subtask, long attempt) {
        this(directory.toAbsolutePath().normalize(), prefix, subtask, attempt, new ArrayList<>(1), OPEN);
    }

    private FileTransaction(Path directory, String prefix, int subtask, long attempt, List<Long> sequences,
                            long checkpointId) {
        this.directory = directory;
        this.prefix = prefix;
        this.subtask = subtask;
        this.attempt = attempt;
        this.sequences = sequences;
        this.checkpointId = checkpointId;
    }

    void add(long sequence) {
        if (checkpointId != OPEN) {
            throw new IllegalStateException("transaction " + this + " is closed");
        }
        sequences.add(sequence);
    }

    /** The handle of this transaction once barrier {@code id} closed it, its files {@code sequences}. */
    FileTransaction closedAt(long id, List<Long> files) {
        return new FileTransaction(directory, prefix, subtask, attempt, List.copyOf(files), id);
    }

    /**
     * The directory the files were written in; {@code current} (the sink's) for a handle of a
     * checkpoint taken before handles named it, which was always the sink's directory then.
     */
    Path directory(Path current) {
        return directory != null ? directory : current;
    }

    List<Long> sequences() {
        return Collections.unmodifiableList(sequences);
    }

    long checkpointId() {
        return checkpointId;
    }

    Path inProgressPath(Path current, long sequence) {
        return directory(current).resolve("." + prefix + "-" + subtask + "-" + attempt + "-" + sequence + IN_PROGRESS_SUFFIX);
    }

    Path committedPath(Path current, long sequence) {
        return directory(current).resolve(committedName(checkpointId, sequence).name());
    }

    PartName committedName(long id, long sequence) {
        return new PartName(prefix, subtask, id, attempt, sequence);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FileTransaction t && Objects.equals(t.directory, directory) && t.prefix.equals(prefix) && t.subtask == subtask
                && t.attempt == attempt && t.sequences.equals(sequences) && t.checkpointId == checkpointId;
    }

    @Override
    public int hashCode() {
        return Objects.hash(directory, prefix, subtask, attempt, sequences, checkpointId);
    }

    @Override
    public String toString() {
        return "FileTransaction[" + directory + "/" + prefix + "-" + subtask + " attempt " + attempt + " files " + sequences
                + (checkpointId == OPEN ? " open" : " chk" + checkpointId) + "]";
    }

    static final TypeSerializer<FileTransaction> SERIALIZER = new TypeSerializer<>() {
        @Override
        public void serialize(FileTransaction value, DataOutput out) throws IOException {
            out.writeShort(DIRECTORY_FORMAT);
            out.writeUTF(value.directory.toString());
            out.writeUTF(value.prefix);
            out.writeInt(value.subtask);
            out.writeLong(value.attempt);
            out.writeLong(value.checkpointId);
            out.writeInt(value.sequences.size());
            for (long sequence : value.sequences) {
                out.writeLong(sequence);
            }
        }

        @Override
        public FileTransaction deserialize(DataInput in) throws IOException {
            int head = in.readUnsignedShort();
            Path directory = null;
            String prefix;
            if (head == DIRECTORY_FORMAT) {
                directory = Path.of(in.readUTF());
                prefix = in.readUTF();
            } else {
                prefix = readUtfOfLength(head, in);
            }
            int subtask = in.readInt();
            long attempt = in.readLong();
            long checkpointId = in.readLong();
            int count = in.readInt();
            List<Long> sequences = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                sequences.add(in.readLong());
            }
            return new FileTransaction(directory, prefix, subtask, attempt, List.copyOf(sequences), checkpointId);
        }
    };

    /** The rest of a modified-UTF-8 string whose two length bytes were read already. */
    private static String readUtfOfLength(int length, DataInput in) throws IOException {
        byte[] encoded = new byte[2 + length];
        encoded[0] = (byte) (length >>> 8);
        encoded[1] = (byte) length;
        in.readFully(encoded, 2, length);
        return new DataInputStream(new ByteArrayInputStream(encoded)).readUTF();
    }
}
