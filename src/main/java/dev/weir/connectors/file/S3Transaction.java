package dev.weir.connectors.file;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.storage.PartETag;

/**
 * One checkpoint's output of one {@link ExactlyOnceS3Sink} subtask: usually a single object, more
 * when the object rolled over the maximum object size. Uploads are added as objects finish; once
 * pre-committed it no longer changes and is the handle that goes into the checkpoint.
 */
final class S3Transaction {

    /**
     * Starts the serialized form whose uploads name their bucket and key prefix; the first form
     * started with the number of uploads, never negative.
     */
    private static final int LOCATION_FORMAT = -2;

    private final List<S3Upload> uploads;

    S3Transaction() {
        this(new ArrayList<>(1));
    }

    private S3Transaction(List<S3Upload> uploads) {
        this.uploads = uploads;
    }

    void add(S3Upload upload) {
        uploads.add(upload);
    }

    List<S3Upload> uploads() {
        return Collections.unmodifiableList(uploads);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof S3Transaction t && t.uploads.equals(uploads);
    }

    @Override
    public int hashCode() {
        return Objects.hash(uploads);
    }

    @Override
    public String toString() {
        return "S3Transaction" + uploads.stream().map(S3Upload::key).toList();
    }

    static final TypeSerializer<S3Transaction> SERIALIZER = new TypeSerializer<>() {
        @Override
        public void serialize(S3Transaction value, DataOutput out) throws IOException {
            out.writeInt(LOCATION_FORMAT);
            out.writeInt(value.uploads.size());
            for (S3Upload upload : value.uploads) {
                out.writeBoolean(upload.bucket() != null);
                if (upload.bucket() != null) {
                    out.writeUTF(upload.bucket());
                    out.writeUTF(upload.keyPrefix());
                }
                out.writeUTF(upload.key());
                out.writeUTF(upload.uploadId());
                out.writeInt(upload.parts().size());
                for (PartETag part : upload.parts()) {
                    out.writeInt(part.partNumber());
                    out.writeUTF(part.etag());
                }
            }
        }

        @Override
        public S3Transaction deserialize(DataInput in) throws IOException {
            int head = in.readInt();
            boolean withLocation = head == LOCATION_FORMAT;
            int count = withLocation ? in.readInt() : head;
            List<S3Upload> uploads = new ArrayList<>(count);
            for (int u = 0; u < count; u++) {
                String bucket = null;
                String keyPrefix = null;
                if (withLocation && in.readBoolean()) {
                    bucket = in.readUTF();
                    keyPrefix = in.readUTF();
                }
                String key = in.readUTF();
                String uploadId = in.readUTF();
                int partCount = in.readInt();
                List<PartETag> parts = new ArrayList<>(partCount);
                for (int p = 0; p < partCount; p++) {
                    parts.add(new PartETag(in.readInt(), in.readUTF()));
                }
                uploads.add(new S3Upload(bucket, keyPrefix, key, uploadId, parts));
            }
            return new S3Transaction(uploads);
        }
    };
}
