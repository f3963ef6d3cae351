package dev.weir.connectors.file;

import java.io.DataInput;
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
 * goes into the checkpoint.
 */
final class FileTransaction {

    static final String IN_PROGRESS_SUFFIX = ".inprogress";
    /** The checkpoint id of a transaction whose barrier has not come yet. */
    static final long OPEN = -1;

    private final String prefix;
    private final int subtask;
    private final long attempt;
    private final List<Long> sequences;
    private final long checkpointId;

    FileTransaction(String prefix, int subtask, long attempt) {
        this(prefix, subtask, attempt, new ArrayList<>(1), OPEN);
    }

    private FileTransaction(String prefix, int subtask, long attempt, List<Long> sequences, long checkpointId) {
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
        return new FileTransaction(prefix, subtask, attempt, List.copyOf(files), id);
    }

    List<Long> sequences() {
        return Collections.unmodifiableList(sequences);
    }

    long checkpointId() {
        return checkpointId;
    }

    Path inProgressPath(Path directory, long sequence) {
        return directory.resolve("." + prefix + "-" + subtask + "-" + attempt + "-" + sequence + IN_PROGRESS_SUFFIX);
    }

    Path committedPath(Path directory, long sequence) {
        return directory.resolve(committedName(checkpointId, sequence).name());
    }

    PartName committedName(long id, long sequence) {
        return new PartName(prefix, subtask, id, attempt, sequence);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FileTransaction t && t.prefix.equals(prefix) && t.subtask == subtask
                && t.attempt == attempt && t.sequences.equals(sequences) && t.checkpointId == checkpointId;
    }

    @Override
    public int hashCode() {
        return Objects.hash(prefix, subtask, attempt, sequences, checkpointId);
    }

    @Override
    public String toString() {
        return "FileTransaction[" + prefix + "-" + subtask + " attempt " + attempt + " files " + sequences
                + (checkpointId == OPEN ? " open" : " chk" + checkpointId) + "]";
    }

    static final TypeSerializer<FileTransaction> SERIALIZER = new TypeSerializer<>() {
        @Override
        public void serialize(FileTransaction value, DataOutput out) throws IOException {
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
            String prefix = in.readUTF();
            int subtask = in.readInt();
            long attempt = in.readLong();
            long checkpointId = in.readLong();
            int count = in.readInt();
            List<Long> sequences = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                sequences.add(in.readLong());
            }
            return new FileTransaction(prefix, subtask, attempt, List.copyOf(sequences), checkpointId);
        }
    };
}
