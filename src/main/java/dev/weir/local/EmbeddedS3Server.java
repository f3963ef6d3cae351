package dev.weir.local;

import dev.weir.runtime.storage.S3Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An S3-compatible server (S3Proxy) on loopback: the default checkpoint and sink storage of
 * {@code weir local}, so that local runs exercise the same S3 code path as a cluster, and the
 * server the integration tests use.
 *
 * <p>With a directory, objects are plain files under it ({@code <dir>/<bucket>/<key>}) and survive
 * a restart of the server, which {@code weir local --restore latest} after a kill relies on.
 */
public final class EmbeddedS3Server implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3Server.class);
    private static final String HOST = "127.0.0.1";
    /** S3Proxy does not care, but a fixed region spares the client a GetBucketLocation round trip. */
    private static final String REGION = "us-east-1";

    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final String accessKey;
    private final String secretKey;
    private final Path directory;
    /**
     * The port it listens on, taken once it started: Jetty answers -2 once stopped, and a job master
     * still running after {@link #close} built "http://127.0.0.1:-2" from it, a deployment failure
     * that no restart could heal ("port out of range"). Fixed, a stopped store is a store that
     * refuses connections: a storage outage, waited out and reported as one.
     */
    private final int port;

    private EmbeddedS3Server(S3Proxy proxy, BlobStore blobStore, String accessKey, String secretKey, Path directory) {
        this.proxy = proxy;
        this.port = proxy.getPort();
        this.blobStore = blobStore;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.directory = directory;
    }

    /** An in-memory server on a free port with fresh credentials. */
    public static EmbeddedS3Server startInMemory() throws IOException {
        return start(null, 0, generatedKey("weir"), generatedKey(""));
    }

    /** A server persisting under {@code directory} on a free port with fresh credentials. */
    public static EmbeddedS3Server startPersistent(Path directory) throws IOException {
        return start(directory, 0, generatedKey("weir"), generatedKey(""));
    }

    /**
     * @param directory where objects persist; null keeps them in memory
     * @param port 0 picks a free port
     */
    public static EmbeddedS3Server start(Path directory, int port, String accessKey, String secretKey)
            throws IOException {
        BlobStore blobStore;
        Path dir = null;
        if (directory == null) {
            blobStore = new TransientNio2BlobStore();
        } else {
            dir = directory.toAbsolutePath();
            Files.createDirectories(dir);
            blobStore = new FilesystemNio2BlobStore(dir.toString());
        }
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://" + HOST + ":" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // Jetty waits this long for idle connections on stop; nothing here needs a graceful drain.
                .stopTimeout(100)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            blobStore.close();
            throw new IOException("cannot start embedded S3 server on " + HOST + ":" + port, e);
        }
        EmbeddedS3Server server = new EmbeddedS3Server(proxy, blobStore, accessKey, secretKey, dir);
        LOG.info("embedded S3 server at {} ({})", server.endpoint(), dir == null ? "in memory" : "data in " + dir);
        return server;
    }

    public String endpoint() {
        return "http://" + HOST + ":" + port();
    }

    public int port() {
        return port;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** Where objects persist, or null when in memory. */
    public Path directory() {
        return directory;
    }

    /** Settings for a client of this server; the bucket is not created (see S3ObjectStore.ensureBucket). */
    public S3Settings settings(String bucket) {
        return new S3Settings(endpoint(), bucket, REGION, true, accessKey, secretKey, "");
    }

    @Override
    public void close() {
        String endpoint = endpoint();
        try {
            proxy.stop();
        } catch (java.util.concurrent.TimeoutException e) {
            // Clients keep idle keep-alive connections open; the short graceful stop then closes them.
            LOG.debug("embedded S3 server at {} closed open client connections on stop", endpoint);
        } catch (Exception e) {
            LOG.warn("stopping embedded S3 server at {} failed", endpoint, e);
        } finally {
            blobStore.close();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedS3Server[" + endpoint() + "]";
    }

    private static String generatedKey(String prefix) {
        byte[] bytes = new byte[prefix.isEmpty() ? 24 : 8];
        new SecureRandom().nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }
}
