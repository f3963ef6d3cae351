package dev.weir.runtime.storage;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns MinIO client failures into the {@link IOException}s the {@link ObjectStore} contract
 * promises, with messages that name the endpoint, bucket and key but never a credential.
 */
final class S3Failures {

    static final String NO_SUCH_KEY = "NoSuchKey";
    static final String NO_SUCH_BUCKET = "NoSuchBucket";
    static final String NO_SUCH_UPLOAD = "NoSuchUpload";
    static final String INVALID_RANGE = "InvalidRange";
    /**
     * Answers that name a mistake in the settings (credentials, permissions, bucket), which no
     * retry heals; anything else (no answer, 5xx, throttling) may pass.
     */
    private static final Set<String> REFUSALS = Set.of("AccessDenied", "AllAccessDisabled", "AccountProblem",
            "AuthorizationHeaderMalformed", "ExpiredToken", "InvalidAccessKeyId", "InvalidBucketName", "InvalidToken",
            NO_SUCH_BUCKET, "SignatureDoesNotMatch");

    private final S3Settings settings;

    S3Failures(S3Settings settings) {
        this.settings = settings;
    }

    /** Waits for a MinIO call and translates its failure. */
    <T> T await(CompletableFuture<T> call, String operation, String key) throws IOException {
        try {
            return call.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted =
                    new InterruptedIOException("interrupted during S3 " + operation + " of " + where(key));
            interrupted.initCause(e);
            throw interrupted;
        } catch (ExecutionException | CompletionException e) {
            throw translate(e.getCause() == null ? e : e.getCause(), operation, key);
        }
    }

    IOException translate(Throwable failure, String operation, String key) {
        Throwable cause = unwrap(failure);
        Optional<String> code = errorCode(cause);
        if (code.filter(NO_SUCH_KEY::equals).isPresent()) {
            return new NoSuchFileException(where(key));
        }
        if (code.filter(INVALID_RANGE::equals).isPresent()) {
            // A range starting past the end: the same failure a short read is on a local file.
            EOFException eof = new EOFException("S3 " + operation + " of " + where(key) + ": range past the end");
            eof.initCause(cause);
            return eof;
        }
        String detail = code.map(c -> c + ": " + ((ErrorResponseException) cause).errorResponse().message())
                .orElseGet(() -> cause.getClass().getSimpleName() + ": " + cause.getMessage());
        String message = "S3 " + operation + " of " + where(key) + " at " + settings.endpoint() + " failed: " + detail;
        if (code.filter(REFUSALS::contains).isPresent()) {
            return new StorageRefusedException(message, code.get(), cause);
        }
        return new IOException(message, cause);
    }

    /** The S3 error code (e.g. "NoSuchUpload") if the server answered with an error document. */
    static Optional<String> errorCode(Throwable failure) {
        if (failure == null) {
            return Optional.empty();
        }
        Throwable cause = unwrap(failure);
        if (cause instanceof ErrorResponseException e && e.errorResponse() != null) {
            return Optional.ofNullable(e.errorResponse().code());
        }
        if (cause instanceof IOException io && io.getCause() instanceof ErrorResponseException) {
            return errorCode(io.getCause());
        }
        return Optional.empty();
    }

    String where(String key) {
        return key == null ? settings.describe() : settings.describe() + "/" + key;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        // A lazy listing fails from its iterator's hasNext(), as an IllegalStateException around the cause.
        while ((t instanceof CompletionException || t instanceof ExecutionException
                || t.getClass() == IllegalStateException.class || t.getClass() == RuntimeException.class)
                && t.getCause() != null) {
            t = t.getCause();
        }
        // Some MinIO paths wrap the real error response in a plain MinioException.
        if (t instanceof MinioException && !(t instanceof ErrorResponseException)
                && t.getCause() instanceof ErrorResponseException) {
            t = t.getCause();
        }
        return t;
    }
}
