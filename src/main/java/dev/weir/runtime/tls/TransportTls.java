package dev.weir.runtime.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for the control and data planes, from a directory laid out like a mounted Kubernetes TLS
 * Secret: {@code tls.crt} (this process's certificate, chain allowed), {@code tls.key} and
 * {@code ca.crt} (the CA that signs every certificate of the job and of the coordinator).
 *
 * <p>Every connection is mutual TLS: both ends show a certificate that {@code ca.crt} signed, and
 * that is the identity checked. Host names are not: workers are pods known by their IP, which no
 * certificate issued ahead of time names. So the CA must be one made for Weir (a cert-manager CA
 * Issuer of its own), not one that signs certificates for anything else, as Flink asks of the CA
 * of its internal connections. The bearer token is still checked on top.
 */
public final class TransportTls {

    public static final String CERTIFICATE_FILE = "tls.crt";
    public static final String KEY_FILE = "tls.key";
    public static final String CA_FILE = "ca.crt";
    private static final String PROTOCOL = "TLSv1.3";

    private final SSLContext context;
    private final Path directory;

    private TransportTls(SSLContext context, Path directory) {
        this.context = context;
        this.directory = directory;
    }

    /** Reads {@code tls.crt}, {@code tls.key} and {@code ca.crt} from {@code directory}; errors name the file. */
    public static TransportTls fromDirectory(Path directory) throws IOException {
        Path certificateFile = directory.resolve(CERTIFICATE_FILE);
        Path keyFile = directory.resolve(KEY_FILE);
        Path caFile = directory.resolve(CA_FILE);
        for (Path file : List.of(certificateFile, keyFile, caFile)) {
            if (!Files.isReadable(file)) {
                throw new IOException("TLS is on but " + file + " cannot be read (a TLS Secret mounted there holds "
                        + CERTIFICATE_FILE + ", " + KEY_FILE + " and " + CA_FILE + ")");
            }
        }
        List<X509Certificate> chain = PemFiles.certificates(certificateFile);
        PrivateKey key = PemFiles.privateKey(keyFile);
        List<X509Certificate> authorities = PemFiles.certificates(caFile);
        try {
            char[] noPassword = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("weir", key, noPassword, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, noPassword);

            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                trusted.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trusted);
            X509TrustManager pkix = (X509TrustManager) trustManagers.getTrustManagers()[0];

            SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(keyManagers.getKeyManagers(), new CaOnlyTrustManager[] {new CaOnlyTrustManager(pkix)},
                    new SecureRandom());
            return new TransportTls(context, directory.toAbsolutePath());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("TLS material in " + directory + " is not usable: " + e.getMessage(), e);
        }
    }

    /** Where the files were read from: a process started with the same files mounted there reads the same. */
    public Path directory() {
        return directory;
    }

    /** The context for both roles: servers (which require a client certificate) and clients. */
    public SSLContext context() {
        return context;
    }

    /** What the JDK's HTTP client should use: TLS 1.3, no host name check (see the class comment). */
    public SSLParameters clientParameters() {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(new String[] {PROTOCOL});
        parameters.setEndpointIdentificationAlgorithm(null);
        return parameters;
    }

    /** Layers TLS, as the client, over a connected socket; the handshake runs on first use (within its read timeout). */
    public SSLSocket client(Socket connected) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(connected,
                connected.getInetAddress().getHostAddress(), connected.getPort(), true);
        socket.setUseClientMode(true);
        socket.setSSLParameters(clientParameters());
        return socket;
    }

    /** Layers TLS, as the server that requires the client's certificate, over an accepted socket. */
    public SSLSocket server(Socket accepted) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(accepted, null, accepted.getPort(), true);
        socket.setUseClientMode(false);
        SSLParameters parameters = clientParameters();
        parameters.setNeedClientAuth(true);
        socket.setSSLParameters(parameters);
        return socket;
    }

    @Override
    public String toString() {
        return "TransportTls[" + directory + "]";
    }
}
