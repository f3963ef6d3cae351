package dev.weir.runtime.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.local.EmbeddedS3Server;

/**
 * An S3 server that goes away and comes back (S3Proxy on files, stopped and started on the same
 * port): every call of the store, the lazy listing included, fails with an {@link IOException}
 * naming the endpoint while it is down, and works again with the same client once it is back. A
 * server that answers but refuses (credentials, bucket) is a {@link StorageRefusedException}: no
 * wait makes that one pass.
 */
class S3OutageIT {

    @TempDir
    Path dir;

    @Test
    void everyCallFailsWithAnIOExceptionWhileTheServerIsDownAndWorksOnceItIsBack() throws Exception {
        EmbeddedS3Server server = EmbeddedS3Server.startPersistent(dir);
        int port = server.port();
        String endpoint = server.endpoint();
        try (S3ObjectStore store = new S3ObjectStore(server.settings("outage"))) {
            store.ensureBucket();
            store.put("chk-1/a", "a".getBytes(UTF_8));
            server.close();

            for (StoreCall call : new StoreCall[] {
                    () -> store.list("chk-"), () -> store.deleteAll("chk-1/"), () -> store.get("chk-1/a"),
                    () -> store.put("chk-2/b", new byte[1]), () -> store.exists("chk-1/a"), store::ensureBucket}) {
                assertThatThrownBy(call::run).isInstanceOf(IOException.class)
                        .isNotInstanceOf(StorageRefusedException.class)
                        .hasMessageContaining(endpoint);
            }

            server = EmbeddedS3Server.start(dir, port, server.accessKey(), server.secretKey());
            assertThat(store.list("chk-")).containsExactly("chk-1/a");
            assertThat(store.get("chk-1/a")).isEqualTo("a".getBytes(UTF_8));
        } finally {
            server.close();
        }
    }

    @Test
    void wrongCredentialsAndAMissingBucketAreRefusals() throws Exception {
        try (EmbeddedS3Server server = EmbeddedS3Server.startInMemory();
             S3ObjectStore wrongKey = new S3ObjectStore(new S3Settings(server.endpoint(), "weir", "us-east-1", true,
                     server.accessKey(), "not-the-secret", ""));
             S3ObjectStore noBucket = new S3ObjectStore(server.settings("no-such-bucket"))) {
            assertThatThrownBy(wrongKey::ensureBucket).isInstanceOf(StorageRefusedException.class)
                    .hasMessageNotContaining("not-the-secret");
            assertThatThrownBy(() -> wrongKey.list("x")).isInstanceOf(StorageRefusedException.class);
            assertThatThrownBy(() -> noBucket.list("x")).isInstanceOf(StorageRefusedException.class)
                    .hasMessageContaining("NoSuchBucket");
        }
    }

    @FunctionalInterface
    private interface StoreCall {
        void run() throws Exception;
    }
}
