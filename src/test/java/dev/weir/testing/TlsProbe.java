package dev.weir.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import dev.weir.runtime.tls.TransportTls;

/**
 * Clients that knock on a control or data port to see what it lets in: over TLS with a given
 * certificate, over TLS with none, or in plain text. Each sends {@code GET /v1/health} and returns
 * the start of the answer's status line, or {@link #REFUSED} when no HTTP answer came (the
 * handshake was broken off, the connection closed or reset, or only a TLS alert came back).
 */
public final class TlsProbe {

    public static final String REFUSED = "refused";
    private static final String REQUEST = "GET /v1/health HTTP/1.1\r\nHost: weir\r\nConnection: close\r\n\r\n";

    private TlsProbe() {
    }

    /** Over TLS, showing {@code client}'s certificate and trusting its CA. */
    public static String answer(InetSocketAddress target, TransportTls client) throws IOException {
        try (Socket socket = connect(target); SSLSocket tls = client.client(socket)) {
            return exchange(tls);
        } catch (SSLException | SocketException e) {
            return REFUSED; // SocketException: reset after the server's alert
        }
    }

    /**
     * Whether a TLS handshake as {@code client} completes: the port speaks TLS with a certificate
     * of {@code client}'s CA (a port that speaks anything else, or refuses the client, breaks it off).
     */
    public static boolean handshakes(InetSocketAddress target, TransportTls client) throws IOException {
        try (Socket socket = connect(target); SSLSocket tls = client.client(socket)) {
            tls.startHandshake();
            return true;
        } catch (SSLException | SocketException e) {
            return false;
        }
    }

    /** Over TLS trusting the CA in {@code caFile}, showing no certificate of its own. */
    public static String answerWithoutCertificate(InetSocketAddress target, Path caFile)
            throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int i = 0;
            for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca-" + i++, ca);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, trust.getTrustManagers(), null);
        try (Socket socket = connect(target);
             SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket,
                     target.getHostString(), target.getPort(), true)) {
            SSLParameters parameters = context.getDefaultSSLParameters();
            parameters.setEndpointIdentificationAlgorithm(null); // certificates name no pod IPs
            tls.setSSLParameters(parameters);
            return exchange(tls);
        } catch (SSLException | SocketException e) {
            return REFUSED;
        }
    }

    /** In plain text, as an HTTP client given an {@code http://} URL would. */
    public static String plainAnswer(InetSocketAddress target) throws IOException {
        try (Socket socket = connect(target)) {
            return exchange(socket);
        } catch (SocketException e) {
            return REFUSED;
        }
    }

    private static Socket connect(InetSocketAddress target) throws IOException {
        Socket socket = new Socket();
        socket.connect(target, 10_000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static String exchange(Socket socket) throws IOException {
        socket.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        byte[] head = socket.getInputStream().readNBytes(12);
        String answer = new String(head, StandardCharsets.US_ASCII);
        return answer.startsWith("HTTP/") ? answer : REFUSED;
    }
}
