package dev.weir.runtime.storage;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.UploadObjectArgs;
import io.minio.errors.MinioException;
import io.minio.messages.DeleteRequest;
import io.minio.messages.DeleteResult;
import io.minio.messages.Item;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ObjectStore} over a bucket of any S3-compatible server, through the MinIO client.
 *
 * <p>It uses {@link MinioAsyncClient} rather than the blocking {@code MinioClient} facade because
 * the multipart calls the exactly-once file sink needs are public only there (MinIO 9.x); one
 * client (one connection pool) then serves both this store and {@link #multipartUploads()}.
 */
public final class S3ObjectStore implements ObjectStore {

    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);

    private final S3Settings settings;
    private final MinioAsyncClient client;
    private final S3Failures failures;
    private final S3MultipartUploads multipartUploads;

    public S3ObjectStore(S3Settings settings) {
        this.settings = settings;
        MinioAsyncClient.Builder builder = MinioAsyncClient.builder()
                .endpoint(settings.endpoint())
                .credentials(settings.accessKey(), settings.secretKey())
                .httpClient(S3HttpClients.forEndpoint(settings.endpoint()), false);
        if (settings.region() != null) {
            builder.region(settings.region());
        }
        this.client = builder.build();
        if (settings.pathStyle()) {
            client.disableVirtualStyleEndpoint();
        }
        this.failures = new S3Failures(settings);
        this.multipartUploads = new S3MultipartUploads(client, settings, failures);
    }

    public S3Settings settings() {
        return settings;
    }

    /** Low-level multipart uploads on the same bucket and key prefix, for the exactly-once file sink. */
    public S3MultipartUploads multipartUploads() {
        return multipartUploads;
    }

    /** Creates the bucket unless it exists; for the embedded server and first-time setups. */
    public void ensureBucket() throws IOException {
        String bucket = settings.bucket();
        boolean exists = failures.await(
                client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()), "bucket check", null);
        if (exists) {
            return;
        }
        MakeBucketArgs.Builder args = MakeBucketArgs.builder().bucket(bucket);
        if (settings.region() != null) {
            args.region(settings.region());
        }
        try {
            failures.await(client.makeBucket(args.build()), "bucket creation", null);
            LOG.info("created bucket {} at {}", bucket, settings.endpoint());
        } catch (IOException e) {
            // Another process creating the same bucket at the same time is fine.
            if (S3Failures.errorCode(e.getCause()).filter(c -> c.startsWith("BucketAlready")).isEmpty()) {
                throw e;
            }
        }
    }

    @Override
    public void put(String key, byte[] data) throws IOException {
        put(key, data, data.length);
    }

    @Override
    public void put(String key, byte[] data, int length) throws IOException {
        PutObjectArgs args = PutObjectArgs.builder()
                .bucket(settings.bucket())
                .object(settings.objectKey(key))
                .data(data, length)
                .build();
        failures.await(client.putObject(args), "put", key);
    }

    /** Multipart when large (the client's part size), read from the file part by part. */
    @Override
    public void put(String key, java.nio.file.Path file) throws IOException {
        UploadObjectArgs args;
        try {
            args = UploadObjectArgs.builder()
                    .bucket(settings.bucket())
                    .object(settings.objectKey(key))
                    .filename(file.toString())
                    .build();
        } catch (MinioException e) {
            throw new IOException("cannot read " + file + " to upload it as " + failures.where(key) + ": " + e.getMessage(), e);
        }
        failures.await(client.uploadObject(args), "put", key);
    }

    @Override
    public byte[] get(String key) throws IOException {
        return read(GetObjectArgs.builder().bucket(settings.bucket()).object(settings.objectKey(key)).build(), key);
    }

    @Override
    public byte[] getRange(String key, long offset, int length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range " + offset + "+" + length + " for " + key);
        }
        if (length == 0) {
            // S3 has no empty byte range; still fail for a missing object as the contract says.
            if (!exists(key)) {
                throw new NoSuchFileException(failures.where(key));
            }
            return new byte[0];
        }
        GetObjectArgs args = GetObjectArgs.builder()
                .bucket(settings.bucket())
                .object(settings.objectKey(key))
                .offset(offset)
                .length((long) length)
                .build();
        byte[] bytes = read(args, key);
        if (bytes.length != length) {
            throw new EOFException(failures.where(key) + ": range " + offset + "+" + length + " requested, "
                    + bytes.length + " bytes returned");
        }
        return bytes;
    }

    /**
     * Streams a whole object into {@code out}, for objects too large to hold in memory (job jars).
     * Throws {@link NoSuchFileException} if the object or its bucket does not exist.
     */
    public void download(String key, OutputStream out) throws IOException {
        GetObjectArgs args = GetObjectArgs.builder().bucket(settings.bucket()).object(settings.objectKey(key)).build();
        GetObjectResponse response;
        try {
            response = failures.await(client.getObject(args), "get", key);
        } catch (IOException e) {
            if (S3Failures.errorCode(e.getCause()).filter(S3Failures.NO_SUCH_BUCKET::equals).isPresent()) {
                throw new NoSuchFileException(failures.where(key), null, "bucket " + settings.bucket() + " does not exist");
            }
            throw e;
        }
        try (response) {
            response.transferTo(out);
        }
    }

    private byte[] read(GetObjectArgs args, String key) throws IOException {
        try (GetObjectResponse response = failures.await(client.getObject(args), "get", key)) {
            return response.readAllBytes();
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        StatObjectArgs args = StatObjectArgs.builder().bucket(settings.bucket()).object(settings.objectKey(key)).build();
        try {
            failures.await(client.statObject(args), "stat", key);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    @Override
    public long size(String key) throws IOException {
        StatObjectArgs args = StatObjectArgs.builder().bucket(settings.bucket()).object(settings.objectKey(key)).build();
        return failures.await(client.statObject(args), "stat", key).size();
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        ListObjectsArgs args = ListObjectsArgs.builder()
                .bucket(settings.bucket())
                .prefix(settings.objectKey(prefix))
                .recursive(true)
                .build();
        String strip = settings.objectKeyPrefix();
        List<String> keys = new ArrayList<>();
        try {
            for (Result<Item> result : client.listObjects(args)) {
                Item item = result.get();
                if (!item.isDir()) {
                    keys.add(item.objectName().substring(strip.length()));
                }
            }
        } catch (MinioException | RuntimeException e) {
            // The listing is lazy: a server that is down fails it from the iterator, not from a call.
            throw failures.translate(e, "list", prefix + "*");
        }
        // S3 orders by UTF-8 bytes; sort so both stores agree with String order.
        keys.sort(Comparator.naturalOrder());
        return keys;
    }

    @Override
    public void delete(String key) throws IOException {
        RemoveObjectArgs args = RemoveObjectArgs.builder().bucket(settings.bucket()).object(settings.objectKey(key)).build();
        failures.await(client.removeObject(args), "delete", key);
    }

    @Override
    public void deleteAll(String prefix) throws IOException {
        List<DeleteRequest.Object> objects = new ArrayList<>();
        for (String key : list(prefix)) {
            objects.add(new DeleteRequest.Object(settings.objectKey(key)));
        }
        if (objects.isEmpty()) {
            return;
        }
        RemoveObjectsArgs args = RemoveObjectsArgs.builder().bucket(settings.bucket()).objects(objects).build();
        // The result is lazy: nothing is deleted until it is iterated.
        List<String> failed = new ArrayList<>();
        try {
            for (Result<DeleteResult.Error> result : client.removeObjects(args)) {
                DeleteResult.Error error = result.get();
                failed.add(error.objectName() + " (" + error.code() + ")");
            }
        } catch (MinioException | RuntimeException e) {
            throw failures.translate(e, "delete", prefix + "*");
        }
        if (!failed.isEmpty()) {
            throw new IOException("S3 delete of " + failures.where(prefix + "*") + " at " + settings.endpoint()
                    + " failed for " + failed.size() + " objects, e.g. " + failed.get(0));
        }
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    public String toString() {
        return "S3ObjectStore[" + describe() + " at " + settings.endpoint() + "]";
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            LOG.warn("closing S3 client for {} failed", describe(), e);
        }
    }
}
