package dev.weir.connectors.file;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.connectors.sink.TwoPhaseCommitSinkWriter;
import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.storage.MultipartUpload;
import dev.weir.runtime.storage.S3MultipartUploads;
import dev.weir.runtime.storage.S3ObjectStore;

/**
 * One subtask of {@link ExactlyOnceS3Sink}: a transaction is one (or, after rolling, several)
 * multipart uploads. Parts go up while records arrive; pre-commit uploads the last part; commit
 * completes the uploads, which is the moment the objects appear. Uploads are invisible to readers
 * until then, which is what makes the output exactly-once. An upload's key is fixed when it is
 * created, before the barrier that closes it: it names the first checkpoint that can commit it
 * (see {@link ExactlyOnceS3Sink}).
 */
final class S3TransactionWriter<T> extends TwoPhaseCommitSinkWriter<T, S3Transaction> {

    private static final Logger LOG = LoggerFactory.getLogger(S3TransactionWriter.class);
    /** S3 allows 10,000 parts per upload; rolling earlier leaves room for a record still being written. */
    private static final int ROLL_AT_PARTS = 9_000;
    private static final int LINE_BUFFER_SIZE = 64 * 1024;
    private static final int INITIAL_PART_BUFFER = 64 * 1024;

    private final S3ObjectStore store;
    private final S3MultipartUploads uploads;
    private final RollingPolicy rolling;
    private final int partSize;
    private byte[] partBuffer;
    private final Utf8LineBuffer lines = new Utf8LineBuffer(LINE_BUFFER_SIZE);
    private S3PartUploader object;
    private long objectOpenedAt;
    private long nextSequence;

    S3TransactionWriter(SinkContext context, S3ObjectStore store, int partSize, RollingPolicy rolling) {
        super(context);
        this.store = store;
        this.uploads = store.multipartUploads();
        this.rolling = rolling;
        this.partSize = partSize;
        this.partBuffer = new byte[Math.min(partSize, INITIAL_PART_BUFFER)];
    }

    /** No upload yet: the first record creates it, so a transaction never has an empty object. */
    @Override
    protected S3Transaction beginTransaction() {
        return new S3Transaction();
    }

    @Override
    protected void write(S3Transaction transaction, T record) throws IOException {
        if (object != null && mustRoll()) {
            finishObject(transaction);
        }
        if (object == null) {
            object = startObject();
        }
        lines.appendLine(String.valueOf(record));
    }

    @Override
    protected void preCommit(S3Transaction transaction) throws IOException {
        if (object != null) {
            finishObject(transaction);
        }
    }

    /**
     * Completes the uploads where they were started, which is not this sink's bucket or prefix when
     * the job was restored with another output location (the same endpoint and credentials).
     */
    @Override
    protected void commit(S3Transaction transaction) throws IOException {
        for (S3Upload upload : transaction.uploads()) {
            if (upload.isIn(store.settings())) {
                uploads.completeMultipartUpload(upload.key(), upload.uploadId(), upload.parts());
            } else {
                try (S3ObjectStore there = new S3ObjectStore(store.settings().withLocation(upload.bucket(), upload.keyPrefix()))) {
                    there.multipartUploads().completeMultipartUpload(upload.key(), upload.uploadId(), upload.parts());
                }
            }
        }
    }

    /** Only the open transaction is ever aborted here (see the base class), so the open object is its. */
    @Override
    protected void abort(S3Transaction transaction) throws IOException {
        if (object != null) {
            S3PartUploader open = object;
            object = null;
            open.abort();
        }
        for (S3Upload upload : transaction.uploads()) {
            uploads.abortMultipartUpload(upload.key(), upload.uploadId());
        }
    }

    @Override
    protected TypeSerializer<S3Transaction> transactionSerializer() {
        return S3Transaction.SERIALIZER;
    }

    /**
     * Aborts uploads of earlier attempts under this sink's prefix that the checkpoint does not
     * reference, for every old subtask index {@code j} with {@code j % parallelism == subtask}: a
     * pending upload is only in the state of the subtask that started it, and that state comes to
     * exactly this subtask, so no other subtask can still need it. Their records are replayed.
     */
    @Override
    protected void abortLingeringTransactions(OperatorStateRestore restore, Set<S3Transaction> restored)
            throws IOException {
        Set<String> keep = new HashSet<>();
        for (S3Transaction transaction : restored) {
            transaction.uploads().forEach(upload -> keep.add(upload.uploadId()));
        }
        int aborted = 0;
        for (MultipartUpload upload : uploads.listMultipartUploads(ExactlyOnceS3Sink.OBJECT_PREFIX + "-")) {
            PartName name = PartName.parse(ExactlyOnceS3Sink.OBJECT_PREFIX, upload.key());
            if (name != null
                    && name.subtask() % context.parallelism() == context.subtask()
                    && name.attempt() < context.attempt()
                    && !keep.contains(upload.uploadId())) {
                uploads.abortMultipartUpload(upload.key(), upload.uploadId());
                aborted++;
            }
        }
        if (aborted > 0) {
            LOG.info("{} subtask {}: aborted {} multipart uploads of earlier attempts in {}",
                    context.jobName(), context.subtask(), aborted, store.describe());
        }
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            store.close();
        }
    }

    private boolean mustRoll() {
        return rolling.shouldRoll(lines.size(), objectOpenedAt) || object.uploadedParts() >= ROLL_AT_PARTS;
    }

    /**
     * Creates the upload under the name of the first checkpoint that can commit it: the next
     * barrier has a higher id than the last one this writer passed (or the checkpoint it restored).
     */
    private S3PartUploader startObject() throws IOException {
        String key;
        // The attempt already makes keys unique; skipping taken keys guards against a run with other
        // checkpoint storage (where attempts count anew) overwriting committed output.
        do {
            key = new PartName(ExactlyOnceS3Sink.OBJECT_PREFIX, context.subtask(), lastCheckpointId() + 1,
                    context.attempt(), nextSequence++).name();
        } while (store.exists(key));
        String uploadId = uploads.createMultipartUpload(key);
        S3PartUploader uploader = new S3PartUploader(uploads, store.settings(), key, uploadId, partSize, partBuffer);
        lines.target(uploader);
        objectOpenedAt = rolling.openedAt();
        return uploader;
    }

    private void finishObject(S3Transaction transaction) throws IOException {
        lines.flush();
        transaction.add(object.finish());
        partBuffer = object.buffer();
        object = null;
    }
}
