package dev.weir.connectors.file;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Path;

import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * One part file of {@link ExactlyOnceFileSink}: hidden while in progress, renamed to its visible
 * name on commit. The attempt in the name keeps a restarted job from reusing an earlier name.
 */
record FileTransaction(String prefix, int subtask, long attempt, long sequence) {

    static final String IN_PROGRESS_SUFFIX = ".inprogress";

    String committedName() {
        return prefix + "-" + subtask + "-" + attempt + "-" + sequence;
    }

    String inProgressName() {
        return "." + committedName() + IN_PROGRESS_SUFFIX;
    }

    Path committedPath(Path directory) {
        return directory.resolve(committedName());
    }

    Path inProgressPath(Path directory) {
        return directory.resolve(inProgressName());
    }

    /** The transaction an in-progress file of this prefix belongs to, or null for any other file. */
    static FileTransaction parseInProgress(String prefix, String fileName) {
        String head = "." + prefix + "-";
        if (!fileName.startsWith(head) || !fileName.endsWith(IN_PROGRESS_SUFFIX)) {
            return null;
        }
        String[] parts = fileName.substring(head.length(), fileName.length() - IN_PROGRESS_SUFFIX.length()).split("-");
        if (parts.length != 3) {
            return null;
        }
        try {
            return new FileTransaction(prefix, Integer.parseInt(parts[0]), Long.parseLong(parts[1]),
                    Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static final TypeSerializer<FileTransaction> SERIALIZER = new TypeSerializer<>() {
        @Override
        public void serialize(FileTransaction value, DataOutput out) throws IOException {
            out.writeUTF(value.prefix);
            out.writeInt(value.subtask);
            out.writeLong(value.attempt);
            out.writeLong(value.sequence);
        }

        @Override
        public FileTransaction deserialize(DataInput in) throws IOException {
            return new FileTransaction(in.readUTF(), in.readInt(), in.readLong(), in.readLong());
        }
    };
}
