package dev.weir.runtime.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S3HttpClientsTest {

    @TempDir
    Path dir;

    @Test
    void onlyHttpUrlsArePlain() {
        assertThat(S3HttpClients.isPlainHttp("http://127.0.0.1:9000")).isTrue();
        assertThat(S3HttpClients.isPlainHttp("HTTP://minio.storage.svc:9000/")).isTrue();
        assertThat(S3HttpClients.isPlainHttp(" http://minio:9000")).isTrue();
        assertThat(S3HttpClients.isPlainHttp("https://s3.eu-west-1.amazonaws.com")).isFalse();
        // MinIO reaches an endpoint without a scheme over TLS.
        assertThat(S3HttpClients.isPlainHttp("s3.amazonaws.com")).isFalse();
        assertThat(S3HttpClients.isPlainHttp("minio:9000")).isFalse();
        assertThat(S3HttpClients.isPlainHttp("http://bad host")).isFalse();
    }

    @Test
    void theSharedClientsAreOnePerKindOfEndpoint() {
        OkHttpClient plain = S3HttpClients.forEndpoint("http://127.0.0.1:9000");
        assertThat(S3HttpClients.forEndpoint("http://minio:9000")).isSameAs(plain);
        assertThat(plain.protocols()).containsExactly(okhttp3.Protocol.HTTP_1_1);
        assertThat(plain.readTimeoutMillis()).isEqualTo((int) io.minio.Http.DEFAULT_TIMEOUT);
    }

    @Test
    void aCertificateFileIsTrustedBesidesTheJdkTrustStore() throws Exception {
        X509Certificate ca = someJdkCertificate();
        Path file = dir.resolve("extra.pem");
        Files.writeString(file, pem(ca));

        OkHttpClient client = S3HttpClients.withCertificates(S3HttpClients.plain(), file.toString(), null);

        assertThat(List.of(client.x509TrustManager().getAcceptedIssuers())).contains(ca);
    }

    @Test
    void withoutCertificateFilesTheJdkTrustStoreStillCounts() throws Exception {
        OkHttpClient client = S3HttpClients.withCertificates(S3HttpClients.plain(), null, null);

        assertThat(List.of(client.x509TrustManager().getAcceptedIssuers())).contains(someJdkCertificate());
    }

    @Test
    void anUnreadableCertificateFileIsNamed() throws Exception {
        Path file = dir.resolve("broken.pem");
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> S3HttpClients.withCertificates(S3HttpClients.plain(), file.toString(), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SSL_CERT_FILE=" + file);
    }

    private static X509Certificate someJdkCertificate() throws Exception {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (var manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509 && x509.getAcceptedIssuers().length > 0) {
                return x509.getAcceptedIssuers()[0];
            }
        }
        throw new IllegalStateException("the JDK trusts no certificate");
    }

    private static String pem(X509Certificate certificate) throws Exception {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(certificate.getEncoded());
        return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
    }
}
