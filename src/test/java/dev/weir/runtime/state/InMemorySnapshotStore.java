package dev.weir.runtime.state;

import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.weir.runtime.checkpoint.SharedFile;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.state.serialization.DataOutputBuffer;

/**
 * Checkpoint storage for backend tests: state files and shared files in memory, with the bytes
 * each checkpoint uploaded counted, and shared files that can be deleted to play retention.
 */
final class InMemorySnapshotStore implements KeyedStateRestore.StateFiles {

    final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    final AtomicLong sharedUploads = new AtomicLong();
    final AtomicLong sharedBytesUploaded = new AtomicLong();

    /** An output for one subtask's part of one checkpoint; {@link Output#finish} stores the state file. */
    Output output(long checkpointId, String name) {
        return new Output(checkpointId, "chk-" + checkpointId + "/" + name);
    }

    final class Output implements SnapshotOutput {
        private final long checkpointId;
        private final String key;
        private final DataOutputBuffer file = new DataOutputBuffer(1024);

        Output(long checkpointId, String key) {
            this.checkpointId = checkpointId;
            this.key = key;
        }

        @Override
        public long checkpointId() {
            return checkpointId;
        }

        @Override
        public DataOutput stateFile() {
            return file;
        }

        @Override
        public StateHandle handleSince(long start) {
            return new StateHandle(key, start, (int) (file.length() - start));
        }

        @Override
        public long position() {
            return file.length();
        }

        @Override
        public SharedFile uploadShared(Path localFile, String name) throws IOException {
            byte[] bytes = Files.readAllBytes(localFile);
            String sharedKey = "shared/" + checkpointId + "-" + java.util.UUID.randomUUID() + "-" + name;
            objects.put(sharedKey, bytes);
            sharedUploads.incrementAndGet();
            sharedBytesUploaded.addAndGet(bytes.length);
            return new SharedFile(name, sharedKey, bytes.length, checkpointId);
        }

        void finish() {
            objects.put(key, file.toByteArray());
        }
    }

    byte[] read(StateHandle handle) throws IOException {
        byte[] object = objects.get(handle.key());
        if (object == null) {
            throw new NoSuchFileException(handle.key());
        }
        return Arrays.copyOfRange(object, (int) handle.offset(), (int) handle.offset() + handle.length());
    }

    @Override
    public void download(SharedFile file, Path target) throws IOException {
        byte[] bytes = objects.get(file.key());
        if (bytes == null) {
            throw new NoSuchFileException(file.key());
        }
        Files.write(target, bytes);
    }

    @Override
    public void download(StateHandle handle, Path target) throws IOException {
        Files.write(target, read(handle));
    }
}
