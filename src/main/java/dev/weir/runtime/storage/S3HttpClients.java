package dev.weir.runtime.storage;

import io.minio.Http;
import io.minio.errors.MinioException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * The OkHttp clients every MinIO client in a JVM shares: one connection pool and dispatcher, as
 * OkHttp recommends (MinIO would build a client per MinIO client).
 *
 * <p>MinIO's default client ({@link Http#newDefaultClient()}) trusts, besides the JDK's trust
 * store, every certificate in the files {@code SSL_CERT_FILE} and {@code SSL_CERT_DIR} name, and
 * reads and parses them all when it is built. Where those variables point at the system's bundle
 * (Nix, many container images and CI machines), that is hundreds of certificates: 2 to 2.4 s of
 * CPU in a fresh worker JVM, measured in {@code weir local}, where it held every worker's tasks
 * back by about 3 s. A plain {@code http://} endpoint (the embedded store, a MinIO in the
 * cluster) uses no certificate, so its client never reads them; {@code https://} and endpoints
 * without a scheme (which MinIO reaches over TLS) keep MinIO's behaviour.
 */
final class S3HttpClients {

    private S3HttpClients() {}

    /** Built on first use by an endpoint that is not plain HTTP; null until then. */
    private static OkHttpClient tls;

    /** The shared client for an S3 endpoint. */
    static OkHttpClient forEndpoint(String endpoint) {
        return isPlainHttp(endpoint) ? Plain.INSTANCE : tls();
    }

    /** The client for TLS endpoints; a certificate that cannot be read fails each call that needs it, alike. */
    private static synchronized OkHttpClient tls() {
        if (tls == null) {
            tls = withCertificates(Plain.INSTANCE, System.getenv("SSL_CERT_FILE"), System.getenv("SSL_CERT_DIR"));
        }
        return tls;
    }

    /** True if {@code endpoint} is an {@code http://} URL: no TLS, so no certificate to trust. */
    static boolean isPlainHttp(String endpoint) {
        try {
            String scheme = URI.create(endpoint.trim()).getScheme();
            return scheme != null && scheme.toLowerCase(Locale.ROOT).equals("http");
        } catch (IllegalArgumentException e) {
            return false; // MinIO's own parsing reports what is wrong with it
        }
    }

    /** MinIO's default settings (timeouts, HTTP/1.1) without its external certificates. */
    static OkHttpClient plain() {
        return new OkHttpClient.Builder()
                .connectTimeout(Http.DEFAULT_TIMEOUT, TimeUnit.MILLISECONDS)
                .writeTimeout(Http.DEFAULT_TIMEOUT, TimeUnit.MILLISECONDS)
                .readTimeout(Http.DEFAULT_TIMEOUT, TimeUnit.MILLISECONDS)
                .protocols(List.of(Protocol.HTTP_1_1))
                .build();
    }

    /**
     * {@code base} trusting, besides the JDK's trust store, the certificates in {@code certificateFile}
     * and in the files of {@code certificateDirectory} (either may be null), as MinIO does with
     * {@code SSL_CERT_FILE} and {@code SSL_CERT_DIR}.
     */
    static OkHttpClient withCertificates(OkHttpClient base, String certificateFile, String certificateDirectory) {
        try {
            return Http.enableExternalCertificates(base, certificateFile, certificateDirectory);
        } catch (MinioException e) {
            throw new IllegalStateException("cannot read the TLS certificates in SSL_CERT_FILE=" + certificateFile
                    + " or SSL_CERT_DIR=" + certificateDirectory + ": " + e.getMessage(), e);
        }
    }

    private static final class Plain {
        static final OkHttpClient INSTANCE = plain();
    }
}
