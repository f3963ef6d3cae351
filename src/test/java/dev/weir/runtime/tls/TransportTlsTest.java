package dev.weir.runtime.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import dev.weir.testing.TestCertificates;
import dev.weir.testing.TestCertificates.KeyFormat;

class TransportTlsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyFormat.class)
    void readsTheKeyFormatsTlsSecretsHoldAndShakesHandsWithAPeerOfTheSameCa(KeyFormat format) throws Exception {
        TestCertificates ca = TestCertificates.newAuthority("weir-test-ca");
        TransportTls server = TransportTls.fromDirectory(ca.issue(dir.resolve("server"), "weir-operator", format));
        TransportTls client = TransportTls.fromDirectory(ca.issue(dir.resolve("client"), "weir-worker", KeyFormat.EC_PKCS8));

        assertThat(exchange(server, client)).isEqualTo("pong");
    }

    @Test
    void peersOfAnotherCaAreRefusedBothWays() throws Exception {
        TransportTls ours = TransportTls.fromDirectory(
                TestCertificates.newAuthority("ours").issue(dir.resolve("ours"), "worker", KeyFormat.RSA_PKCS1));
        TransportTls theirs = TransportTls.fromDirectory(
                TestCertificates.newAuthority("theirs").issue(dir.resolve("theirs"), "worker", KeyFormat.RSA_PKCS1));

        assertThatThrownBy(() -> exchange(ours, theirs)).hasCauseInstanceOf(SSLException.class);
        assertThatThrownBy(() -> exchange(theirs, ours)).hasCauseInstanceOf(SSLException.class);
    }

    @Test
    void missingOrBrokenFilesAreNamedWithoutTheirContent() throws Exception {
        Path material = TestCertificates.newAuthority("ca").issue(dir.resolve("tls"), "worker", KeyFormat.RSA_PKCS1);
        String key = Files.readString(material.resolve("tls.key"));
        Files.delete(material.resolve("ca.crt"));
        assertThatThrownBy(() -> TransportTls.fromDirectory(material))
                .hasMessageContaining(material.resolve("ca.crt").toString()).hasMessageContaining("cannot be read");

        Files.writeString(material.resolve("ca.crt"), key);
        assertThatThrownBy(() -> TransportTls.fromDirectory(material))
                .hasMessageContaining(material.resolve("ca.crt") + " holds no PEM certificate")
                .satisfies(e -> assertThat(e.toString()).doesNotContain(key.lines().skip(1).findFirst().orElseThrow()));
    }

    /** A TLS server on loopback reads "ping" and answers "pong"; the client's view of it is returned. */
    private static String exchange(TransportTls serverSide, TransportTls clientSide) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try (Socket accepted = listener.accept(); SSLSocket tls = serverSide.server(accepted)) {
                    tls.setSoTimeout(10_000);
                    byte[] ping = tls.getInputStream().readNBytes(4);
                    if (new String(ping).equals("ping")) {
                        tls.getOutputStream().write("pong".getBytes());
                        tls.getOutputStream().flush();
                    }
                } catch (IOException ignored) {
                    // the client sees the failure
                }
            });
            byte[] pong;
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
                try (SSLSocket tls = clientSide.client(socket)) {
                    tls.setSoTimeout(10_000);
                    OutputStream out = tls.getOutputStream();
                    out.write("ping".getBytes());
                    out.flush();
                    InputStream in = tls.getInputStream();
                    pong = in.readNBytes(4);
                } catch (SSLException e) {
                    throw new IOException("handshake failed", e);
                }
            }
            // After the client closed: a TLS 1.3 close waits for the peer's close_notify.
            server.get(10, TimeUnit.SECONDS);
            if (pong.length < 4) {
                throw new IOException("connection closed", new SSLException("no answer over TLS"));
            }
            return new String(pong);
        }
    }
}
