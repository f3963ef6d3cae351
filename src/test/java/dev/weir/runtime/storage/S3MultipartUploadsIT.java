package dev.weir.runtime.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.local.EmbeddedS3Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class S3MultipartUploadsIT {

    private static final String BUCKET = "weir-mpu";
    /** S3 requires every part but the last to be at least 5 MiB. */
    private static final int MIN_PART = 5 * 1024 * 1024;

    private static EmbeddedS3Server server;
    private static S3ObjectStore store;
    private static S3MultipartUploads uploads;

    @BeforeAll
    static void start() throws IOException {
        server = EmbeddedS3Server.startInMemory();
        store = new S3ObjectStore(server.settings(BUCKET).withLocation(BUCKET, "sink"));
        store.ensureBucket();
        uploads = store.multipartUploads();
    }

    @AfterAll
    static void stop() {
        store.close();
        server.close();
    }

    @Test
    void completedUploadBecomesTheObjectAndCompletingAgainIsHarmless() throws Exception {
        byte[] first = filled(MIN_PART, (byte) 'a');
        byte[] second = "tail".getBytes();
        String id = uploads.createMultipartUpload("out/part-0-1");

        PartETag p1 = uploads.uploadPart("out/part-0-1", id, 1, first);
        PartETag p2 = uploads.uploadPart("out/part-0-1", id, 2, second);
        assertThat(store.exists("out/part-0-1")).isFalse();
        assertThat(uploads.listMultipartUploads("out/")).contains(new MultipartUpload("out/part-0-1", id));

        uploads.completeMultipartUpload("out/part-0-1", id, List.of(p1, p2));
        // A restored sink commits the same pending upload again.
        uploads.completeMultipartUpload("out/part-0-1", id, List.of(p1, p2));

        assertThat(p1.partNumber()).isEqualTo(1);
        assertThat(p1.etag()).isNotBlank();
        assertThat(store.get("out/part-0-1")).isEqualTo(concat(first, second));
        assertThat(uploads.listMultipartUploads("out/part-0-1")).isEmpty();
    }

    @Test
    void abortedUploadLeavesNoObjectAndAbortingTwiceIsFine() throws Exception {
        String id = uploads.createMultipartUpload("out/aborted");
        PartETag part = uploads.uploadPart("out/aborted", id, 1, "data".getBytes());

        uploads.abortMultipartUpload("out/aborted", id);
        uploads.abortMultipartUpload("out/aborted", id);

        assertThat(uploads.listMultipartUploads("out/aborted")).isEmpty();
        assertThat(store.exists("out/aborted")).isFalse();
        assertThatThrownBy(() -> uploads.completeMultipartUpload("out/aborted", id, List.of(part)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is gone");
    }

    @Test
    void listShowsOpenUploadsUnderAPrefixRelativeToTheStorePrefix() throws Exception {
        String a = uploads.createMultipartUpload("list/a");
        String b = uploads.createMultipartUpload("list/b");
        String other = uploads.createMultipartUpload("elsewhere/c");

        assertThat(uploads.listMultipartUploads("list/"))
                .containsExactlyInAnyOrder(new MultipartUpload("list/a", a), new MultipartUpload("list/b", b));

        for (MultipartUpload upload : uploads.listMultipartUploads("")) {
            uploads.abortMultipartUpload(upload.key(), upload.uploadId());
        }
        assertThat(uploads.listMultipartUploads("")).isEmpty();
        assertThat(other).isNotBlank();
    }

    private static byte[] filled(int size, byte value) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, value);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
