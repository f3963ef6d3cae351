package dev.weir.runtime.storage;

import io.minio.AbortMultipartUploadArgs;
import io.minio.CompleteMultipartUploadArgs;
import io.minio.CreateMultipartUploadArgs;
import io.minio.ListMultipartUploadsArgs;
import io.minio.ListMultipartUploadsResponse;
import io.minio.MinioAsyncClient;
import io.minio.StatObjectArgs;
import io.minio.UploadPartArgs;
import io.minio.UploadPartResponse;
import io.minio.messages.ListMultipartUploadsResult;
import io.minio.messages.Part;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The S3 multipart-upload calls an exactly-once file sink is built on: parts are uploaded while a
 * checkpoint is open, the upload id goes into the checkpoint, and the upload is completed only
 * once the checkpoint is complete (possibly again, after a restore: hence an idempotent complete).
 *
 * <p>Keys are relative to the key prefix of the {@link S3ObjectStore} this comes from.
 */
public final class S3MultipartUploads {

    private static final Logger LOG = LoggerFactory.getLogger(S3MultipartUploads.class);

    private final MinioAsyncClient client;
    private final S3Settings settings;
    private final S3Failures failures;

    S3MultipartUploads(MinioAsyncClient client, S3Settings settings, S3Failures failures) {
        this.client = client;
        this.settings = settings;
        this.failures = failures;
    }

    public String createMultipartUpload(String key) throws IOException {
        CreateMultipartUploadArgs args = CreateMultipartUploadArgs.builder()
                .bucket(settings.bucket())
                .object(settings.objectKey(key))
                .build();
        return failures.await(client.createMultipartUpload(args), "multipart create", key).result().uploadId();
    }

    /** Parts are numbered from 1; every part but the last must be at least 5 MiB on AWS. */
    public PartETag uploadPart(String key, String uploadId, int partNumber, byte[] data) throws IOException {
        UploadPartArgs args = UploadPartArgs.builder()
                .bucket(settings.bucket())
                .object(settings.objectKey(key))
                .uploadId(uploadId)
                .partNumber(partNumber)
                .data(data, data.length)
                .build();
        UploadPartResponse response = failures.await(client.uploadPart(args), "multipart part upload", key);
        return new PartETag(partNumber, response.part().etag());
    }

    /**
     * Makes the object visible. Completing an upload that no longer exists while the object does is
     * taken as "already completed" (a commit repeated after a restore); if neither exists the data
     * is lost and this fails.
     */
    public void completeMultipartUpload(String key, String uploadId, List<PartETag> parts) throws IOException {
        Part[] s3Parts = parts.stream().map(p -> new Part(p.partNumber(), p.etag())).toArray(Part[]::new);
        CompleteMultipartUploadArgs args = CompleteMultipartUploadArgs.builder()
                .bucket(settings.bucket())
                .object(settings.objectKey(key))
                .uploadId(uploadId)
                .parts(s3Parts)
                .build();
        try {
            failures.await(client.completeMultipartUpload(args), "multipart complete", key);
        } catch (IOException e) {
            if (!isNoSuchUpload(e)) {
                throw e;
            }
            if (!objectExists(key)) {
                throw new IOException("multipart upload " + uploadId + " of " + failures.where(key)
                        + " is gone and the object does not exist: it was aborted or expired", e);
            }
            LOG.debug("multipart upload {} of {} was already completed", uploadId, failures.where(key));
        }
    }

    /** Discards the parts; an upload that no longer exists is not an error. */
    public void abortMultipartUpload(String key, String uploadId) throws IOException {
        AbortMultipartUploadArgs args = AbortMultipartUploadArgs.builder()
                .bucket(settings.bucket())
                .object(settings.objectKey(key))
                .uploadId(uploadId)
                .build();
        try {
            failures.await(client.abortMultipartUpload(args), "multipart abort", key);
        } catch (IOException e) {
            if (!isNoSuchUpload(e)) {
                throw e;
            }
        }
    }

    /** Uploads in progress whose key starts with {@code prefix}, e.g. to abort those a crash left behind. */
    public List<MultipartUpload> listMultipartUploads(String prefix) throws IOException {
        String strip = settings.objectKeyPrefix();
        List<MultipartUpload> uploads = new ArrayList<>();
        String keyMarker = null;
        String uploadIdMarker = null;
        while (true) {
            ListMultipartUploadsArgs.Builder args = ListMultipartUploadsArgs.builder()
                    .bucket(settings.bucket())
                    .prefix(settings.objectKey(prefix));
            if (keyMarker != null) {
                args.keyMarker(keyMarker).uploadIdMarker(uploadIdMarker);
            }
            ListMultipartUploadsResponse response =
                    failures.await(client.listMultipartUploads(args.build()), "multipart list", prefix + "*");
            ListMultipartUploadsResult result = response.result();
            if (result.uploads() != null) {
                for (ListMultipartUploadsResult.Upload upload : result.uploads()) {
                    uploads.add(new MultipartUpload(upload.objectName().substring(strip.length()), upload.uploadId()));
                }
            }
            if (!result.isTruncated() || result.nextKeyMarker() == null) {
                return uploads;
            }
            keyMarker = result.nextKeyMarker();
            uploadIdMarker = result.nextUploadIdMarker();
        }
    }

    private boolean objectExists(String key) throws IOException {
        StatObjectArgs args = StatObjectArgs.builder().bucket(settings.bucket()).object(settings.objectKey(key)).build();
        try {
            failures.await(client.statObject(args), "stat", key);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static boolean isNoSuchUpload(IOException e) {
        return S3Failures.errorCode(e.getCause()).filter(S3Failures.NO_SUCH_UPLOAD::equals).isPresent();
    }
}
