package dev.weir.connectors.file;

import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.storage.StorageRefusedException;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.LongSupplier;

import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.runtime.storage.S3Settings;

/**
 * Writes {@code record.toString()} lines into objects of an S3-compatible bucket, exactly once,
 * by two-phase commit: each subtask writes one multipart upload per checkpoint (more if the object
 * rolls over by {@link #withMaxObjectSize} or {@link #withRolloverInterval}) and completes it when
 * the checkpoint completes. Until then nothing is visible in the bucket. The bucket must exist;
 * this sink does not create it.
 *
 * <p>Objects are named {@code <prefix>/part-<subtask>-chk<n>-a<attempt>-<seq>} ({@link PartName}).
 * S3 fixes an object's key when its upload is created, before the barrier that closes it, so
 * {@code n} is the <em>first checkpoint that can commit it</em>: one above the last barrier the
 * subtask had passed when it created the upload (after a restore, one above the restored
 * checkpoint). Every line in the object was written after that barrier, and the object is
 * committed by checkpoint {@code n} or, when barrier {@code n} never reached the subtask (a
 * checkpoint that failed before, ids skipped after a restore) or {@code n} failed, by the first
 * later checkpoint that completes. Without failures {@code n} is exactly the checkpoint that
 * commits it. {@code seq} counts the objects the subtask started in this attempt.
 *
 * <p>Give each sink its own prefix: on restore a subtask aborts the unreferenced uploads under its
 * prefix that earlier attempts left behind.
 */
public final class ExactlyOnceS3Sink<T> implements Sink<T> {

    /** S3's smallest part size (every part but the last); also the default. */
    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    /** Objects grow until the checkpoint unless a maximum size is set. */
    public static final long UNLIMITED = RollingPolicy.UNLIMITED;
    /** The first part of every object name, after the sink's prefix. */
    static final String OBJECT_PREFIX = "part";

    private final S3Settings settings;
    private final int partSize;
    private final RollingPolicy rolling;

    private ExactlyOnceS3Sink(S3Settings settings, int partSize, RollingPolicy rolling) {
        this.settings = settings;
        this.partSize = partSize;
        this.rolling = rolling;
    }

    /**
     * @param uri {@code s3://bucket/prefix} (the prefix may be empty)
     * @param template endpoint, region, addressing style and credentials; its bucket and prefix are ignored
     */
    public static <T> ExactlyOnceS3Sink<T> forUri(String uri, S3Settings template) {
        return new ExactlyOnceS3Sink<>(S3SinkLocation.fromUri(uri, template), MIN_PART_SIZE, RollingPolicy.AT_BARRIERS);
    }

    /**
     * Endpoint and credentials from the environment: {@code WEIR_S3_ENDPOINT},
     * {@code WEIR_S3_ACCESS_KEY}, {@code WEIR_S3_SECRET_KEY} (required), {@code WEIR_S3_REGION}
     * (optional), {@code WEIR_S3_PATH_STYLE} (default true). Fails naming a missing variable.
     */
    public static <T> ExactlyOnceS3Sink<T> fromEnvironment(String uri) {
        return fromEnvironment(uri, System::getenv);
    }

    /** As {@link #fromEnvironment(String)}, reading the variables from {@code environment} (e.g. a map in tests). */
    public static <T> ExactlyOnceS3Sink<T> fromEnvironment(String uri, Function<String, String> environment) {
        return new ExactlyOnceS3Sink<>(S3SinkLocation.fromEnvironment(uri, environment), MIN_PART_SIZE, RollingPolicy.AT_BARRIERS);
    }

    /** Bytes buffered per subtask before a part is uploaded; at least {@link #MIN_PART_SIZE}. */
    public ExactlyOnceS3Sink<T> withPartSize(int bytes) {
        if (bytes < MIN_PART_SIZE) {
            // Checked here because S3 would only reject small parts at commit, after the checkpoint completed.
            throw new IllegalArgumentException("part size must be at least " + MIN_PART_SIZE + " bytes (S3's minimum), got "
                    + bytes);
        }
        return new ExactlyOnceS3Sink<>(settings, bytes, rolling);
    }

    /** Starts a new object within a checkpoint once the current one reaches {@code bytes} (at a line boundary). */
    public ExactlyOnceS3Sink<T> withMaxObjectSize(long bytes) {
        return new ExactlyOnceS3Sink<>(settings, partSize, rolling.withMaxBytes(bytes));
    }

    /** Starts a new object within a checkpoint for the first record after the current one is {@code interval} old. */
    public ExactlyOnceS3Sink<T> withRolloverInterval(Duration interval) {
        return new ExactlyOnceS3Sink<>(settings, partSize, rolling.withRolloverInterval(interval));
    }

    /** The millisecond clock the rollover interval is measured with (tests). */
    ExactlyOnceS3Sink<T> withClock(LongSupplier clockMs) {
        return new ExactlyOnceS3Sink<>(settings, partSize, rolling.withClock(clockMs));
    }

    /** {@code s3://bucket/prefix}: where the output goes (no credentials). */
    public String location() {
        return settings.describe();
    }

    public int partSize() {
        return partSize;
    }

    public long maxObjectSize() {
        return rolling.maxBytes();
    }

    @Override
    public SinkWriter<T> createWriter(SinkContext context) throws Exception {
        S3ObjectStore store = new S3ObjectStore(settings);
        S3TransactionWriter<T> writer = new S3TransactionWriter<>(context, store, partSize, rolling);
        try {
            writer.initializeState();
        } catch (IOException e) {
            store.close();
            // S3 failures name the bucket, key and endpoint, never a credential.
            String message = this + " subtask " + context.subtask() + " cannot start: " + e.getMessage();
            if (e instanceof StorageRefusedException) {
                // No such bucket, wrong credentials, no permission: the settings must change first.
                throw new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION, message, e);
            }
            throw new IOException(message, e);
        }
        return writer;
    }

    /** Leaves out the credentials: this string ends up in logs and exceptions. */
    @Override
    public String toString() {
        return "ExactlyOnceS3Sink[" + settings.describe() + " at " + settings.endpoint() + "]";
    }
}
