package dev.weir.connectors.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.weir.runtime.storage.PartETag;
import dev.weir.runtime.storage.S3MultipartUploads;
import dev.weir.runtime.storage.S3Settings;

/**
 * The object {@link ExactlyOnceS3Sink} is currently writing: bytes collect in a part buffer and
 * every full buffer is uploaded as the next part, so memory stays at one part however large the
 * object grows. Every part but the last has exactly the part size (S3 rejects smaller ones). The
 * buffer starts small and grows up to the part size, so subtasks with little output stay small.
 */
final class S3PartUploader implements WritableByteChannel {

    private final S3MultipartUploads uploads;
    private final S3Settings location;
    private final String key;
    private final String uploadId;
    private final int partSize;
    private byte[] part;
    private final List<PartETag> parts = new ArrayList<>();
    private int filled;
    private boolean open = true;

    /** @param buffer the previous object's {@link #buffer()}, reused so it grows only once per writer */
    S3PartUploader(S3MultipartUploads uploads, S3Settings location, String key, String uploadId, int partSize,
                   byte[] buffer) {
        this.uploads = uploads;
        this.location = location;
        this.key = key;
        this.uploadId = uploadId;
        this.partSize = partSize;
        this.part = buffer;
    }

    byte[] buffer() {
        return part;
    }

    String key() {
        return key;
    }

    int uploadedParts() {
        return parts.size();
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        int written = source.remaining();
        while (source.hasRemaining()) {
            if (filled == part.length) {
                part = Arrays.copyOf(part, (int) Math.min(partSize, 2L * part.length));
            }
            int n = Math.min(source.remaining(), part.length - filled);
            source.get(part, filled, n);
            filled += n;
            if (filled == partSize) {
                uploadPart();
            }
        }
        return written;
    }

    /** Uploads what is buffered as the last part; the upload is then ready to complete. */
    S3Upload finish() throws IOException {
        if (filled > 0 || parts.isEmpty()) {
            uploadPart();
        }
        open = false;
        return new S3Upload(location.bucket(), location.keyPrefix(), key, uploadId, parts);
    }

    void abort() throws IOException {
        open = false;
        uploads.abortMultipartUpload(key, uploadId);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Closing is {@link #finish} or {@link #abort}: a channel close cannot say which. */
    @Override
    public void close() {}

    private void uploadPart() throws IOException {
        byte[] data = filled == part.length ? part : Arrays.copyOf(part, filled);
        parts.add(uploads.uploadPart(key, uploadId, parts.size() + 1, data));
        filled = 0;
    }
}
